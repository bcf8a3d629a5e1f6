package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/rockstream/rockstream/server/internal/wire"
)

// SigningName is the SigV4 service name Bedrock Runtime signs with.
const SigningName = "bedrock"

// ClockSkew is how far a request's X-Amz-Date may be from the server's
// clock.
const ClockSkew = 15 * time.Minute

const (
	amzDateFormat   = "20060102T150405Z"
	scopeDateFormat = "20060102"
)

// Verifier authenticates requests under one Config.
type Verifier struct {
	mode              Mode
	secrets           map[string]string
	apiKeys           [][]byte
	maxUnverified     int64
	unverifiedTimeout time.Duration
	now               func() time.Time
	signer            *v4.Signer
}

// New returns a Verifier for c. Strict mode without any key is an error:
// it would refuse every request.
func New(c Config) (*Verifier, error) {
	mode, err := ParseMode(string(c.Mode))
	if err != nil {
		return nil, err
	}
	if mode == ModeStrict && len(c.AccessKeys) == 0 && len(c.APIKeys) == 0 {
		return nil, errors.New("auth: strict mode needs at least one access key or API key")
	}
	v := &Verifier{
		mode: mode, secrets: map[string]string{}, now: c.Now, signer: v4.NewSigner(),
		maxUnverified: c.MaxUnverifiedBodyBytes, unverifiedTimeout: c.UnverifiedBodyTimeout,
	}
	for _, k := range c.AccessKeys {
		v.secrets[k.AccessKeyID] = k.SecretAccessKey
	}
	for _, k := range c.APIKeys {
		v.apiKeys = append(v.apiKeys, []byte(k))
	}
	if v.maxUnverified <= 0 {
		v.maxUnverified = DefaultMaxUnverifiedBodyBytes
	}
	if v.unverifiedTimeout <= 0 {
		v.unverifiedTimeout = DefaultUnverifiedBodyTimeout
	}
	if v.now == nil {
		v.now = time.Now
	}
	return v, nil
}

// Mode is the mode v enforces.
func (v *Verifier) Mode() Mode { return v.mode }

// Middleware answers unauthenticated requests with Bedrock's 403 and passes
// the others to next.
func (v *Verifier) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := v.verify(w, r)
		if err != nil {
			// Whatever of the body is unread stays unread: net/http would
			// otherwise wait, with no time limit, for up to 256 KiB of it
			// before answering.
			_ = http.NewResponseController(w).SetReadDeadline(time.Now())
			r, _ = wire.EnsureRequestID(w, r)
			wire.WriteError(w, err)
			return
		}
		if id.Key != "" {
			r = r.WithContext(withIdentity(r.Context(), id))
		}
		next.ServeHTTP(w, r)
	})
}

// Verify checks r's credentials. In strict mode r.Body may be replaced:
// by the body it read to hash, or by a reader whose end is an error when
// the body is not the one the client signed. Act on the body only after
// reading it to the end.
func (v *Verifier) Verify(r *http.Request) error {
	_, err := v.verify(nil, r)
	return err
}

// verify checks r's credentials and, in strict mode, returns the identity
// they proved; in mode any nothing is proved and the identity is empty.
// w, when not nil, lets a body read before the signature is checked have
// a deadline.
func (v *Verifier) verify(w http.ResponseWriter, r *http.Request) (Identity, error) {
	p, err := parseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return Identity{}, err
	}
	if p.sigV4 != nil {
		if _, err := amzDate(r); err != nil {
			return Identity{}, err
		}
	}
	if v.mode != ModeStrict {
		return Identity{}, nil
	}
	if p.sigV4 == nil {
		if err := v.verifyAPIKey(p.bearer); err != nil {
			return Identity{}, err
		}
		return Identity{Key: p.bearer}, nil
	}
	if err := v.verifySigV4(w, r, p.sigV4); err != nil {
		return Identity{}, err
	}
	return Identity{Key: p.sigV4.AccessKeyID, SignedHeaders: p.sigV4.SignedHeaders}, nil
}

func (v *Verifier) verifyAPIKey(token string) error {
	ok := 0
	for _, k := range v.apiKeys {
		ok |= subtle.ConstantTimeCompare(k, []byte(token))
	}
	if ok != 1 {
		return errBadAPIKey()
	}
	return nil
}

