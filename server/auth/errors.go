package auth

import (
	"net/http"

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

func errBodyTooLarge() *rockstream.Error {
	return rockstream.Validationf("The request body is too large to verify its signature.")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
