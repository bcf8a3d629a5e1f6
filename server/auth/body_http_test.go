package auth

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/rockstream/rockstream/server/internal/wire"
)

// countingListener counts the bytes the server reads from its
// connections: what a client made it take in, whatever it kept.
type countingListener struct {
	net.Listener
	read atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c, read: &l.read}, nil
}

type countingConn struct {
	net.Conn
	read *atomic.Int64
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.read.Add(int64(n))
	return n, err
}

// bodyServer serves v's middleware in front of a handler that reads the
// body whole, as the runtime does, and echoes it.
func bodyServer(t *testing.T, v *Verifier) (string, *countingListener) {
	t.Helper()
	ts := httptest.NewUnstartedServer(v.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			wire.WriteError(w, err)
			return
		}
		_, _ = w.Write(body)
	})))
	cl := &countingListener{Listener: ts.Listener}
	ts.Listener = cl
	ts.Start()
	t.Cleanup(ts.Close)
	return ts.Listener.Addr().String(), cl
}

// zeros is an endless body.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// rawRequest is a signed request sent over a plain connection, so the
// body can keep coming after the server has answered.
type rawRequest struct {
	secret      string
	hashHeader  string // sent and signed as X-Amz-Content-Sha256; "" for none
	signedHash  string // the payload hash signed without the header
	body        io.Reader
	length      int64 // Content-Length; 0 sends the body chunked
	stallAfter  int64 // with body nil, send this many bytes and then nothing
	clientClock time.Time
}

// answer is the server's response to a rawRequest.
type answer struct {
	*http.Response
	msg  string
	rest *bufio.Reader
}

// send writes r to addr and returns the server's answer. The body is
// written from another goroutine that ends when the connection does.
func (rr rawRequest) send(t *testing.T, addr string) answer {
	t.Helper()
	if rr.secret == "" {
		rr.secret = testKey.SecretAccessKey
	}
	body := rr.body
	if body == nil {
		body = io.MultiReader(strings.NewReader(strings.Repeat("{", int(rr.stallAfter))), blockingReader(t))
	}
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke", io.NopCloser(body))
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = rr.length
	hash := rr.signedHash
	if rr.hashHeader != "" {
		req.Header.Set(contentSHA256Name, rr.hashHeader)
		hash = rr.hashHeader
	}
	creds := aws.Credentials{AccessKeyID: testKey.AccessKeyID, SecretAccessKey: rr.secret}
	at := rr.clientClock
	if at.IsZero() {
		at = testNow
	}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hash, SigningName, "us-east-1", at); err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	// A guard against a server that never answers, not a measure of speed.
	_ = conn.SetReadDeadline(time.Now().Add(time.Minute))
	go func() { _ = req.Write(unbuffered{conn}) }()
	rest := bufio.NewReader(conn)
	resp, err := http.ReadResponse(rest, req)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	msg, _ := io.ReadAll(resp.Body)
	return answer{Response: resp, msg: string(msg), rest: rest}
}

// unbuffered makes Request.Write send each piece as it comes: it buffers
// writers that cannot write single bytes, which would hold back the head
// of a request whose body stalls.
type unbuffered struct{ net.Conn }

func (u unbuffered) WriteByte(c byte) error {
	_, err := u.Write([]byte{c})
	return err
}

// blockingReader blocks until the test ends: a client that stops sending.
func blockingReader(t *testing.T) io.Reader {
	pr, pw := io.Pipe()
	t.Cleanup(func() { _ = pw.Close() })
	return pr
}

// readAfterClose waits for the server to close a connection whose body it
// refused (net/http does once it has discarded what it will), so the
// count of bytes it read is final, and returns that count.
func readAfterClose(cl *countingListener, a answer) int64 {
	_, _ = io.Copy(io.Discard, a.rest)
	return cl.read.Load()
}

const hugeBody = 64 << 20

// TestBadSignatureRefusedBeforeBody sends a wrong signature with a 64 MiB
// body: when the payload hash is in a header, the signature is checked
// without reading the body, so the server takes in almost none of it.
func TestBadSignatureRefusedBeforeBody(t *testing.T) {
	addr, cl := bodyServer(t, strict(t))
	a := rawRequest{
		secret: "not-the-secret", hashHeader: hashOf("{}"),
		body: io.LimitReader(zeros{}, hugeBody), length: hugeBody,
	}.send(t, addr)
	if a.StatusCode != http.StatusForbidden || !strings.Contains(a.msg, "signature we calculated does not match") {
		t.Fatalf("status %d: %s", a.StatusCode, a.msg)
	}
	// The head and what arrived with it: a refusal leaves the body unread
	// rather than let net/http discard up to 256 KiB of it.
	if read := readAfterClose(cl, a); read > 64<<10 {
		t.Errorf("the server read %d bytes of a request it refused by its headers", read)
	}
	// A small body (net/http would wait for up to 256 KiB of it before
	// answering) that never comes does not hold the refusal back either.
	a = rawRequest{secret: "not-the-secret", hashHeader: hashOf("{}"), length: 1000, stallAfter: 10}.send(t, addr)
	if a.StatusCode != http.StatusForbidden {
		t.Fatalf("stalled body: status %d: %s", a.StatusCode, a.msg)
	}
}

