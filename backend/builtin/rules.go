package builtin

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sync"
	"time"
)

// Rules inject faults, pacing and quotas by model and prompt. A rule file
// is JSON:
//
//	{
//	  "rules": [
//	    {"model": "claude-3-haiku", "prompt": "(?i)flaky", "fault": "ThrottlingException"},
//	    {"prompt": "(?i)cut me", "fault": "cut,after=20"},
//	    {"model": "^meta\\.", "fault": "ModelStreamErrorException,after=5", "message": "Model crashed."},
//	    {"model": "titan", "pace": "ttft=2s,tps=10"}
//	  ],
//	  "quotas": [
//	    {"model": "anthropic\\.claude-3-sonnet", "requestsPerMinute": 10, "tokensPerMinute": 20000}
//	  ]
//	}
//
// "model" and "prompt" are regular expressions (RE2); an empty or absent
// one matches anything. "model" is tried against the identifier as the
// caller gave it and against the foundation model ID behind it; "prompt"
// against the text of the last user message. "fault" has the syntax of
// the X-Rockstream-Fault header and "pace" that of X-Rockstream-Pace;
// "message" replaces Bedrock's usual message for an exception. For faults
// and for paces, the first rule that matches and sets one wins; headers
// win over rules.
//
// Each quota keeps a token bucket per model it matches, refilled evenly
// over a minute: a request costs one request and its input plus output
// tokens. An empty bucket answers ThrottlingException, "Too many requests,
// please wait before trying again." or "Too many tokens, please wait
// before trying again.", as Bedrock does. A zero limit is no limit.
//
// A "guardrails" section defines guardrails (see guardrailFile).
type Rules struct {
	rules      []rule
	quotas     []quota
	guardrails map[string]*guardrail
}

type rule struct {
	model, prompt *regexp.Regexp
	fault         *Fault
	pace          *Pace
}

type quota struct {
	model          *regexp.Regexp
	requestsPerMin float64
	tokensPerMin   float64
}

type rulesFile struct {
	Rules []struct {
		Model   string `json:"model"`
		Prompt  string `json:"prompt"`
		Fault   string `json:"fault"`
		Message string `json:"message"`
		Pace    string `json:"pace"`
	} `json:"rules"`
	Quotas []struct {
		Model             string  `json:"model"`
		RequestsPerMinute float64 `json:"requestsPerMinute"`
		TokensPerMinute   float64 `json:"tokensPerMinute"`
	} `json:"quotas"`
	Guardrails []guardrailFile `json:"guardrails"`
}

