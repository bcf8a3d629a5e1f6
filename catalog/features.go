package catalog

import (
	"strconv"
	"strings"
)

// ModelFeatures is what a model accepts beyond a plain conversation, as
// Bedrock enforces it: whether it reasons on request and whether it
// caches prompt prefixes, and from what length.
type ModelFeatures struct {
	// Thinking is true for models that take an extended-thinking budget
	// (Anthropic's thinking, Converse's reasoning config).
	Thinking bool
	// Caching is true for models with prompt caching: cache points and
	// cache_control create cache entries.
	Caching bool
	// MinCacheTokens is the shortest prefix, in input tokens, a cache
	// point caches; a shorter one is accepted and not cached. Zero when
	// Caching is false.
	MinCacheTokens int
}

// FeaturesOf reads m's features by its family's rules, from its ID, so
// that a model the list has never seen gets its family's answer. Bedrock
// documents them per family: extended thinking from Claude 3.7 Sonnet
// on; prompt caching on Claude 3.5 Haiku, Claude 3.7 Sonnet and every
// Claude from the 4 generation, and on Amazon Nova, with a minimum of
// 1,024 tokens per cache checkpoint (2,048 on Claude 3.5 Haiku and
// Sonnet 4.6, 4,096 on Claude Haiku 4.5 and Opus 4.5 and later, 1,000 on
// Nova).
func FeaturesOf(m Model) ModelFeatures {
	id := m.ID
	switch {
	case strings.HasPrefix(id, "amazon.nova-"):
		return ModelFeatures{Caching: true, MinCacheTokens: 1000}
	case strings.HasPrefix(id, "anthropic."):
		return claudeFeatures(id)
	}
	return ModelFeatures{}
}

// claudeFeatures applies the Claude rules to a model ID.
func claudeFeatures(id string) ModelFeatures {
	tier, major, minor, ok := claudeVersion(id)
	if !ok {
		return ModelFeatures{}
	}
	var f ModelFeatures
	newer := func(ma, mi int) bool { return major > ma || major == ma && minor >= mi }
	f.Thinking = newer(3, 7)
	switch {
	case tier == "haiku" && major == 3 && minor == 5:
		f.Caching, f.MinCacheTokens = true, 2048
	case tier == "haiku" && newer(4, 5), tier == "opus" && newer(4, 5):
		f.Caching, f.MinCacheTokens = true, 4096
	case tier == "sonnet" && newer(4, 6):
		f.Caching, f.MinCacheTokens = true, 2048
	case newer(3, 7):
		f.Caching, f.MinCacheTokens = true, 1024
	}
	return f
}

// claudeVersion reads the tier (haiku, sonnet, opus) and version of a
// Claude model ID in either naming: anthropic.claude-3-7-sonnet-… (the
// version first) or anthropic.claude-sonnet-4-5-… (the tier first).
func claudeVersion(id string) (tier string, major, minor int, ok bool) {
	rest, found := strings.CutPrefix(id, "anthropic.claude-")
	if !found {
		return "", 0, 0, false
	}
	var nums []int
	for _, part := range strings.Split(rest, "-") {
		switch n, err := strconv.Atoi(part); {
		case part == "haiku" || part == "sonnet" || part == "opus":
			if tier != "" {
				return "", 0, 0, false
			}
			tier = part
		case err == nil && len(part) <= 2 && len(nums) < 2:
			nums = append(nums, n)
		default: // a date, a version suffix: the name has ended
			if tier == "" || len(nums) == 0 {
				return "", 0, 0, false
			}
			return tier, nums[0], minorOf(nums), true
		}
	}
	if tier == "" || len(nums) == 0 {
		return "", 0, 0, false
	}
	return tier, nums[0], minorOf(nums), true
}

func minorOf(nums []int) int {
	if len(nums) > 1 {
		return nums[1]
	}
	return 0
}
