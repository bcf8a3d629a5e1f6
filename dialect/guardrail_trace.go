package dialect

import (
	"encoding/json"

	"github.com/rockstream/rockstream"
)

// Bedrock's JSON for what a guardrail found, shared by ApplyGuardrail's
// assessments, Converse's trace.guardrail and InvokeModel's
// amazon-bedrock-trace.
type (
	// GuardrailAssessment is Bedrock's GuardrailAssessment.
	GuardrailAssessment struct {
		TopicPolicy                *topicPolicy               `json:"topicPolicy,omitempty"`
		WordPolicy                 *wordPolicy                `json:"wordPolicy,omitempty"`
		SensitiveInformationPolicy *sensitivePolicy           `json:"sensitiveInformationPolicy,omitempty"`
		InvocationMetrics          guardrailInvocationMetrics `json:"invocationMetrics"`
	}
	topicPolicy struct {
		Topics []guardrailTopic `json:"topics"`
	}
	guardrailTopic struct {
		Name     string `json:"name"`
		Type     string `json:"type"`
		Action   string `json:"action"`
		Detected bool   `json:"detected"`
	}
	wordPolicy struct {
		CustomWords []guardrailWord `json:"customWords"`
	}
	guardrailWord struct {
		Match    string `json:"match"`
		Action   string `json:"action"`
		Detected bool   `json:"detected"`
	}
	sensitivePolicy struct {
		PiiEntities []guardrailPII `json:"piiEntities"`
	}
	guardrailPII struct {
		Match    string `json:"match"`
		Type     string `json:"type"`
		Action   string `json:"action"`
		Detected bool   `json:"detected"`
	}
	guardrailInvocationMetrics struct {
		GuardrailProcessingLatency int64             `json:"guardrailProcessingLatency"`
		Usage                      GuardrailUsage    `json:"usage"`
		GuardrailCoverage          GuardrailCoverage `json:"guardrailCoverage"`
	}
	// GuardrailUsage is Bedrock's GuardrailUsage: text units per policy.
	GuardrailUsage struct {
		TopicPolicyUnits                    int `json:"topicPolicyUnits"`
		ContentPolicyUnits                  int `json:"contentPolicyUnits"`
		WordPolicyUnits                     int `json:"wordPolicyUnits"`
		SensitiveInformationPolicyUnits     int `json:"sensitiveInformationPolicyUnits"`
		SensitiveInformationPolicyFreeUnits int `json:"sensitiveInformationPolicyFreeUnits"`
		ContextualGroundingPolicyUnits      int `json:"contextualGroundingPolicyUnits"`
	}
	// GuardrailCoverage is how many characters were guarded.
	GuardrailCoverage struct {
		TextCharacters struct {
			Guarded int `json:"guarded"`
			Total   int `json:"total"`
		} `json:"textCharacters"`
	}
)

// NewGuardrailUsage is Bedrock's usage object for u.
func NewGuardrailUsage(u rockstream.GuardrailUsage) GuardrailUsage {
	return GuardrailUsage{
		TopicPolicyUnits: u.TopicPolicyUnits, ContentPolicyUnits: u.ContentPolicyUnits, WordPolicyUnits: u.WordPolicyUnits,
		SensitiveInformationPolicyUnits:     u.SensitiveInformationPolicyUnits,
		SensitiveInformationPolicyFreeUnits: u.SensitiveInformationPolicyFreeUnits,
		ContextualGroundingPolicyUnits:      u.ContextualGroundingPolicyUnits,
	}
}

// NewGuardrailCoverage says all n characters were guarded.
func NewGuardrailCoverage(n int) GuardrailCoverage {
	var c GuardrailCoverage
	c.TextCharacters.Guarded, c.TextCharacters.Total = n, n
	return c
}

// NewGuardrailAssessment is Bedrock's JSON for a.
func NewGuardrailAssessment(a rockstream.GuardrailAssessment) GuardrailAssessment {
	w := GuardrailAssessment{InvocationMetrics: guardrailInvocationMetrics{
		Usage: NewGuardrailUsage(a.Usage), GuardrailCoverage: NewGuardrailCoverage(a.Characters)}}
	if len(a.Topics) > 0 {
		w.TopicPolicy = &topicPolicy{}
		for _, t := range a.Topics {
			w.TopicPolicy.Topics = append(w.TopicPolicy.Topics, guardrailTopic{Name: t.Name, Type: t.Type, Action: t.Action, Detected: true})
		}
	}
	if len(a.Words) > 0 {
		w.WordPolicy = &wordPolicy{}
		for _, m := range a.Words {
			w.WordPolicy.CustomWords = append(w.WordPolicy.CustomWords, guardrailWord{Match: m.Match, Action: m.Action, Detected: true})
		}
	}
	if len(a.PII) > 0 {
		w.SensitiveInformationPolicy = &sensitivePolicy{}
		for _, p := range a.PII {
			w.SensitiveInformationPolicy.PiiEntities = append(w.SensitiveInformationPolicy.PiiEntities,
				guardrailPII{Match: p.Match, Type: p.Type, Action: p.Action, Detected: true})
		}
	}
	return w
}

