package router

import (
	"context"
	"iter"
	"testing"

	"github.com/rockstream/rockstream"
)

// named answers with its own name as text.
type named string

func (n named) Stream(ctx context.Context, req *rockstream.Request) iter.Seq2[rockstream.Event, error] {
	return func(yield func(rockstream.Event, error) bool) {
		yield(rockstream.TextDelta{Text: string(n)}, nil)
	}
}

func first(b rockstream.Backend, model string) (string, error) {
	for ev, err := range b.Stream(context.Background(), &rockstream.Request{Model: model}) {
		if err != nil {
			return "", err
		}
		return ev.(rockstream.TextDelta).Text, nil
	}
	return "", nil
}

func TestRouterPicksFirstMatchingRoute(t *testing.T) {
	c, err := ParseConfig([]byte(`{"routes":[{"model":"anthropic.*","backend":"bedrock"},{"model":"*llama*","backend":"openai"},{"model":"anthropic.claude-v2","backend":"never"}],"default":"builtin"}`))
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(c, map[string]rockstream.Backend{"bedrock": named("bedrock"), "openai": named("openai"), "builtin": named("builtin"), "never": named("never")})
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"anthropic.claude-3-sonnet-20240229-v1:0": "bedrock",
		"anthropic.claude-v2":                     "bedrock",
		"meta.llama3-8b-instruct-v1:0":            "openai",
		"llama3.2":                                "openai",
		"amazon.titan-text-express-v1":            "builtin",
	}
	for model, want := range cases {
		if got, err := first(r, model); got != want || err != nil {
			t.Errorf("%s → %q (%v), want %q", model, got, err, want)
		}
	}
}

func TestRouterWithoutDefaultAnswersNotFound(t *testing.T) {
	c, _ := ParseConfig([]byte(`{"routes":[{"model":"a*","backend":"x"}]}`))
	r, _ := New(c, map[string]rockstream.Backend{"x": named("x")})
	_, err := first(r, "b")
	if e := rockstream.AsError(err); e.Class != rockstream.ClassNotFound {
		t.Fatalf("err = %v", err)
	}
}

func TestConfigErrors(t *testing.T) {
	for name, cfg := range map[string]string{
		"not json":    `{`,
		"no backend":  `{"routes":[{"model":"a"}]}`,
		"bad pattern": `{"routes":[{"model":"[","backend":"x"}]}`,
	} {
		if _, err := ParseConfig([]byte(cfg)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	c, _ := ParseConfig([]byte(`{"routes":[{"model":"a","backend":"missing"}]}`))
	if _, err := New(c, map[string]rockstream.Backend{}); err == nil {
		t.Error("unknown backend name accepted")
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(`{"routes":[{"model":"anthropic.*","backend":"bedrock"}],"default":"builtin"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseConfig(b)
		if err != nil {
			return
		}
		backends := map[string]rockstream.Backend{}
		for _, n := range c.Names() {
			backends[n] = named(n)
		}
		r, err := New(c, backends)
		if err != nil {
			t.Fatalf("config that parsed does not build: %v", err)
		}
		r.Pick("anthropic.claude-3-sonnet-20240229-v1:0")
	})
}

// counting is a backend that counts every request as its own length.
type counting struct{ named }

func (c counting) CountTokens(_ context.Context, req *rockstream.Request) (int, error) {
	return len(req.Model), nil
}

func TestRouterCountsWithTheRoutedBackend(t *testing.T) {
	c, _ := ParseConfig([]byte(`{"routes":[{"model":"count.*","backend":"c"},{"model":"plain.*","backend":"p"}]}`))
	r, _ := New(c, map[string]rockstream.Backend{"c": counting{"c"}, "p": named("p")})
	ctx := context.Background()
	if n, err := r.CountTokens(ctx, &rockstream.Request{Model: "count.abc"}); n != 9 || err != nil {
		t.Errorf("counting backend: %d, %v", n, err)
	}
	if _, err := r.CountTokens(ctx, &rockstream.Request{Model: "plain.abc"}); rockstream.AsError(err).Class != rockstream.ClassValidation {
		t.Errorf("backend that cannot count: %v", err)
	}
	if _, err := r.CountTokens(ctx, &rockstream.Request{Model: "other"}); rockstream.AsError(err).Class != rockstream.ClassNotFound {
		t.Errorf("no route: %v", err)
	}
}
