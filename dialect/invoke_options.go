package dialect

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/rockstream/rockstream"
)

// InvokeModel carries some of what a request asks for outside the model's
// body, the same for every family: the guardrail, trace, latency, tier and
// request-metadata headers, and the amazon-bedrock-guardrailConfig body key
// that Bedrock removes before the model sees the body.
const (
	HeaderGuardrailIdentifier = "X-Amzn-Bedrock-GuardrailIdentifier"
	HeaderGuardrailVersion    = "X-Amzn-Bedrock-GuardrailVersion"
	HeaderTrace               = "X-Amzn-Bedrock-Trace"
	HeaderLatency             = "X-Amzn-Bedrock-PerformanceConfig-Latency"
	HeaderServiceTier         = "X-Amzn-Bedrock-Service-Tier"
	HeaderRequestMetadata     = "X-Amzn-Bedrock-Request-Metadata"
	GuardrailBodyKey          = "amazon-bedrock-guardrailConfig"
)

// InvokeCarried are the features InvokeModel carries for every family,
// in headers or the guardrail body key. A codec's EncodeRequest refuses
// what neither its body nor these carry (CheckInvoke).
var InvokeCarried = []rockstream.Feature{rockstream.FeatureGuardrail, rockstream.FeatureMetadata,
	rockstream.FeatureLatency, rockstream.FeatureServiceTier}

// CheckInvoke refuses req for family's InvokeModel body when it asks for
// a feature neither the body (carried) nor InvokeModel itself carries.
func CheckInvoke(req *rockstream.Request, family string, carried ...rockstream.Feature) error {
	return req.CheckFeatures("the "+family+" model family on InvokeModel", slices.Concat(carried, InvokeCarried)...)
}

// The wire values of the trace header and the body key's mode, by the
// neutral (Converse) value.
var (
	traceHeader = map[string]string{"enabled": "ENABLED", "disabled": "DISABLED", "enabled_full": "ENABLED_FULL"}
	modeBody    = map[string]string{"sync": "SYNCHRONOUS", "async": "ASYNCHRONOUS"}
)

// InvokeHeaders are the headers that carry req's guardrail, trace,
// latency, tier and metadata on InvokeModel.
func InvokeHeaders(req *rockstream.Request) (http.Header, error) {
	h := http.Header{}
	if g := req.Guardrail; g != nil {
		set(h, HeaderGuardrailIdentifier, g.Identifier)
		set(h, HeaderGuardrailVersion, g.Version)
		if g.Trace != "" {
			v, ok := traceHeader[g.Trace]
			if !ok {
				return nil, rockstream.Validationf("guardrail trace %q is not one of enabled, disabled, enabled_full", g.Trace)
			}
			h.Set(HeaderTrace, v)
		}
	}
	set(h, HeaderLatency, req.Latency)
	set(h, HeaderServiceTier, req.ServiceTier)
	if len(req.Metadata) > 0 {
		b, err := json.Marshal(req.Metadata)
		if err != nil {
			return nil, err
		}
		h.Set(HeaderRequestMetadata, string(b))
	}
	return h, nil
}

func set(h http.Header, k, v string) {
	if v != "" {
		h.Set(k, v)
	}
}

// ApplyInvokeHeaders reads the InvokeModel headers that carry meaning into
// req, the runtime side of InvokeHeaders. It merges with a guardrail the
// body key already set. Bad values fail as Bedrock's ValidationException.
func ApplyInvokeHeaders(req *rockstream.Request, h http.Header) error {
	id, ver, trace := h.Get(HeaderGuardrailIdentifier), h.Get(HeaderGuardrailVersion), h.Get(HeaderTrace)
	if id != "" || ver != "" || trace != "" {
		g := req.Guardrail
		if g == nil {
			g = &rockstream.Guardrail{}
		}
		g.Identifier, g.Version, g.Source = id, ver, rockstream.GuardrailFromHeaders
		if trace != "" {
			t, ok := neutral(traceHeader, trace)
			if !ok {
				return headerEnum(HeaderTrace, trace, "ENABLED, DISABLED, ENABLED_FULL")
			}
			g.Trace = t
		}
		req.Guardrail = g
	}
	if req.Guardrail != nil && req.Guardrail.Identifier == "" && req.Guardrail.Source == rockstream.GuardrailFromBody {
		return rockstream.Validationf("The %s field is not supported without the %s header.", GuardrailBodyKey, HeaderGuardrailIdentifier)
	}
	if id != "" && ver == "" {
		return rockstream.Validationf("Guardrail version must be specified when a guardrail identifier is provided.")
	}
	if v := h.Get(HeaderLatency); v != "" {
		if v != "standard" && v != "optimized" {
			return headerEnum(HeaderLatency, v, "standard, optimized")
		}
		req.Latency = v
	}
	if v := h.Get(HeaderServiceTier); v != "" {
		if !slices.Contains([]string{"priority", "default", "flex", "reserved"}, v) {
			return headerEnum(HeaderServiceTier, v, "priority, default, flex, reserved")
		}
		req.ServiceTier = v
	}
	if v := h.Get(HeaderRequestMetadata); v != "" {
		var m map[string]string
		if err := json.Unmarshal([]byte(v), &m); err != nil || m == nil {
			return rockstream.Validationf("The %s header must be a JSON object of string keys and string values.", HeaderRequestMetadata)
		}
		req.Metadata = m
	}
	return nil
}

