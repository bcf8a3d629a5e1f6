package runtime

import (
	"encoding/json"
	"net/http"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/dialect"
	"github.com/rockstream/rockstream/server/internal/wire"
)

// applyGuardrailBody is ApplyGuardrail's request body; the guardrail's
// identifier and version are in the path.
type applyGuardrailBody struct {
	Source  string `json:"source"`
	Content []struct {
		Text *struct {
			Text       string   `json:"text"`
			Qualifiers []string `json:"qualifiers"`
		} `json:"text"`
		Image json.RawMessage `json:"image"`
	} `json:"content"`
	OutputScope string `json:"outputScope"`
}

type applyGuardrailResponse struct {
	Usage             dialect.GuardrailUsage        `json:"usage"`
	Action            string                        `json:"action"`
	ActionReason      string                        `json:"actionReason,omitempty"`
	Outputs           []guardrailOutput             `json:"outputs"`
	Assessments       []dialect.GuardrailAssessment `json:"assessments"`
	GuardrailCoverage dialect.GuardrailCoverage     `json:"guardrailCoverage"`
}

type guardrailOutput struct {
	Text string `json:"text"`
}

// applyGuardrail serves ApplyGuardrail with the backend's guardrails, or
// passes it on to the upstream that has them.
func (h *handler) applyGuardrail(w http.ResponseWriter, r *http.Request) {
	if h.guardrails == nil && h.relayGuards != nil {
		h.relayApplyGuardrail(w, r)
		return
	}
	check, err := h.decodeApplyGuardrail(w, r)
	if err != nil {
		wire.WriteError(w, err)
		return
	}
	if h.guardrails == nil {
		wire.WriteError(w, rockstream.BedrockError("ResourceNotFoundException",
			"The guardrail identifier or version provided in the request does not exist."))
		return
	}
	res, err := h.guardrails.ApplyGuardrail(r.Context(), check)
	if err != nil {
		wire.WriteError(w, err)
		return
	}
	out := applyGuardrailResponse{
		Usage: dialect.NewGuardrailUsage(res.Assessment.Usage), Action: "NONE", ActionReason: res.ActionReason,
		Outputs:           []guardrailOutput{},
		Assessments:       []dialect.GuardrailAssessment{dialect.NewGuardrailAssessment(res.Assessment)},
		GuardrailCoverage: dialect.NewGuardrailCoverage(res.Assessment.Characters),
	}
	if res.Intervened {
		out.Action = "GUARDRAIL_INTERVENED"
	}
	for _, t := range res.Outputs {
		out.Outputs = append(out.Outputs, guardrailOutput{Text: t})
	}
	writeJSON(w, out)
}

// decodeApplyGuardrail reads and checks an ApplyGuardrail request, with
// Bedrock's validation messages.
func (h *handler) decodeApplyGuardrail(w http.ResponseWriter, r *http.Request) (rockstream.GuardrailCheck, error) {
	check := rockstream.GuardrailCheck{Identifier: r.PathValue("guardrailIdentifier"), Version: r.PathValue("guardrailVersion")}
	raw, err := h.readBody(w, r)
	if err != nil {
		return check, err
	}
	var body applyGuardrailBody
	if err := json.Unmarshal(raw, &body); err != nil {
		return check, rockstream.Validationf("Could not parse the request body: %v", err)
	}
	switch body.Source {
	case "INPUT", "OUTPUT":
		check.Source = rockstream.GuardrailSide(body.Source)
	case "":
		return check, rockstream.Validationf("1 validation error detected: Value null at 'source' failed to satisfy constraint: Member must not be null")
	default:
		return check, rockstream.Validationf("1 validation error detected: Value '%s' at 'source' failed to satisfy constraint: Member must satisfy enum value set: [INPUT, OUTPUT]", body.Source)
	}
	switch body.OutputScope {
	case "", "INTERVENTIONS":
	case "FULL":
		check.Full = true
	default:
		return check, rockstream.Validationf("1 validation error detected: Value '%s' at 'outputScope' failed to satisfy constraint: Member must satisfy enum value set: [INTERVENTIONS, FULL]", body.OutputScope)
	}
	if body.Content == nil {
		return check, rockstream.Validationf("1 validation error detected: Value null at 'content' failed to satisfy constraint: Member must not be null")
	}
	for i, c := range body.Content {
		switch {
		case c.Text != nil:
			check.Texts = append(check.Texts, c.Text.Text)
		case c.Image != nil:
			// Images are accepted and not assessed: the builtin
			// guardrails have only text policies.
		default:
			return check, rockstream.Validationf("content.%d must set text or image", i)
		}
	}
	return check, nil
}

// relayApplyGuardrail passes the caller's ApplyGuardrail body on to the
// upstream and its answer back, as they came: the upstream validates the
// body and says what its guardrails did, in fields this runtime need not
// know.
func (h *handler) relayApplyGuardrail(w http.ResponseWriter, r *http.Request) {
	raw, err := h.readBody(w, r)
	if err != nil {
		wire.WriteError(w, err)
		return
	}
	reply, err := h.relayGuards.RelayApplyGuardrail(r.Context(),
		r.PathValue("guardrailIdentifier"), r.PathValue("guardrailVersion"), raw)
	if err != nil {
		wire.WriteError(w, rockstream.AsError(err))
		return
	}
	for k, v := range reply.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(reply.StatusCode)
	_, _ = w.Write(reply.Body)
}
