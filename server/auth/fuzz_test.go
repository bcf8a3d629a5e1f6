package auth

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/rockstream/rockstream"
)

// FuzzVerify feeds arbitrary Authorization headers, dates, payload hashes
// and bodies to both modes: Verify and reading the body after it must
// never panic, and every rejection must be a Bedrock error with a 4xx
// status.
func FuzzVerify(f *testing.F) {
	good := signedRequest{body: `{"max_tokens":10}`}.build(f)
	const path = "/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke"
	f.Add(good.Header.Get("Authorization"), good.Header.Get("X-Amz-Date"), "", `{"max_tokens":10}`, path)
	hashed := signedRequest{body: `{"max_tokens":10}`, hashHeader: "computed"}.build(f)
	f.Add(hashed.Header.Get("Authorization"), hashed.Header.Get("X-Amz-Date"), hashed.Header.Get(contentSHA256Name), `{"max_tokens":10}`, path)
	f.Add(hashed.Header.Get("Authorization"), hashed.Header.Get("X-Amz-Date"), hashed.Header.Get(contentSHA256Name), `{"max_tokens":99}`, path)
	f.Add("Bearer ABSKgoodkey", "", "", "", "/model/m/invoke")
	f.Add("AWS4-HMAC-SHA256 Credential=a/b/c/d/e,SignedHeaders=;,Signature=", "x", unsignedPayload, "{", "/model/%2F%3A/converse")
	f.Add("AWS4-HMAC-SHA256 ,,,=,==", "20260314T150926Z", "STREAMING-", "", "/")
	strictV := strict(f)
	anyV, err := New(Config{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, authz, date, hashHeader, body, path string) {
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		r, err := http.NewRequest(http.MethodPost, "http://localhost:8080/", strings.NewReader(body))
		if err != nil {
			return
		}
		r.URL.Path, r.URL.RawPath = path, ""
		if u, err := r.URL.Parse(path); err == nil {
			r.URL = u
		}
		r.Host = "localhost:8080"
		r.Header.Set("Authorization", authz)
		r.Header.Set("X-Amz-Date", date)
		if hashHeader != "" {
			r.Header.Set(contentSHA256Name, hashHeader)
		}
		for _, v := range []*Verifier{anyV, strictV} {
			r.Body = io.NopCloser(strings.NewReader(body))
			err := v.Verify(r)
			if err == nil {
				var got []byte
				got, err = io.ReadAll(r.Body)
				if err == nil && string(got) != body {
					t.Fatalf("body after Verify = %q, want %q", got, body)
				}
			}
			if err != nil {
				var e *rockstream.Error
				if !errors.As(err, &e) || e.StatusCode < 400 || e.StatusCode > 499 {
					t.Fatalf("rejection %v is not a 4xx Bedrock error", err)
				}
			}
		}
	})
}

// FuzzHashCheckedBody checks that a body read through hashCheckedBody
// comes through whole and ends cleanly exactly when its SHA-256 is the
// claimed one, however the reads are split.
func FuzzHashCheckedBody(f *testing.F) {
	f.Add([]byte(`{"max_tokens":10}`), []byte(`{"max_tokens":10}`), uint8(3))
	f.Add([]byte(`{"max_tokens":10}`), []byte(`{"max_tokens":99}`), uint8(1))
	f.Add([]byte{}, []byte{}, uint8(0))
	f.Fuzz(func(t *testing.T, signed, sent []byte, chunk uint8) {
		b := &hashCheckedBody{body: io.NopCloser(iotest.OneByteReader(bytes.NewReader(sent))), hash: sha256.New(), want: hashOf(string(signed))}
		var r io.Reader = b
		if chunk%2 == 0 {
			r = iotest.HalfReader(b)
		}
		got, err := io.ReadAll(r)
		if !bytes.Equal(got, sent) {
			t.Fatalf("read %q of %q", got, sent)
		}
		if match := bytes.Equal(signed, sent); match != (err == nil) {
			t.Fatalf("signed %q, sent %q: err %v", signed, sent, err)
		}
		if _, again := b.Read(make([]byte, 1)); (again == io.EOF) != (err == nil) {
			t.Fatalf("the end changed on a second read: %v then %v", err, again)
		}
	})
}

// BenchmarkVerifySigV4 is the cost strict mode adds to each request:
// parsing, hashing the body and re-signing. Each request's body is read to
// the end as the handler would, so hashing is counted whether Verify or
// the body's reader does it. "hash header" is how the JavaScript SDK signs
// (X-Amz-Content-Sha256 sent), "no hash header" how the Go SDK and boto3 do.
func BenchmarkVerifySigV4(b *testing.B) {
	body := `{"anthropic_version":"bedrock-2023-05-31","max_tokens":8000,"temperature":0,"messages":[{"role":"user","content":"Tell me a story."}]}`
	large := strings.Repeat(`{"role":"user","content":"Tell me a story."},`, 20000)
	for _, bc := range []struct {
		name, body, hashHeader string
	}{
		{"no hash header", body, ""},
		{"hash header", body, "computed"},
		{"no hash header 880KB", large, ""},
		{"hash header 880KB", large, "computed"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			v := strict(b)
			proto := signedRequest{path: arnPath, body: bc.body, hashHeader: bc.hashHeader}.build(b)
			b.SetBytes(int64(len(bc.body)))
			b.ReportAllocs()
			for b.Loop() {
				r := httptest.NewRequest(http.MethodPost, arnPath, strings.NewReader(bc.body))
				r.Host = proto.Host
				r.Header = proto.Header
				if err := v.Verify(r); err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, r.Body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
