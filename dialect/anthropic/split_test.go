package anthropic

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/rockstream/rockstream"
)

// decodeBoth decodes body with the one-pass helpers and with encoding/json.
func decodeBoth(body []byte, st style) (fast, ref decodeResult) {
	fast.req, fast.stream, fast.err = (&checker{style: st}).request(body)
	ref.req, ref.stream, ref.err = (&checker{style: st, reference: true}).request(body)
	return fast, ref
}

type decodeResult struct {
	req    *rockstream.Request
	stream bool
	err    error
}

func (r decodeResult) same(o decodeResult) bool {
	if (r.err == nil) != (o.err == nil) || r.err != nil && r.err.Error() != o.err.Error() {
		return false
	}
	return r.stream == o.stream && reflect.DeepEqual(r.req, o.req)
}

var splitSeeds = []string{
	`{"anthropic_version":"bedrock-2023-05-31","max_tokens":200,"messages":[{"role":"user","content":[{"type":"text","text":"Tell me a story"}]}],"temperature":0}`,
	" \n{ \"anthropic_version\" : \"v\" ,\"max_tokens\":5 , \"messages\" : [ { \"role\":\"user\", \"content\" : \"Hi \\\"there\\\" \\u00e9\" } ] } \t",
	`{"anthropic_version":"v","max_tokens":5,"max_tokens":"6","messages":[],"m\u0065ssages":[{"role":"user","content":"x"}]}`,
	`{"model":"m","stream":true,"max_tokens":9,"system":[{"type":"text","text":"be brief"}],"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":"{\"a\":[1,2]}"}]}]},{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"n","input":{ "q" : [ {}, [], "]}" ] } }]}],"tools":[{"name":"n","input_schema":{"type":"object"}}],"stop_sequences":["\n\nHuman:"]}`,
	`{"anthropic_version":"v","max_tokens":5,"messages":[{"role":"user","content":"bad \xff utf8"}]}`,
	`{"anthropic_version":"","max_tokens":0.5,"messages":{},"temperature":"hot","top_k":-1}`,
	`[]`,
	`"just a string"`,
}

// FuzzSplitMatchesEncodingJSON holds the one-pass splitting to the
// encoding/json path: the same request, stream flag and error for any body,
// in both error styles.
func FuzzSplitMatchesEncodingJSON(f *testing.F) {
	body, _ := Codec{}.EncodeRequest(fullRequest())
	f.Add(body)
	for _, s := range splitSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, st := range []style{bedrockStyle, firstPartyStyle} {
			fast, ref := decodeBoth(body, st)
			if !fast.same(ref) {
				t.Fatalf("style %d, body %q:\n one-pass: %+v %v\nencoding/json: %+v %v", st, body, fast.req, fast.err, ref.req, ref.err)
			}
		}
	})
}

func TestSplitMatchesEncodingJSON(t *testing.T) {
	// The seeds must reach both outcomes, or the comparison proves little.
	ok, failed := 0, 0
	for _, s := range splitSeeds {
		for _, st := range []style{bedrockStyle, firstPartyStyle} {
			fast, ref := decodeBoth([]byte(s), st)
			if !fast.same(ref) {
				t.Errorf("style %d, body %s:\n one-pass: %+v %v\nencoding/json: %+v %v", st, s, fast.req, fast.err, ref.req, ref.err)
			}
			if fast.err != nil {
				failed++
			} else {
				ok++
			}
		}
	}
	if ok < 3 || failed < 3 {
		t.Errorf("seeds decode %d and fail %d; want several of each", ok, failed)
	}
}

func TestSplitObjectLastKeyWins(t *testing.T) {
	m, err := splitObject([]byte(`{"a":1,"b":{"c":[1,"}"]},"a" : "two" }`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]json.RawMessage{"a": json.RawMessage(`"two"`), "b": json.RawMessage(`{"c":[1,"}"]}`)}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("got %q, want %q", m, want)
	}
}

// BenchmarkDecodeRequest decodes the body of a one-turn Bedrock request, as
// the runtime does for every InvokeModelWithResponseStream call.
func BenchmarkDecodeRequest(b *testing.B) {
	body := []byte(splitSeeds[0])
	for _, path := range []string{"one-pass", "encoding-json"} {
		b.Run(path, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c := &checker{reference: path == "encoding-json"}
				if _, _, err := c.request(body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
