package rockstream

import (
	"context"
	"net/http"
)

// GuardrailTrace is what a guardrail did to one invocation. A backend
// that applies guardrails reports it on the stream's Metadata event, so
// each dialect can say it in its own place: ConverseStream's
// metadata.trace.guardrail, an InvokeModel chunk's
// amazon-bedrock-guardrailAction and amazon-bedrock-trace.
type GuardrailTrace struct {
	// ID is the guardrail's identifier, the key of Bedrock's assessment
	// maps.
	ID string
	// Intervened reports whether the guardrail blocked or masked anything.
	Intervened bool
	// Traced reports whether the caller asked for the trace; when false
	// only the action is reported (where the wire has a place for it).
	Traced bool
	// ActionReason says why it acted, in Bedrock's words.
	ActionReason string
	// Input is the assessment of the prompt; nil when not assessed.
	Input *GuardrailAssessment
	// Outputs are the assessments of the answer, one per assessed chunk.
	Outputs []GuardrailAssessment
	// ModelOutput is the model's own text when the guardrail replaced it
	// and the caller asked for the full trace; nil otherwise.
	ModelOutput []string
}

// GuardrailAssessment is one text's findings, per policy.
type GuardrailAssessment struct {
	Topics []GuardrailFinding
	Words  []GuardrailFinding
	PII    []GuardrailFinding
	Usage  GuardrailUsage
	// Characters is how many characters were assessed.
	Characters int
}

// GuardrailFinding is one thing a policy detected.
type GuardrailFinding struct {
	// Name is a denied topic's name; Type its type ("DENY") or, for
	// sensitive information, the entity type ("EMAIL", "PHONE" …).
	Name, Type string
	// Match is the text that matched (words and sensitive information).
	Match string
	// Action is what the guardrail did: "BLOCKED", "ANONYMIZED" or "NONE".
	Action string
}

// GuardrailUsage counts the text units each policy processed, as Bedrock
// bills them (one unit per 1,000 characters or part of them).
type GuardrailUsage struct {
	TopicPolicyUnits                    int
	ContentPolicyUnits                  int
	WordPolicyUnits                     int
	SensitiveInformationPolicyUnits     int
	SensitiveInformationPolicyFreeUnits int
	ContextualGroundingPolicyUnits      int
}

// GuardrailSide says which side of a conversation a text is.
type GuardrailSide string

const (
	GuardrailInput  GuardrailSide = "INPUT"
	GuardrailOutput GuardrailSide = "OUTPUT"
)

// GuardrailCheck is one ApplyGuardrail call: texts assessed on their own,
// outside any model invocation.
type GuardrailCheck struct {
	// Identifier is the guardrail's ID or ARN; Version its number or
	// "DRAFT".
	Identifier, Version string
	Source              GuardrailSide
	Texts               []string
	// Full asks for every assessed finding, not only those acted on
	// (outputScope FULL).
	Full bool
}

// GuardrailResult is what a guardrail decided about a GuardrailCheck.
type GuardrailResult struct {
	Intervened   bool
	ActionReason string
	// Outputs are the texts to use instead: the masked texts, or the
	// blocked message alone; empty when the guardrail did not act.
	Outputs    []string
	Assessment GuardrailAssessment
}

// GuardrailApplier is a backend that can apply guardrails on their own.
// The local runtime serves ApplyGuardrail with it. An unknown guardrail is
// a *Error with Code ResourceNotFoundException.
type GuardrailApplier interface {
	ApplyGuardrail(ctx context.Context, check GuardrailCheck) (*GuardrailResult, error)
}

// GuardrailRelayer is a backend whose upstream applies its own guardrails
// (Amazon Bedrock). The local runtime passes ApplyGuardrail on to it
// unchanged, body and answer, rather than answer for guardrails it does
// not know.
type GuardrailRelayer interface {
	RelayApplyGuardrail(ctx context.Context, identifier, version string, body []byte) (*WireReply, error)
}

// WireReply is an upstream's whole answer to a relayed call, as it came:
// its status, the headers that carry meaning (Content-Type, the request
// ID, the error type) and its body.
type WireReply struct {
	StatusCode int
	Header     http.Header
	Body       []byte
}
