package builtin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/catalog"
)

// nestedRepeatSchema is an object nested levels deep whose every level
// lists its one property, "a", k times in required: the shape that made
// the generator exponential (k^depth values).
func nestedRepeatSchema(levels, k int) string {
	req := `"required":[` + strings.TrimSuffix(strings.Repeat(`"a",`, k), ",") + `]`
	s := `{"type":"string"}`
	for range levels {
		s = `{"type":"object","properties":{"a":` + s + `},` + req + `}`
	}
	return s
}

// TestToolSchemaBombBoundedWork streams a call to a tool whose schema
// repeats a required name across nested objects and counts the
// allocations the whole stream makes: bounded, not k^depth.
func TestToolSchemaBombBoundedWork(t *testing.T) {
	tool := rockstream.Tool{Name: "bomb", Description: "bomb", InputSchema: json.RawMessage(nestedRepeatSchema(8, 30))}
	req := &rockstream.Request{Model: catalog.DefaultModel, MaxTokens: 1000,
		Messages: []rockstream.Message{rockstream.UserText("bomb")}, Tools: []rockstream.Tool{tool}}
	b := New(fast)
	var input json.RawMessage
	allocs := testing.AllocsPerRun(1, func() {
		acc := accumulate(t, must(collect(t, context.Background(), b, req)))
		calls, err := acc.ToolCalls()
		if err != nil || len(calls) != 1 {
			t.Fatalf("calls %v, %v; want one", calls, err)
		}
		input = calls[0].Input
	})
	if allocs > 5000 {
		t.Errorf("stream made %.0f allocations; want a few thousand at most", allocs)
	}
	// Five levels are filled in; the sixth is an empty object.
	want := `{"a":{"a":{"a":{"a":{"a":{}}}}}}`
	if string(input) != want {
		t.Errorf("input %s, want %s", input, want)
	}
}

// wideSchema is an object with n distinct string properties, all required.
func wideSchema(n int) string {
	var props, req []string
	for i := range n {
		props = append(props, fmt.Sprintf(`"p%05d":{"type":"string"}`, i))
		req = append(req, fmt.Sprintf(`"p%05d"`, i))
	}
	return `{"type":"object","properties":{` + strings.Join(props, ",") + `},"required":[` + strings.Join(req, ",") + `]}`
}

// generate runs the tool-input generator and returns it for its counts.
func generate(t *testing.T, ctx context.Context, schemaJSON, prompt string, maxPieces int) *inputGen {
	t.Helper()
	var s schema
	if err := json.Unmarshal([]byte(schemaJSON), &s); err != nil {
		t.Fatal(err)
	}
	g := newInputGen(ctx, prompt, rand.New(rand.NewPCG(1, 2)))
	if maxPieces >= 0 {
		g.stopAt = maxPieceBytes*maxPieces + 1
	}
	g.root(&s)
	return g
}

