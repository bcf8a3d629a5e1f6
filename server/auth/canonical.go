package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/smithy-go/encoding/httpbinding"
)

// signHTTP2 computes the SigV4 signature of a request whose client signed
// the HTTP/2 ":authority" pseudo-header instead of "host", as the AWS SDK
// for JavaScript does over HTTP/2. The SDK's Go signer always signs "host",
// so it cannot reproduce these; this follows the client's SignedHeaders
// list exactly, with the same canonical forms (double-encoded path, sorted
// query, trimmed header values). TestSignHTTP2MatchesSigner checks it
// against the SDK's signer on requests both can sign.
func signHTTP2(r *http.Request, c *credential, secret, payloadHash string, signedAt time.Time) string {
	var canon strings.Builder
	canon.WriteString(r.Method)
	canon.WriteByte('\n')
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	canon.WriteString(httpbinding.EscapePath(path, false))
	canon.WriteByte('\n')
	canon.WriteString(strings.ReplaceAll(r.URL.Query().Encode(), "+", "%20"))
	canon.WriteByte('\n')
	for _, name := range c.SignedHeaders {
		canon.WriteString(name)
		canon.WriteByte(':')
		canon.WriteString(headerValue(r, name))
		canon.WriteByte('\n')
	}
	canon.WriteByte('\n')
	canon.WriteString(strings.Join(c.SignedHeaders, ";"))
	canon.WriteByte('\n')
	canon.WriteString(payloadHash)

	scope := c.Date + "/" + c.Region + "/" + c.Service + "/aws4_request"
	sum := sha256.Sum256([]byte(canon.String()))
	toSign := sigV4Algorithm + "\n" + signedAt.UTC().Format(amzDateFormat) + "\n" + scope + "\n" + hex.EncodeToString(sum[:])

	key := hmacSHA256([]byte("AWS4"+secret), c.Date)
	key = hmacSHA256(key, c.Region)
	key = hmacSHA256(key, c.Service)
	key = hmacSHA256(key, "aws4_request")
	return hex.EncodeToString(hmacSHA256(key, toSign))
}

// headerValue is a signed header's canonical value.
func headerValue(r *http.Request, name string) string {
	var vals []string
	switch name {
	case "host", ":authority":
		vals = []string{r.Host}
	case "content-length":
		vals = r.Header.Values(name)
		if len(vals) == 0 && r.ContentLength >= 0 {
			vals = []string{strconv.FormatInt(r.ContentLength, 10)}
		}
	default:
		vals = r.Header.Values(name)
	}
	clean := make([]string, len(vals))
	for i, v := range vals {
		clean[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(clean, ",")
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}
