package auth

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

// TestMiddlewareRecordsIdentity checks that strict mode hands the handler
// the key it verified, with the headers a signature covers, and that mode
// any, which verifies nothing, hands it none.
func TestMiddlewareRecordsIdentity(t *testing.T) {
	var got Identity
	var ok bool
	h := strict(t).Middleware(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		got, ok = IdentityFrom(r.Context())
	}))

	h.ServeHTTP(httptest.NewRecorder(), signedRequest{body: "{}"}.build(t))
	if !ok || got.Key != testKey.AccessKeyID || !slices.Contains(got.SignedHeaders, "host") {
		t.Fatalf("SigV4: identity %+v, %v", got, ok)
	}
	if got.Signs("X-Rockstream-Fault") || !got.Signs("Content-Type") {
		t.Errorf("SigV4 signs: fault %v, content-type %v", got.Signs("X-Rockstream-Fault"), got.Signs("Content-Type"))
	}

	req := httptest.NewRequest(http.MethodPost, "/model/m/invoke", nil)
	req.Header.Set("Authorization", "Bearer ABSKgoodkey")
	h.ServeHTTP(httptest.NewRecorder(), req)
	if !ok || got.Key != "ABSKgoodkey" || got.SignedHeaders != nil || !got.Signs("X-Rockstream-Fault") {
		t.Fatalf("API key: identity %+v, %v", got, ok)
	}

	anyMode, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	ok = true
	anyMode.Middleware(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		_, ok = IdentityFrom(r.Context())
	})).ServeHTTP(httptest.NewRecorder(), req)
	if ok {
		t.Error("mode any recorded an identity it never verified")
	}
}
