package builtin

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/rockstream/rockstream"
)

// guardRules defines gr-test: a denied topic, a denied word, masked
// e-mail addresses and blocked AWS access keys.
const guardRules = `{"guardrails":[{
  "id": "gr-test", "versions": ["DRAFT", "1"],
  "blockedInputMessaging": "Input blocked.",
  "blockedOutputsMessaging": "Output blocked.",
  "topics": [{"name": "Investing", "examples": ["which stocks should I buy"], "keywords": ["stock tips"]}],
  "words": ["frobnicate"],
  "pii": [{"type": "EMAIL", "action": "ANONYMIZE"}, {"type": "AWS_ACCESS_KEY", "action": "BLOCK"}]
}]}`

// guardScript makes the model say what the output tests need.
const guardScript = `{"answers":[
  {"prompt": "(?i)secret word", "text": "One two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen. Now frobnicate the widget and more words follow."},
  {"prompt": "(?i)contact", "text": "Write to help@example.com for anything."}
]}`

func guardBackend(t *testing.T) *Backend {
	t.Helper()
	r, err := ParseRules([]byte(guardRules))
	if err != nil {
		t.Fatal(err)
	}
	s, err := ParseScript([]byte(guardScript))
	if err != nil {
		t.Fatal(err)
	}
	return New(Options{Pace: &Pace{}, Rules: r, Script: s})
}

func guardedRequest(prompt, mode, trace string) *rockstream.Request {
	req := storyRequest()
	req.Messages = []rockstream.Message{rockstream.UserText(prompt)}
	req.Guardrail = &rockstream.Guardrail{Identifier: "gr-test", Version: "1", Trace: trace, StreamProcessingMode: mode,
		Source: rockstream.GuardrailFromBody}
	return req
}

func TestGuardrailDefinitionErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, body, want string }{
		{"no id", `{"guardrails":[{"words":["x"]}]}`, "no id"},
		{"bad version", `{"guardrails":[{"id":"g","versions":["v2"]}]}`, "version"},
		{"unknown pii", `{"guardrails":[{"id":"g","pii":[{"type":"SHOE_SIZE","action":"BLOCK"}]}]}`, "SHOE_SIZE"},
		{"bad action", `{"guardrails":[{"id":"g","pii":[{"type":"EMAIL","action":"HIDE"}]}]}`, "HIDE"},
		{"twice", `{"guardrails":[{"id":"g"},{"id":"g"}]}`, "twice"},
		{"misspelt key", `{"guardrails":[{"id":"g","topic":[]}]}`, "topic"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseRules([]byte(tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one naming %q", err, tt.want)
			}
		})
	}
}

func TestApplyGuardrail(t *testing.T) {
	t.Parallel()
	b := guardBackend(t)
	tests := []struct {
		name       string
		check      rockstream.GuardrailCheck
		intervened bool
		outputs    []string
		reason     string
	}{
		{"topic blocks input", rockstream.GuardrailCheck{Source: rockstream.GuardrailInput, Texts: []string{"Any stock tips today?"}},
			true, []string{"Input blocked."}, reasonBlocked},
		{"word blocks output", rockstream.GuardrailCheck{Source: rockstream.GuardrailOutput, Texts: []string{"ok", "Please FROBNICATE it"}},
			true, []string{"Output blocked."}, reasonBlocked},
		{"email masked", rockstream.GuardrailCheck{Source: rockstream.GuardrailOutput, Texts: []string{"mail a@b.io now", "plain"}},
			true, []string{"mail {EMAIL} now", "plain"}, reasonMasked},
		{"access key blocks", rockstream.GuardrailCheck{Source: rockstream.GuardrailInput, Texts: []string{"key AKIAABCDEFGHIJKLMNOP"}},
			true, []string{"Input blocked."}, reasonBlocked},
		{"word inside another word passes", rockstream.GuardrailCheck{Source: rockstream.GuardrailInput, Texts: []string{"unfrobnicated"}},
			false, nil, reasonNone},
		{"nothing", rockstream.GuardrailCheck{Source: rockstream.GuardrailInput, Texts: []string{"Tell me about puppies."}},
			false, nil, reasonNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check.Identifier, tt.check.Version = "arn:aws:bedrock:us-east-1:123456789012:guardrail/gr-test", "DRAFT"
			res, err := b.ApplyGuardrail(context.Background(), tt.check)
			if err != nil {
				t.Fatal(err)
			}
			if res.Intervened != tt.intervened || res.ActionReason != tt.reason || strings.Join(res.Outputs, "|") != strings.Join(tt.outputs, "|") {
				t.Errorf("got intervened=%v reason=%q outputs=%q, want %v %q %q", res.Intervened, res.ActionReason, res.Outputs,
					tt.intervened, tt.reason, tt.outputs)
			}
			if n := len(tt.check.Texts); res.Assessment.Usage.TopicPolicyUnits != n || res.Assessment.Usage.WordPolicyUnits != n {
				t.Errorf("usage %+v, want one unit per policy and text", res.Assessment.Usage)
			}
		})
	}
}