// LoadRules reads a rule file.
func LoadRules(path string) (*Rules, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	r, err := ParseRules(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// ParseRules parses a rule file's contents.
func ParseRules(data []byte) (*Rules, error) {
	var f rulesFile
	if err := strictUnmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("builtin: rules: %w", err)
	}
	var r Rules
	for i, fr := range f.Rules {
		var ru rule
		var err error
		if ru.model, err = compile(fr.Model); err != nil {
			return nil, fmt.Errorf("builtin: rule %d: model: %w", i, err)
		}
		if ru.prompt, err = compile(fr.Prompt); err != nil {
			return nil, fmt.Errorf("builtin: rule %d: prompt: %w", i, err)
		}
		if fr.Fault != "" {
			fault, err := ParseFault(fr.Fault)
			if err != nil {
				return nil, fmt.Errorf("builtin: rule %d: %w", i, err)
			}
			fault.Message = fr.Message
			ru.fault = &fault
		}
		if fr.Pace != "" {
			p, err := ParsePace(fr.Pace, DefaultPace)
			if err != nil {
				return nil, fmt.Errorf("builtin: rule %d: pace: %w", i, err)
			}
			ru.pace = &p
		}
		if ru.fault == nil && ru.pace == nil {
			return nil, fmt.Errorf("builtin: rule %d sets neither fault nor pace", i)
		}
		r.rules = append(r.rules, ru)
	}
	for i, fq := range f.Quotas {
		re, err := compile(fq.Model)
		if err != nil {
			return nil, fmt.Errorf("builtin: quota %d: model: %w", i, err)
		}
		if fq.RequestsPerMinute < 0 || fq.TokensPerMinute < 0 {
			return nil, fmt.Errorf("builtin: quota %d: negative limit", i)
		}
		r.quotas = append(r.quotas, quota{re, fq.RequestsPerMinute, fq.TokensPerMinute})
	}
	for i, fg := range f.Guardrails {
		g, err := compileGuardrail(fg)
		if err != nil {
			return nil, fmt.Errorf("builtin: guardrail %d: %w", i, err)
		}
		if r.guardrails == nil {
			r.guardrails = map[string]*guardrail{}
		}
		if r.guardrails[g.id] != nil {
			return nil, fmt.Errorf("builtin: guardrail %d: id %q defined twice", i, g.id)
		}
		r.guardrails[g.id] = g
	}
	return &r, nil
}

func compile(expr string) (*regexp.Regexp, error) {
	if expr == "" {
		return nil, nil
	}
	return regexp.Compile(expr)
}

// strictUnmarshal decodes one JSON value, rejecting unknown fields (a
// misspelt key should not silently disable a rule) and trailing data.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after JSON value")
	}
	return nil
}

// matches reports whether re (nil matches anything) matches any of ss.
func matches(re *regexp.Regexp, ss ...string) bool {
	if re == nil {
		return true
	}
	for _, s := range ss {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// match returns the first fault and the first pace of rules matching a
// request for model (as given, and its foundation model ID) with prompt.
func (r *Rules) match(given, modelID, prompt string) (*Fault, *Pace) {
	if r == nil {
		return nil, nil
	}
	var f *Fault
	var p *Pace
	for _, ru := range r.rules {
		if !matches(ru.model, given, modelID) || !matches(ru.prompt, prompt) {
			continue
		}
		if f == nil {
			f = ru.fault
		}
		if p == nil {
			p = ru.pace
		}
	}
	return f, p
}

// quotaState holds the token buckets of a backend's quotas.
type quotaState struct {
	mu      sync.Mutex
	buckets map[bucketKey]*bucket
}

type bucketKey struct {
	quota int
	model string
}

type bucket struct {
	requests, tokens float64
	at               time.Time
}

// take charges one request of cost tokens against every quota matching
// the model, or returns the throttling message of the first that cannot
// pay; nothing is charged then.
func (q *quotaState) take(r *Rules, given, modelID string, cost int, now time.Time) (string, bool) {
	if r == nil || len(r.quotas) == 0 {
		return "", true
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.buckets == nil {
		q.buckets = map[bucketKey]*bucket{}
	}
	var charge []*bucket
	for i, qu := range r.quotas {
		if !matches(qu.model, given, modelID) {
			continue
		}
		k := bucketKey{i, modelID}
		b := q.buckets[k]
		if b == nil {
			b = &bucket{requests: qu.requestsPerMin, tokens: qu.tokensPerMin, at: now}
			q.buckets[k] = b
		}
		if dt := now.Sub(b.at).Minutes(); dt > 0 {
			b.requests = min(qu.requestsPerMin, b.requests+dt*qu.requestsPerMin)
			b.tokens = min(qu.tokensPerMin, b.tokens+dt*qu.tokensPerMin)
			b.at = now
		}
		if qu.requestsPerMin > 0 && b.requests < 1 {
			return "Too many requests, please wait before trying again.", false
		}
		if qu.tokensPerMin > 0 && b.tokens < float64(cost) {
			return "Too many tokens, please wait before trying again.", false
		}
		charge = append(charge, b)
	}
	for _, b := range charge {
		b.requests--
		b.tokens -= float64(cost)
	}
	return "", true
}
