package auth

import (
	"strings"
)

// sigV4Algorithm is the only signing algorithm Bedrock accepts here.
const sigV4Algorithm = "AWS4-HMAC-SHA256"

// credential is a parsed SigV4 Authorization header.
type credential struct {
	AccessKeyID   string
	Date          string // yyyymmdd of the credential scope
	Region        string
	Service       string
	SignedHeaders []string
	Signature     string
}

// parsed is what an Authorization header holds: a SigV4 credential or a
// bearer token.
type parsed struct {
	sigV4  *credential
	bearer string
}

// parseAuthorization reads an Authorization header. Malformed headers fail
// with Bedrock's error for them.
func parseAuthorization(h string) (parsed, error) {
	h = strings.TrimSpace(h)
	if h == "" {
		return parsed{}, errMissingToken()
	}
	scheme, rest, _ := strings.Cut(h, " ")
	switch {
	case strings.EqualFold(scheme, "Bearer"):
		tok := strings.TrimSpace(rest)
		if tok == "" || strings.ContainsAny(tok, " \t") {
			return parsed{}, errBadAPIKey()
		}
		return parsed{bearer: tok}, nil
	case scheme == sigV4Algorithm:
		c, err := parseSigV4(rest, h)
		return parsed{sigV4: c}, err
	}
	return parsed{}, errIncomplete(h, "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.")
}

// parseSigV4 reads "Credential=…, SignedHeaders=…, Signature=…".
func parseSigV4(params, header string) (*credential, error) {
	var cred, signed, sig string
	var seenCred, seenSigned, seenSig bool
	for part := range strings.SplitSeq(params, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return nil, errIncomplete(header, "Invalid key=value pair (missing equal-sign) in Authorization header.")
		}
		switch k {
		case "Credential":
			cred, seenCred = v, true
		case "SignedHeaders":
			signed, seenSigned = v, true
		case "Signature":
			sig, seenSig = v, true
		}
	}
	var missing []string
	if !seenCred {
		missing = append(missing, "Authorization header requires 'Credential' parameter.")
	}
	if !seenSig {
		missing = append(missing, "Authorization header requires 'Signature' parameter.")
	}
	if !seenSigned {
		missing = append(missing, "Authorization header requires 'SignedHeaders' parameter.")
	}
	if len(missing) > 0 {
		return nil, errIncomplete(header, strings.Join(missing, " "))
	}
	scope := strings.Split(cred, "/")
	if len(scope) != 5 || scope[0] == "" || !isDate(scope[1]) || scope[2] == "" || scope[3] == "" || scope[4] != "aws4_request" {
		return nil, errIncomplete(header, "Credential should be scoped to a valid region. ")
	}
	if !isHex64(sig) {
		return nil, errIncomplete(header, "Signature must be a 64-character hexadecimal string.")
	}
	headers := strings.Split(signed, ";")
	hasHost := false
	for _, name := range headers {
		if name == "" || name != strings.ToLower(name) {
			return nil, errIncomplete(header, "SignedHeaders must be a semicolon-separated list of lowercase header names.")
		}
		hasHost = hasHost || name == "host" || name == ":authority"
	}
	if !hasHost {
		return nil, errIncomplete(header, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
	}
	return &credential{
		AccessKeyID: scope[0], Date: scope[1], Region: scope[2], Service: scope[3],
		SignedHeaders: headers, Signature: sig,
	}, nil
}

func isDate(s string) bool {
	if len(s) != 8 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// isRegion reports whether s has a region name's form (us-east-1,
// us-gov-west-1): lowercase letters, digits and dashes.
func isRegion(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}