func TestApplyGuardrailUnknown(t *testing.T) {
	t.Parallel()
	b := guardBackend(t)
	for _, c := range []struct{ id, version string }{{"gr-none", "1"}, {"gr-test", "2"}, {"gr-test", "01"}} {
		_, err := b.ApplyGuardrail(context.Background(), rockstream.GuardrailCheck{Identifier: c.id, Version: c.version,
			Source: rockstream.GuardrailInput, Texts: []string{"x"}})
		var re *rockstream.Error
		if !errors.As(err, &re) || re.Code != "ResourceNotFoundException" || re.StatusCode != 404 {
			t.Errorf("%s version %s: err = %v, want ResourceNotFoundException", c.id, c.version, err)
		}
	}
}

// streamOf runs req and returns its text, stop reason and trace.
func streamOf(t *testing.T, b *Backend, req *rockstream.Request) (string, rockstream.StopReason, *rockstream.GuardrailTrace) {
	t.Helper()
	evs, err := collect(t, context.Background(), b, req)
	if err != nil {
		t.Fatal(err)
	}
	acc := accumulate(t, evs)
	r := acc.Response()
	return acc.Text(), r.StopReason, r.Guardrail
}

func TestGuardrailBlocksInput(t *testing.T) {
	t.Parallel()
	b := guardBackend(t)
	text, stop, trace := streamOf(t, b, guardedRequest("Which stocks should I buy this week?", "", "enabled"))
	if text != "Input blocked." || stop != rockstream.StopGuardrail {
		t.Errorf("answer %q stop %s, want the blocked input message and guardrail_intervened", text, stop)
	}
	if trace == nil || !trace.Intervened || !trace.Traced || trace.ID != "gr-test" || trace.Input == nil ||
		len(trace.Input.Topics) != 1 || trace.Input.Topics[0].Name != "Investing" {
		t.Errorf("trace %+v, want the Investing topic in the input assessment", trace)
	}
}

func TestGuardrailPassesCleanStream(t *testing.T) {
	t.Parallel()
	b := guardBackend(t)
	plain := storyRequest()
	req := guardedRequest(plain.Messages[0].Content[0].Text, "sync", "")
	req.System = plain.System
	want := strings.Join(b.Tokens(req), "")
	text, stop, trace := streamOf(t, b, req)
	if text != want || stop != rockstream.StopEndTurn {
		t.Errorf("guarded clean answer differs: stop %s\n got %q\nwant %q", stop, text, want)
	}
	if trace == nil || trace.Intervened || trace.Traced || len(trace.Outputs) == 0 {
		t.Errorf("trace %+v, want assessed outputs, no intervention, not traced", trace)
	}
}