// amzDate reads the signing time from X-Amz-Date.
func amzDate(r *http.Request) (time.Time, error) {
	h := r.Header.Get("X-Amz-Date")
	if h == "" {
		return time.Time{}, errIncomplete(r.Header.Get("Authorization"), "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
	}
	t, err := time.Parse(amzDateFormat, h)
	if err != nil {
		return time.Time{}, errIncomplete(r.Header.Get("Authorization"), "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\".")
	}
	return t, nil
}

// verifySigV4 checks a SigV4 signature. Everything the headers alone can
// refuse (unknown key, wrong service or region form, scope date, clock) is
// refused before any of the body is read; see payloadHash for the body.
func (v *Verifier) verifySigV4(w http.ResponseWriter, r *http.Request, c *credential) error {
	secret, ok := v.secrets[c.AccessKeyID]
	if !ok {
		return errUnknownKey()
	}
	if c.Service != SigningName {
		return errScope()
	}
	if !isRegion(c.Region) {
		return errRegion(r.Header.Get("Authorization"))
	}
	signedAt, err := amzDate(r)
	if err != nil {
		return err
	}
	if c.Date != signedAt.Format(scopeDateFormat) {
		return errScopeDate(c.Date, signedAt.Format(amzDateFormat))
	}
	if err := v.checkClock(signedAt); err != nil {
		return err
	}
	p, err := v.payloadHash(w, r)
	if err != nil {
		return err
	}
	var want string
	if slices.Contains(c.SignedHeaders, ":authority") {
		want = signHTTP2(r, c, secret, p.hash, signedAt)
	} else if want, err = v.resign(r, c, secret, p.hash, signedAt); err != nil {
		return err
	}
	if subtle.ConstantTimeCompare([]byte(want), []byte(c.Signature)) != 1 {
		return errSignature()
	}
	if p.body != nil {
		r.Body = p.body
	}
	return nil
}

func (v *Verifier) checkClock(signedAt time.Time) error {
	now := v.now().UTC()
	switch {
	case signedAt.Before(now.Add(-ClockSkew)):
		return authError("InvalidSignatureException", fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 15 min.)",
			signedAt.Format(amzDateFormat), now.Add(-ClockSkew).Format(amzDateFormat), now.Format(amzDateFormat)))
	case signedAt.After(now.Add(ClockSkew)):
		return authError("InvalidSignatureException", fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + 15 min.)",
			signedAt.Format(amzDateFormat), now.Add(ClockSkew).Format(amzDateFormat), now.Format(amzDateFormat)))
	}
	return nil
}

// resign signs a copy of r holding only the headers the client signed, with
// the SDK's signer, and returns the signature it computes.
func (v *Verifier) resign(r *http.Request, c *credential, secret, payloadHash string, signedAt time.Time) (string, error) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	u := &url.URL{Scheme: scheme, Host: r.Host, Path: r.URL.Path, RawPath: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery}
	cp := &http.Request{Method: r.Method, URL: u, Host: r.Host, Header: http.Header{}}
	creds := aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: secret}
	for _, name := range c.SignedHeaders {
		switch name {
		case "host", "x-amz-date":
			// the signer writes these itself
		case "x-amz-security-token":
			creds.SessionToken = r.Header.Get(name)
		case "content-length":
			n, err := strconv.ParseInt(r.Header.Get(name), 10, 64)
			if err != nil && r.ContentLength > 0 {
				n = r.ContentLength
			}
			cp.ContentLength = n
		default:
			if vals := r.Header.Values(name); len(vals) > 0 {
				cp.Header[http.CanonicalHeaderKey(name)] = slices.Clone(vals)
			} else {
				cp.Header[http.CanonicalHeaderKey(name)] = []string{""}
			}
		}
	}
	err := v.signer.SignHTTP(context.Background(), creds, cp, payloadHash, SigningName, c.Region, signedAt)
	if err != nil {
		return "", fmt.Errorf("auth: signing: %w", err)
	}
	_, sig, _ := strings.Cut(cp.Header.Get("Authorization"), "Signature=")
	return sig, nil
}