func headerEnum(name, got, allowed string) error {
	return rockstream.Validationf("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set: [%s]", got, name, allowed)
}

func neutral(m map[string]string, wire string) (string, bool) {
	for k, v := range m {
		if v == wire {
			return k, true
		}
	}
	return "", false
}

// AddGuardrailBody adds the amazon-bedrock-guardrailConfig key to an
// InvokeModel body when g has settings only the body carries (input-tag
// suffix, stream processing mode); otherwise body is returned unchanged.
func AddGuardrailBody(body []byte, g *rockstream.Guardrail) ([]byte, error) {
	if g == nil || (g.TagSuffix == "" && g.StreamProcessingMode == "") {
		return body, nil
	}
	cfg := map[string]string{}
	if g.TagSuffix != "" {
		cfg["tagSuffix"] = g.TagSuffix
	}
	if g.StreamProcessingMode != "" {
		mode, ok := modeBody[g.StreamProcessingMode]
		if !ok {
			return nil, rockstream.Validationf("guardrail stream processing mode %q is not sync or async", g.StreamProcessingMode)
		}
		cfg["streamProcessingMode"] = mode
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return nil, rockstream.Validationf("the InvokeModel body is not a JSON object: %v", err)
	}
	raw, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	top[GuardrailBodyKey] = raw
	return json.Marshal(top)
}

// SplitGuardrailBody takes the amazon-bedrock-guardrailConfig key out of
// an InvokeModel body, as Bedrock does before the model reads it, and
// returns the rest and the guardrail settings it held (nil without the
// key). Bad settings fail as Bedrock's ValidationException.
func SplitGuardrailBody(body []byte) ([]byte, *rockstream.Guardrail, error) {
	if !bytes.Contains(body, []byte(GuardrailBodyKey)) {
		return body, nil, nil
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return body, nil, nil // the codec reports what is wrong with it
	}
	raw, ok := top[GuardrailBodyKey]
	if !ok {
		return body, nil, nil
	}
	delete(top, GuardrailBodyKey)
	var cfg map[string]string
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return nil, nil, rockstream.Validationf("Malformed input request: #/%s: expected type: JSONObject of strings, please reformat your input and try again.", GuardrailBodyKey)
	}
	g := &rockstream.Guardrail{Source: rockstream.GuardrailFromBody}
	for k, v := range cfg {
		switch k {
		case "tagSuffix":
			g.TagSuffix = v
		case "streamProcessingMode":
			mode, ok := neutral(modeBody, strings.ToUpper(v))
			if !ok || v != strings.ToUpper(v) {
				return nil, nil, rockstream.Validationf("Malformed input request: #/%s/streamProcessingMode: %s is not a valid enum value, please reformat your input and try again.", GuardrailBodyKey, v)
			}
			g.StreamProcessingMode = mode
		default:
			return nil, nil, rockstream.Validationf("Malformed input request: #/%s: extraneous key [%s] is not permitted, please reformat your input and try again.", GuardrailBodyKey, k)
		}
	}
	rest, err := json.Marshal(top)
	return rest, g, err
}

// EncodeInvoke builds what an InvokeModel call carries for req: the body in
// codec's family format (with the guardrail body key when needed) and the
// headers. It is the client side of DecodeInvoke.
func EncodeInvoke(codec Codec, req *rockstream.Request) ([]byte, http.Header, error) {
	body, err := codec.EncodeRequest(req)
	if err != nil {
		return nil, nil, err
	}
	if body, err = AddGuardrailBody(body, req.Guardrail); err != nil {
		return nil, nil, err
	}
	h, err := InvokeHeaders(req)
	return body, h, err
}

// DecodeInvoke reads an InvokeModel request as the local runtime receives
// it: the guardrail body key, then the family's body, then the headers
// that carry meaning. Failures read as Bedrock's ValidationException.
func DecodeInvoke(codec Codec, modelID string, body []byte, h http.Header) (*rockstream.Request, error) {
	rest, g, err := SplitGuardrailBody(body)
	if err != nil {
		return nil, err
	}
	req, err := codec.DecodeRequest(modelID, rest)
	if err != nil {
		return nil, err
	}
	if g != nil {
		req.Guardrail = g
	}
	if err := ApplyInvokeHeaders(req, h); err != nil {
		return nil, err
	}
	return req, nil
}