func TestGuardrailInterveneOutput(t *testing.T) {
	t.Parallel()
	b := guardBackend(t)
	tests := []struct {
		mode       string
		wantPrefix string // text that must have reached the caller
		leaked     bool   // whether the denied word reached the caller
	}{
		{"sync", "One two", false},
		{"async", "One two", true},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			text, stop, trace := streamOf(t, b, guardedRequest("Say the secret word", tt.mode, "enabled_full"))
			if stop != rockstream.StopGuardrail || !strings.HasSuffix(text, "Output blocked.") || !strings.HasPrefix(text, tt.wantPrefix) {
				t.Errorf("answer %q stop %s, want it to end with the blocked output message", text, stop)
			}
			if got := strings.Contains(text, "frobnicate"); got != tt.leaked {
				t.Errorf("denied word reached the caller: %v, want %v (%q)", got, tt.leaked, text)
			}
			if strings.Contains(text, "more words follow") {
				t.Errorf("model went on after the intervention: %q", text)
			}
			if trace == nil || !trace.Intervened || trace.ActionReason != reasonBlocked || len(trace.ModelOutput) != 1 ||
				!strings.Contains(trace.ModelOutput[0], "frobnicate") {
				t.Errorf("trace %+v, want an intervention with the model's output", trace)
			}
			last := trace.Outputs[len(trace.Outputs)-1]
			if len(last.Words) != 1 || !strings.EqualFold(last.Words[0].Match, "frobnicate") {
				t.Errorf("last output assessment %+v, want the word", last)
			}
		})
	}
}

func TestGuardrailMasksOutputInSyncMode(t *testing.T) {
	t.Parallel()
	b := guardBackend(t)
	text, stop, trace := streamOf(t, b, guardedRequest("How do I contact you?", "", "enabled"))
	if text != "Write to {EMAIL} for anything." || stop != rockstream.StopEndTurn {
		t.Errorf("answer %q stop %s, want the address masked", text, stop)
	}
	if trace == nil || !trace.Intervened || trace.ActionReason != reasonMasked {
		t.Errorf("trace %+v, want a masking intervention", trace)
	}
	text, _, _ = streamOf(t, b, guardedRequest("How do I contact you?", "async", "enabled"))
	if !strings.Contains(text, "help@example.com") {
		t.Errorf("async mode masked %q; Bedrock cannot mask in async mode", text)
	}
}

func TestGuardrailUnknownInModelCall(t *testing.T) {
	t.Parallel()
	b := guardBackend(t)
	for _, g := range []*rockstream.Guardrail{{Identifier: "gr-none", Version: "1"}, {Trace: "enabled"}} {
		req := storyRequest()
		req.Guardrail = g
		evs, err := collect(t, context.Background(), b, req)
		var re *rockstream.Error
		if len(evs) != 0 || !errors.As(err, &re) || re.Code != "ValidationException" || !strings.Contains(re.Message, "guardrail") {
			t.Errorf("%+v: %d events, err %v; want a ValidationException about the guardrail", g, len(evs), err)
		}
	}
}

func TestGuardedInputPicksMarkedText(t *testing.T) {
	t.Parallel()
	req := guardedRequest("ignored text", "", "")
	req.Messages[0].Content = append(req.Messages[0].Content, rockstream.Block{Type: rockstream.BlockGuardContent, Text: "marked"})
	if got := guardedInput(req); got != "marked" {
		t.Errorf("guardContent: %q", got)
	}
	req = guardedRequest("Human: <amazon-bedrock-guardrails-guardContent_xyz>inside</amazon-bedrock-guardrails-guardContent_xyz> outside", "", "")
	req.Guardrail.TagSuffix = "xyz"
	if got := guardedInput(req); got != "inside" {
		t.Errorf("tagged: %q", got)
	}
}

func FuzzGuardrailAssess(f *testing.F) {
	f.Add("mail a@b.io or AKIAABCDEFGHIJKLMNOP, stock tips, frobnicate")
	f.Add("")
	r, err := ParseRules([]byte(guardRules))
	if err != nil {
		f.Fatal(err)
	}
	g := r.guardrails["gr-test"]
	f.Fuzz(func(t *testing.T, text string) {
		v := g.assess(text, true)
		if piiPatterns["EMAIL"].MatchString(v.masked) && !v.blocked {
			t.Errorf("an address survived masking: %q", v.masked)
		}
		if v.blocked != (len(v.assessment.Topics)+len(v.assessment.Words) > 0 || hasBlockedPII(v.assessment)) {
			t.Errorf("blocked=%v disagrees with findings %+v", v.blocked, v.assessment)
		}
		_ = tail(text, 7)
	})
}

func hasBlockedPII(a rockstream.GuardrailAssessment) bool {
	for _, p := range a.PII {
		if p.Action == "BLOCKED" {
			return true
		}
	}
	return false
}
