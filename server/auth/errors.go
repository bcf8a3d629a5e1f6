package auth

import (
	"fmt"
	"net/http"
	"time"

	"github.com/rockstream/rockstream"
)

// authError is a 403 in Bedrock's words.
func authError(code, msg string) *rockstream.Error {
	return &rockstream.Error{Class: rockstream.ClassAuth, Code: code, Message: msg, StatusCode: http.StatusForbidden}
}

func errMissingToken() *rockstream.Error {
	return authError("MissingAuthenticationTokenException", "Missing Authentication Token")
}

func errIncomplete(header, why string) *rockstream.Error {
	return authError("IncompleteSignatureException", why+" Authorization="+truncate(header, 128))
}

func errUnknownKey() *rockstream.Error {
	return authError("UnrecognizedClientException", "The security token included in the request is invalid.")
}

func errBadAPIKey() *rockstream.Error {
	e := authError("AccessDeniedException", "Authentication failed: Please make sure your API Key is valid.")
	e.Class = rockstream.ClassAccessDenied
	return e
}

func errSignature() *rockstream.Error {
	return authError("InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
}

func errScope() *rockstream.Error {
	return authError("InvalidSignatureException", "Credential should be scoped to correct service: 'bedrock'. ")
}

func errPayloadHash() *rockstream.Error {
	return authError("InvalidSignatureException", "The provided 'x-amz-content-sha256' header does not match what was computed.")
}

func errRegion(header string) *rockstream.Error {
	return errIncomplete(header, "Credential should be scoped to a valid region. ")
}

func errScopeDate(scope, amzDate string) *rockstream.Error {
	return authError("InvalidSignatureException", fmt.Sprintf(
		"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
		scope, amzDate[:8], amzDate))
}

func errUnsignedPayload(claimed string) *rockstream.Error {
	return authError("InvalidSignatureException", "The provided 'x-amz-content-sha256' header "+truncate(claimed, 64)+
		" leaves the request body unsigned; this operation needs the body's SHA-256 signed.")
}

func errMalformedPayloadHash() *rockstream.Error {
	return authError("InvalidSignatureException", "The provided 'x-amz-content-sha256' header must be the payload's SHA-256 in lowercase hex.")
}

func errUnverifiedBodyTooLarge(limit int64) *rockstream.Error {
	return rockstream.Validationf("The request body is over %d bytes and its SHA-256 is not in the X-Amz-Content-Sha256 header, "+
		"so it would have to be read before its signature is checked: sign the payload hash into that header or send a smaller body.", limit)
}

func errUnverifiedBodyTimeout(d time.Duration) *rockstream.Error {
	return rockstream.Validationf("The request body did not arrive within %s.", d)
}

// errReadBody leaves the Go error out of the message: it is the server's
// detail, not the client's.
func errReadBody() *rockstream.Error {
	return rockstream.Validationf("Could not read the request body.")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
