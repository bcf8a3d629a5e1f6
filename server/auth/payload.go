package auth

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

const (
	unsignedPayload   = "UNSIGNED-PAYLOAD"
	streamingPrefix   = "STREAMING-"
	contentSHA256Name = "X-Amz-Content-Sha256"
)

// emptyPayloadHash is the SHA-256 of no bytes, the hash of a bodiless
// request.
const emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// payload is the hash a SigV4 signature is checked against and, when the
// body still has to be compared with it, the reader that does so.
type payload struct {
	hash string
	// body replaces the request's body once the signature holds; nil when
	// the body needs no further check.
	body io.ReadCloser
}

// payloadHash decides which payload hash r's signature must cover, reading
// as little of the body as it can before the signature is checked.
//
// With X-Amz-Content-Sha256 (the JavaScript SDKs send it) nothing is read:
// the canonical request needs only the claimed hash, and the body is
// compared with it as the handler reads it. Without it (the Go SDK and
// boto3) the body must be hashed first; that read is bounded in bytes and
// time, since nothing about the client is proved yet. UNSIGNED-PAYLOAD and
// STREAMING-* leave the body unchecked, so they are refused on every
// method that carries one.
func (v *Verifier) payloadHash(w http.ResponseWriter, r *http.Request) (payload, error) {
	claimed := r.Header.Get(contentSHA256Name)
	switch {
	case claimed == unsignedPayload || strings.HasPrefix(claimed, streamingPrefix):
		if !bodiless(r.Method) {
			return payload{}, errUnsignedPayload(claimed)
		}
		return payload{hash: claimed}, nil
	case claimed != "":
		if !isHex64(claimed) {
			return payload{}, errMalformedPayloadHash()
		}
		if r.Body == nil || r.Body == http.NoBody {
			if claimed != emptyPayloadHash {
				return payload{}, errPayloadHash()
			}
			return payload{hash: claimed}, nil
		}
		return payload{hash: claimed, body: &hashCheckedBody{body: r.Body, hash: sha256.New(), want: claimed}}, nil
	}
	body, err := v.readUnverifiedBody(w, r)
	if err != nil {
		return payload{}, err
	}
	sum := sha256.Sum256(body)
	p := payload{hash: hex.EncodeToString(sum[:])}
	if body != nil {
		p.body = io.NopCloser(bytes.NewReader(body))
	}
	return p, nil
}

// bodiless reports whether a method's body means nothing to the runtime.
func bodiless(method string) bool {
	return method == http.MethodGet || method == http.MethodHead
}

// readUnverifiedBody reads r's whole body for hashing, within
// MaxUnverifiedBodyBytes and UnverifiedBodyTimeout. A body declared larger
// than the limit is refused without reading a byte of it.
func (v *Verifier) readUnverifiedBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if r.ContentLength > v.maxUnverified {
		return nil, errUnverifiedBodyTooLarge(v.maxUnverified)
	}
	if w != nil {
		rc := http.NewResponseController(w)
		if rc.SetReadDeadline(time.Now().Add(v.unverifiedTimeout)) == nil {
			// A deadline left set would later cut the connection's
			// background read and with it a long response stream.
			defer func() { _ = rc.SetReadDeadline(time.Time{}) }()
		}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, v.maxUnverified+1))
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		return nil, errUnverifiedBodyTimeout(v.unverifiedTimeout)
	case err != nil:
		return nil, errReadBody()
	case int64(len(body)) > v.maxUnverified:
		return nil, errUnverifiedBodyTooLarge(v.maxUnverified)
	}
	return body, nil
}

// hashCheckedBody passes a body through while hashing it, and turns its
// end into errPayloadHash when the bytes are not the ones the client
// signed. The handler must read to the end before acting on the body, as
// reading it whole (io.ReadAll) does.
type hashCheckedBody struct {
	body io.ReadCloser
	hash hash.Hash
	want string
	end  error // sticky once the end is reached
}

func (b *hashCheckedBody) Read(p []byte) (int, error) {
	if b.end != nil {
		return 0, b.end
	}
	n, err := b.body.Read(p)
	b.hash.Write(p[:n])
	if err == io.EOF {
		got := hex.EncodeToString(b.hash.Sum(nil))
		if subtle.ConstantTimeCompare([]byte(got), []byte(b.want)) != 1 {
			err = errPayloadHash()
		}
		b.end = err
	}
	return n, err
}

func (b *hashCheckedBody) Close() error { return b.body.Close() }