func TestToolInputBoundedWork(t *testing.T) {
	t.Parallel()
	big := `{"type":"object","required":["deep","wide","list"],"properties":{` +
		`"deep":` + nestedRepeatSchema(3, 20_000) + `,` +
		`"wide":` + wideSchema(12_000) + `,` +
		`"list":{"type":"array","items":` + nestedRepeatSchema(8, 30) + `}}}`
	if len(big) < 400_000 {
		t.Fatalf("schema is %d bytes; the test wants over 400 KB", len(big))
	}
	// A prompt whose only proper noun is 100 KB long.
	prompt := "Weather in " + strings.Repeat("Paris", 20_000) + " please"
	tests := []struct {
		name      string
		schema    string
		maxValues int // most values the schema can need
	}{
		{"nested k=30", nestedRepeatSchema(30, 30), 6},
		{"400 KB", big, 3 + 4 + 12_001 + 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := generate(t, context.Background(), tt.schema, prompt, -1)
			if g.err != nil || g.stopped {
				t.Fatalf("err %v, stopped %v", g.err, g.stopped)
			}
			if g.values > tt.maxValues {
				t.Errorf("generated %d values; the schema needs at most %d", g.values, tt.maxValues)
			}
			if n := g.buf.Len(); n > maxInputBytes+maxInputText+len(tt.schema) {
				t.Errorf("input is %d bytes; want at most the budget plus the schema's size", n)
			}
			var s schema
			must(0, json.Unmarshal([]byte(tt.schema), &s))
			if err := checkShape(&s, g.buf.Bytes()); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestToolInputFrugalPastBudget checks the fallback: past the value
// budget every remaining string is empty, and every required property is
// still there.
func TestToolInputFrugalPastBudget(t *testing.T) {
	t.Parallel()
	sch := wideSchema(maxInputValues + 500)
	g := generate(t, context.Background(), sch, "Tell me about Paris", -1)
	var in map[string]string
	if err := json.Unmarshal(g.buf.Bytes(), &in); err != nil {
		t.Fatal(err)
	}
	if len(in) != maxInputValues+500 {
		t.Fatalf("%d properties, want %d", len(in), maxInputValues+500)
	}
	if first, last := in["p00000"], in[fmt.Sprintf("p%05d", maxInputValues+499)]; first == "" || last != "" {
		t.Errorf("first %q, last %q; want filled, then empty past the budget", first, last)
	}
}

// TestToolInputStopsAtMaxTokens checks that a limited input is a prefix of
// the unlimited one, long enough to carry its first pieces exactly.
func TestToolInputStopsAtMaxTokens(t *testing.T) {
	t.Parallel()
	sch := wideSchema(2_000)
	full := generate(t, context.Background(), sch, "Tell me about Zürich", -1).buf.String()
	fullPieces := jsonPieces([]byte(full))
	for _, k := range []int{0, 1, 7, 100} {
		g := generate(t, context.Background(), sch, "Tell me about Zürich", k)
		got := g.buf.String()
		if !strings.HasPrefix(full, got) || len(got) >= len(full)/2 {
			t.Fatalf("k=%d: %d bytes, not a short prefix of the %d-byte input", k, len(got), len(full))
		}
		ps := jsonPieces([]byte(got))
		if len(ps) <= k || !slices.Equal(ps[:k], fullPieces[:k]) {
			t.Errorf("k=%d: %d pieces; want more than k, the first k as unlimited", k, len(ps))
		}
	}
	req := &rockstream.Request{Model: catalog.DefaultModel, MaxTokens: 20,
		Messages: []rockstream.Message{rockstream.UserText("Call the wide tool")},
		Tools:    []rockstream.Tool{{Name: "wide", InputSchema: json.RawMessage(sch)}}}
	acc := accumulate(t, must(collect(t, context.Background(), New(fast), req)))
	if acc.StopReason() != rockstream.StopMaxTokens || acc.Usage().OutputTokens != 20 {
		t.Errorf("stop %s after %d tokens; want max_tokens after 20", acc.StopReason(), acc.Usage().OutputTokens)
	}
}

func TestToolInputStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	g := generate(t, ctx, wideSchema(5_000), "Tell me about Paris", -1)
	if !errors.Is(g.err, context.Canceled) || g.values > ctxCheckInterval {
		t.Errorf("err %v after %d values; want Canceled within %d", g.err, g.values, ctxCheckInterval)
	}
	req := &rockstream.Request{Model: catalog.DefaultModel,
		Messages: []rockstream.Message{rockstream.UserText("Call the wide tool")},
		Tools:    []rockstream.Tool{{Name: "wide", InputSchema: json.RawMessage(wideSchema(5_000))}}}
	evs, err := collect(t, ctx, New(fast), req)
	if len(evs) != 0 || !errors.Is(err, context.Canceled) {
		t.Errorf("%d events, err %v; want none and Canceled", len(evs), err)
	}
}

func FuzzToolInput(f *testing.F) {
	f.Add([]byte(weatherTool.InputSchema), "What's the weather in Paris in fahrenheit for 3 days?")
	f.Add([]byte(nestedRepeatSchema(7, 5)), "x")
	f.Add([]byte(`{"type":"array","items":{"type":"array"}}`), "")
	f.Add([]byte(`{"properties":{"a":{"enum":["b","c"]},"d":{"const":{"e":1}}},"default":{"x":1}}`), "c")
	f.Add([]byte(`{"type":["null","object"],"required":["<&>","\u0000"]}`), "Ünïcode Ωmega 12.5")
	f.Fuzz(func(t *testing.T, schemaJSON []byte, prompt string) {
		out, err := toolInput(context.Background(), rockstream.Tool{InputSchema: schemaJSON}, prompt, rand.New(rand.NewPCG(1, 2)), -1)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(out); n > maxInputBytes+maxInputText+8*len(schemaJSON)+64 {
			t.Fatalf("input is %d bytes for a %d-byte schema", n, len(schemaJSON))
		}
		var s schema
		if json.Unmarshal(schemaJSON, &s) != nil {
			if string(out) != "{}" {
				t.Fatalf("input %s for an unreadable schema; want {}", out)
			}
			return
		}
		if err := checkShape(&s, out); err != nil {
			t.Fatal(err)
		}
	})
}

// checkShape reports whether js is an object with the shape s asks for:
// required properties present and values of the declared types, down to
// the depth the generator fills.
func checkShape(s *schema, js []byte) error {
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("input %.200s: %v", js, err)
	}
	if _, ok := v.(map[string]any); !ok {
		return fmt.Errorf("input %.200s is not an object", js)
	}
	if s.Const != nil || len(s.Enum) > 0 || s.Default != nil || s.typeName() != "object" {
		return nil
	}
	return shapeOf(s, v, 0, "input")
}

func shapeOf(s *schema, v any, depth int, path string) error {
	if s == nil || s.Const != nil || len(s.Enum) > 0 || s.Default != nil {
		return nil
	}
	ok := true
	switch s.typeName() {
	case "object":
		m, isMap := v.(map[string]any)
		if ok = isMap; ok && depth < maxInputDepth {
			required := slices.Clone(s.Required)
			slices.Sort(required)
			for _, k := range slices.Compact(required) {
				kv, has := m[k]
				if !has {
					return fmt.Errorf("%s lacks required %q", path, k)
				}
				if err := shapeOf(s.Properties[k], kv, depth+1, path+"."+k); err != nil {
					return err
				}
			}
		}
	case "array":
		a, isArray := v.([]any)
		if ok = isArray; ok && len(a) > 0 {
			return shapeOf(s.Items, a[0], depth+1, path+"[0]")
		}
	case "integer":
		n, isNumber := v.(json.Number)
		_, err := n.Int64()
		ok = isNumber && err == nil
	case "number":
		_, ok = v.(json.Number)
	case "boolean":
		_, ok = v.(bool)
	case "null":
		ok = v == nil
	default:
		_, ok = v.(string)
	}
	if !ok {
		return fmt.Errorf("%s is %T, want %s", path, v, s.typeName())
	}
	return nil
}

// BenchmarkToolInputSchemaBomb generates the input for the k=30 nested
// schema that used to cost k^5 values.
func BenchmarkToolInputSchemaBomb(b *testing.B) {
	tool := rockstream.Tool{Name: "bomb", InputSchema: json.RawMessage(nestedRepeatSchema(30, 30))}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := toolInput(context.Background(), tool, "bomb", rand.New(rand.NewPCG(1, 2)), -1); err != nil {
			b.Fatal(err)
		}
	}
}
