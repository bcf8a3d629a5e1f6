package main

import (
	"flag"
	"strings"

	"github.com/rockstream/rockstream/catalog"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/dialect/anthropic"
	"github.com/rockstream/rockstream/dialect/cohere"
	"github.com/rockstream/rockstream/dialect/family"
	llamacodec "github.com/rockstream/rockstream/dialect/llama"
	"github.com/rockstream/rockstream/dialect/mistral"
	"github.com/rockstream/rockstream/dialect/nova"
	"github.com/rockstream/rockstream/dialect/titan"
)

// defaultMaxTemperature bounds --temperature for models whose family
// rockstream does not know (ConverseStream takes 0 to 1).
const defaultMaxTemperature = 1.0

// fit checks the request flags against the model's family before anything
// is sent, so a mistake is reported as a local check that says what to
// change rather than as the service's refusal. A --max-tokens the user did
// not set is lowered to the family's limit (the lab's 8000 is more than
// Llama or Cohere take); one the user set is refused when out of range.
func (f *requestFlags) fit(fs *flag.FlagSet) error {
	fam := modelFamily(f.model)
	if fam == "" {
		if f.api == "invoke" {
			return usageErrorf("unknown model %q: InvokeModelWithResponseStream needs a model of the %s families; "+
				"run 'rockstream models' for the IDs, or pass --api converse for a model of another family",
				f.model, strings.Join(family.Known, ", "))
		}
		if f.temperature > defaultMaxTemperature {
			return usageErrorf("--temperature must be between 0 and %g, not %g", defaultMaxTemperature, f.temperature)
		}
		return nil
	}
	lim, ok := catalog.FamilyLimits(fam, f.model)
	if !ok {
		return nil
	}
	if f.maxTokens > lim.MaxTokens {
		if !isSet(fs, "max-tokens") {
			f.maxTokens = lim.MaxTokens
		} else {
			return usageErrorf("--max-tokens %d is more than %s (%s family) can generate: pass --max-tokens %d or less",
				f.maxTokens, f.model, fam, lim.MaxTokens)
		}
	}
	if f.temperature > lim.MaxTemperature {
		return usageErrorf("--temperature %g is out of range for %s (%s family): use a value from 0 to %g",
			f.temperature, f.model, fam, lim.MaxTemperature)
	}
	if len(f.stop) > 0 && !lim.StopSequences {
		return usageErrorf("%s (%s family) takes no stop sequences: drop --stop", f.model, fam)
	}
	return nil
}

// modelFamily is the codec family of a model ID, profile ID or ARN: the
// catalog's when it lists the model, else the one its ID names, else "".
func modelFamily(model string) string {
	if m, ok := catalog.Lookup(model); ok && m.Family != "" {
		return m.Family
	}
	codec, err := family.ForModel(model)
	if err != nil {
		return ""
	}
	return codecFamily(codec)
}

// codecFamily names the family of an InvokeModel codec.
func codecFamily(c dialect.Codec) string {
	switch c.(type) {
	case anthropic.Codec:
		return "anthropic"
	case titan.Codec:
		return "titan"
	case nova.Codec:
		return "nova"
	case llamacodec.Codec:
		return "llama"
	case mistral.Codec:
		return "mistral"
	case cohere.Codec:
		return "cohere"
	}
	return ""
}

// isSet reports whether flag name was given on the command line or by its
// environment variable.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