// ConverseGuardrailTrace is Converse's trace.guardrail
// (GuardrailTraceAssessment), keyed by the guardrail's ID.
type ConverseGuardrailTrace struct {
	ModelOutput       []string                         `json:"modelOutput,omitempty"`
	InputAssessment   map[string]GuardrailAssessment   `json:"inputAssessment,omitempty"`
	OutputAssessments map[string][]GuardrailAssessment `json:"outputAssessments,omitempty"`
	ActionReason      string                           `json:"actionReason,omitempty"`
}

// NewConverseGuardrailTrace is Converse's trace for t; nil when the
// caller did not ask for a trace.
func NewConverseGuardrailTrace(t *rockstream.GuardrailTrace) *ConverseGuardrailTrace {
	if t == nil || !t.Traced {
		return nil
	}
	w := &ConverseGuardrailTrace{ModelOutput: t.ModelOutput, ActionReason: t.ActionReason}
	if t.Input != nil {
		w.InputAssessment = map[string]GuardrailAssessment{t.ID: NewGuardrailAssessment(*t.Input)}
	}
	if len(t.Outputs) > 0 {
		outs := make([]GuardrailAssessment, len(t.Outputs))
		for i, a := range t.Outputs {
			outs[i] = NewGuardrailAssessment(a)
		}
		w.OutputAssessments = map[string][]GuardrailAssessment{t.ID: outs}
	}
	return w
}

// Keys an InvokeModel body or final chunk carries a guardrail's result in.
const (
	GuardrailActionKey = "amazon-bedrock-guardrailAction"
	TraceKey           = "amazon-bedrock-trace"
)

// invokeGuardrailTrace is amazon-bedrock-trace's guardrail member.
type invokeGuardrailTrace struct {
	ModelOutput  []string                         `json:"modelOutput,omitempty"`
	Input        map[string]GuardrailAssessment   `json:"input,omitempty"`
	Outputs      []map[string]GuardrailAssessment `json:"outputs,omitempty"`
	ActionReason string                           `json:"actionReason,omitempty"`
}

// AddInvokeGuardrail adds a guardrail's result to an InvokeModel response
// body or final stream chunk (a JSON object): the action ("INTERVENED" or
// "NONE") always, the trace when the caller asked for it. obj comes back
// unchanged when t is nil or obj is not an object.
func AddInvokeGuardrail(obj []byte, t *rockstream.GuardrailTrace) []byte {
	if t == nil {
		return obj
	}
	action := "NONE"
	if t.Intervened {
		action = "INTERVENED"
	}
	obj = addKey(obj, GuardrailActionKey, action)
	if !t.Traced {
		return obj
	}
	tr := invokeGuardrailTrace{ModelOutput: t.ModelOutput, ActionReason: t.ActionReason}
	if t.Input != nil {
		tr.Input = map[string]GuardrailAssessment{t.ID: NewGuardrailAssessment(*t.Input)}
	}
	for _, a := range t.Outputs {
		tr.Outputs = append(tr.Outputs, map[string]GuardrailAssessment{t.ID: NewGuardrailAssessment(a)})
	}
	return addKey(obj, TraceKey, map[string]any{"guardrail": tr})
}

// addKey appends "key": v to the JSON object obj.
func addKey(obj []byte, key string, v any) []byte {
	end := len(obj) - 1
	for end >= 0 && (obj[end] == ' ' || obj[end] == '\n' || obj[end] == '\r' || obj[end] == '\t') {
		end--
	}
	if end < 1 || obj[end] != '}' || !json.Valid(obj) {
		return obj
	}
	val, err := json.Marshal(v)
	if err != nil {
		return obj
	}
	k, _ := json.Marshal(key)
	out := make([]byte, 0, len(obj)+len(k)+len(val)+2)
	out = append(out, obj[:end]...)
	inner := out[1:]
	if len(trimSpace(inner)) > 0 {
		out = append(out, ',')
	}
	out = append(out, k...)
	out = append(out, ':')
	out = append(out, val...)
	return append(out, '}')
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\n' || b[0] == '\r' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}
