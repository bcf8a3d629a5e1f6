package dialect

import (
	"encoding/json"
	"testing"

	"github.com/rockstream/rockstream"
)

func sampleTrace(traced bool) *rockstream.GuardrailTrace {
	return &rockstream.GuardrailTrace{ID: "gr-1", Intervened: true, Traced: traced, ActionReason: "Guardrail blocked.",
		Input: &rockstream.GuardrailAssessment{Characters: 5},
		Outputs: []rockstream.GuardrailAssessment{{Words: []rockstream.GuardrailFinding{{Match: "bad", Action: "BLOCKED"}},
			Usage: rockstream.GuardrailUsage{WordPolicyUnits: 1}}}}
}

func TestAddInvokeGuardrail(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		obj    string
		trace  *rockstream.GuardrailTrace
		action string
		traced bool
	}{
		{"traced", `{"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":3}}`, sampleTrace(true), "INTERVENED", true},
		{"action only", `{"outputText":"x"} `, sampleTrace(false), "INTERVENED", false},
		{"empty object", `{}`, &rockstream.GuardrailTrace{ID: "g"}, "NONE", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := AddInvokeGuardrail([]byte(tt.obj), tt.trace)
			var got struct {
				Action string `json:"amazon-bedrock-guardrailAction"`
				Trace  *struct {
					Guardrail struct {
						Input   map[string]json.RawMessage `json:"input"`
						Outputs []map[string]struct {
							WordPolicy struct {
								CustomWords []struct{ Match, Action string }
							}
						} `json:"outputs"`
					} `json:"guardrail"`
				} `json:"amazon-bedrock-trace"`
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("%s: %v", out, err)
			}
			if got.Action != tt.action || (got.Trace != nil) != tt.traced {
				t.Fatalf("%s: action %q traced %v", out, got.Action, got.Trace != nil)
			}
			if tt.traced {
				g := got.Trace.Guardrail
				if g.Input["gr-1"] == nil || len(g.Outputs) != 1 || g.Outputs[0]["gr-1"].WordPolicy.CustomWords[0].Match != "bad" {
					t.Errorf("trace %s", out)
				}
			}
		})
	}
	if out := AddInvokeGuardrail([]byte(`{"a":1}`), nil); string(out) != `{"a":1}` {
		t.Errorf("nil trace changed the object: %s", out)
	}
}

func FuzzAddInvokeGuardrail(f *testing.F) {
	f.Add([]byte(`{"a":1}`))
	f.Add([]byte(`{ }`))
	f.Add([]byte(`[1]`))
	f.Fuzz(func(t *testing.T, obj []byte) {
		out := AddInvokeGuardrail(obj, sampleTrace(true))
		if json.Valid(obj) && !json.Valid(out) {
			t.Fatalf("valid %q became invalid %q", obj, out)
		}
	})
}
