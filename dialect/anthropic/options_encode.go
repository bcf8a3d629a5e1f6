package anthropic

import (
	"encoding/json"
	"fmt"

	"github.com/rockstream/rockstream"
)

// Where each body carries what: Bedrock's Claude body takes cache points,
// documents, beta flags and extra native keys, and InvokeModel's headers
// the rest (dialect.CheckInvoke); the first-party API's body takes cache
// points, documents and extra native keys, and nothing else.
var (
	bedrockCarried    = []rockstream.Feature{rockstream.FeatureCachePoint, rockstream.FeatureDocument, rockstream.FeatureAnthropicBeta, rockstream.FeatureExtraFields}
	firstPartyCarried = []rockstream.Feature{rockstream.FeatureCachePoint, rockstream.FeatureDocument, rockstream.FeatureExtraFields}
)

const firstPartyTarget = "the Anthropic Messages API"

func cacheControl(cp *rockstream.CachePoint) *wireCacheControl {
	if cp == nil {
		return nil
	}
	return &wireCacheControl{Type: "ephemeral", TTL: cp.TTL}
}

// systemToWire writes the system prompts: a string when there is one and
// no cache point, blocks otherwise, a cache point on the block it follows.
func systemToWire(req *rockstream.Request, target string) (any, error) {
	if len(req.System) == 1 && len(req.SystemCache) == 0 {
		return req.System[0], nil
	}
	if len(req.System) == 0 && len(req.SystemCache) == 0 {
		return nil, nil
	}
	blocks := make([]wireSystemBlock, len(req.System))
	for i, s := range req.System {
		blocks[i] = wireSystemBlock{Type: "text", Text: s}
	}
	for _, sc := range req.SystemCache {
		if sc.After < 1 || sc.After > len(blocks) {
			return nil, rockstream.RefuseWhat(target, rockstream.FeatureCachePoint,
				fmt.Sprintf("a system cache point after %d of %d system prompts (cache_control goes on a system block)", sc.After, len(blocks)))
		}
		blocks[sc.After-1].CacheControl = cacheControl(&sc.CachePoint)
	}
	return blocks, nil
}

// documentToWire writes a document block: PDFs as base64, plain text as
// a text source. Anthropic reads no other document format.
func documentToWire(w *wireBlock, d *rockstream.Document, target string) error {
	if d == nil {
		return fmt.Errorf("document block without a document")
	}
	switch d.Format {
	case "pdf":
		w.Source = &wireSource{Type: "base64", MediaType: "application/pdf", Data: mustJSON(d.Bytes)}
	case "txt":
		text := d.Text
		if d.Bytes != nil {
			text = string(d.Bytes)
		}
		w.Source = &wireSource{Type: "text", MediaType: "text/plain", Data: mustJSON(text)}
	default:
		return rockstream.RefuseWhat(target, rockstream.FeatureDocument,
			fmt.Sprintf("a %q document (document.format): only pdf and txt", d.Format))
	}
	w.Title, w.Context = d.Name, d.Context
	if d.Citations {
		w.Citations = &wireCitations{Enabled: true}
	}
	return nil
}

// marshal writes w with its extra top-level keys merged in; a key the
// body already has is an error, not an overwrite.
func marshal(w *wireRequest) ([]byte, error) {
	body, err := json.Marshal(w)
	if err != nil || len(w.Extra) == 0 {
		return body, err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return nil, err
	}
	for k, v := range w.Extra {
		if _, dup := top[k]; dup {
			return nil, rockstream.Validationf("the extra model field %q is already set by the request", k)
		}
		if !json.Valid(v) {
			return nil, rockstream.Validationf("the extra model field %q is not JSON", k)
		}
		top[k] = v
	}
	return json.Marshal(top)
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("anthropic: marshal %T: %v", v, err))
	}
	return b
}