// TestUnhashedBodyBounded covers the Go SDK's and boto3's way of signing,
// which sends no X-Amz-Content-Sha256: the body must be read to hash it,
// but only within MaxUnverifiedBodyBytes, and a Content-Length over it is
// refused unread.
func TestUnhashedBodyBounded(t *testing.T) {
	tests := []struct {
		name   string
		req    rawRequest
		status int
		msg    string
	}{
		{"declared too large", rawRequest{body: io.LimitReader(zeros{}, hugeBody), length: hugeBody, signedHash: "0"}, http.StatusBadRequest, "its SHA-256 is not in the X-Amz-Content-Sha256 header"},
		{"chunked too large", rawRequest{body: io.LimitReader(zeros{}, hugeBody), signedHash: "0"}, http.StatusBadRequest, "its SHA-256 is not in the X-Amz-Content-Sha256 header"},
		{"unknown key", rawRequest{body: io.LimitReader(zeros{}, hugeBody), signedHash: "0"}, http.StatusForbidden, "security token included in the request is invalid"},
		{"expired", rawRequest{body: io.LimitReader(zeros{}, hugeBody), length: hugeBody, signedHash: "0", clientClock: testNow.Add(-time.Hour)}, http.StatusForbidden, "Signature expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := strict(t)
			if tt.name == "unknown key" {
				v.secrets = map[string]string{"AKIDOTHER": "x"}
			}
			addr, cl := bodyServer(t, v)
			a := tt.req.send(t, addr)
			if a.StatusCode != tt.status || !strings.Contains(a.msg, tt.msg) {
				t.Fatalf("status %d: %s", a.StatusCode, a.msg)
			}
			if read := readAfterClose(cl, a); read > DefaultMaxUnverifiedBodyBytes+1<<20 {
				t.Errorf("the server read %d bytes of a body it could not verify", read)
			}
		})
	}
}

// TestUnhashedBodyDeadline: a client that stops sending a body the server
// must hash before it knows who sent it is answered, not waited for.
func TestUnhashedBodyDeadline(t *testing.T) {
	v, err := New(Config{Mode: ModeStrict, AccessKeys: []AccessKey{testKey}, Now: func() time.Time { return testNow }, UnverifiedBodyTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	addr, _ := bodyServer(t, v)
	a := rawRequest{length: 1000, stallAfter: 10, signedHash: "0"}.send(t, addr)
	if a.StatusCode != http.StatusBadRequest || !strings.Contains(a.msg, "did not arrive within 50ms") {
		t.Fatalf("status %d: %s", a.StatusCode, a.msg)
	}
}

// TestSignedHashTamperedBody signs the hash of one body and sends
// another: the signature holds, the body does not, and the handler's read
// fails at its end instead of handing it the bytes.
func TestSignedHashTamperedBody(t *testing.T) {
	addr, _ := bodyServer(t, strict(t))
	signed, sent := `{"max_tokens":10}`, `{"max_tokens":99}`
	a := rawRequest{hashHeader: hashOf(signed), body: strings.NewReader(sent), length: int64(len(sent))}.send(t, addr)
	if a.StatusCode != http.StatusForbidden || !strings.Contains(a.msg, "does not match what was computed") {
		t.Fatalf("status %d: %s", a.StatusCode, a.msg)
	}
	a = rawRequest{hashHeader: hashOf(sent), body: strings.NewReader(sent), length: int64(len(sent))}.send(t, addr)
	if a.StatusCode != http.StatusOK || a.msg != sent {
		t.Fatalf("the untampered body: status %d: %s", a.StatusCode, a.msg)
	}
	a = rawRequest{signedHash: hashOf(sent), body: strings.NewReader(sent)}.send(t, addr)
	if a.StatusCode != http.StatusOK || a.msg != sent {
		t.Fatalf("no hash header, chunked: status %d: %s", a.StatusCode, a.msg)
	}
}

// TestUnsignedPayloadRefused: UNSIGNED-PAYLOAD would let anyone who saw
// one signed request replay its headers with any body.
func TestUnsignedPayloadRefused(t *testing.T) {
	addr, _ := bodyServer(t, strict(t))
	for _, claim := range []string{unsignedPayload, "STREAMING-UNSIGNED-PAYLOAD-TRAILER"} {
		a := rawRequest{hashHeader: claim, body: strings.NewReader("{}"), length: 2}.send(t, addr)
		if a.StatusCode != http.StatusForbidden || !strings.Contains(a.msg, "leaves the request body unsigned") {
			t.Errorf("%s: status %d: %s", claim, a.StatusCode, a.msg)
		}
	}
}
