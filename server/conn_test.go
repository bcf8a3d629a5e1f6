package server

import (
	"bufio"
	"context"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rockstream/rockstream/backend/builtin"
)

// hangBound is how long a test waits for the server to answer or close
// before calling it a hang: well under the 10 s header timeout.
const hangBound = 5 * time.Second

// serveRaw serves the unpaced builtin model with limits and returns the
// address to dial.
func serveRaw(t *testing.T, limits ConnLimits) string {
	t.Helper()
	s, err := New(Options{Backend: builtin.New(builtin.Options{Pace: &builtin.Pace{}})})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.ServeWith(ctx, ln, limits) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return ln.Addr().String()
}

func dialRaw(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.SetDeadline(time.Now().Add(hangBound)); err != nil {
		t.Fatal(err)
	}
	return c
}

// readAnswer reads what the server sends until it closes, failing on a
// hang.
func readAnswer(t *testing.T, c net.Conn) string {
	t.Helper()
	b, err := io.ReadAll(c)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("no end within %v, got %q", hangBound, b)
	}
	return string(b)
}

func TestNonHTTPPeersAreAnsweredAtOnce(t *testing.T) {
	addr := serveRaw(t, ConnLimits{})
	clientHello := []byte{0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03}
	for _, tt := range []struct {
		name, send, status, says string
	}{
		{"short garbage, no line feed", "GARBAGE", "400", "not HTTP/1.1"},
		{"garbage line", "\x00\x01\x02 hello\r\n", "400", "not HTTP/1.1"},
		{"control byte in the target", "GET /\x01", "400", "not HTTP/1.1"},
		{"unknown version", "GET / HTTP/3.0\r\n", "400", "not HTTP/1.1"},
		{"TLS ClientHello", string(clientHello) + strings.Repeat("\x00", 160), "400", "not TLS"},
		{"endless line", "GET /" + strings.Repeat("a", MaxRequestLine), "414", "longer than"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := dialRaw(t, addr)
			if _, err := io.WriteString(c, tt.send); err != nil {
				t.Fatal(err)
			}
			got := readAnswer(t, c)
			if !strings.HasPrefix(got, "HTTP/1.1 "+tt.status+" ") || !strings.Contains(got, tt.says) {
				t.Errorf("answer %q, want %s saying %q", got, tt.status, tt.says)
			}
		})
	}
}

func TestHTTPStillServedBehindTheLineCheck(t *testing.T) {
	addr := serveRaw(t, ConnLimits{})
	c := dialRaw(t, addr)
	for _, part := range []string{"G", "ET /hea", "lthz HTTP/1.1\r", "\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"} {
		if _, err := io.WriteString(c, part); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status %d", resp.StatusCode)
	}
}

// h2Frame is one HTTP/2 frame header.
type h2Frame struct {
	length uint32
	kind   byte
	flags  byte
}

func readH2Frame(r io.Reader) (h2Frame, error) {
	var h [9]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return h2Frame{}, err
	}
	f := h2Frame{length: uint32(h[0])<<16 | uint32(binary.BigEndian.Uint16(h[1:3])), kind: h[3], flags: h[4]}
	_, err := io.CopyN(io.Discard, r, int64(f.length))
	return f, err
}

func TestSilentH2CConnectionIsPingedThenClosed(t *testing.T) {
	addr := serveRaw(t, ConnLimits{H2PingAfter: 100 * time.Millisecond, H2PingTimeout: 100 * time.Millisecond})
	c := dialRaw(t, addr)
	preface := "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
	emptySettings := []byte{0, 0, 0, 4, 0, 0, 0, 0, 0}
	if _, err := c.Write(append([]byte(preface), emptySettings...)); err != nil {
		t.Fatal(err)
	}
	const ping = 6
	var kinds []byte
	for {
		f, err := readH2Frame(c)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatalf("connection still open after %v of silence; frames %v", hangBound, kinds)
		}
		if err != nil {
			break // closed
		}
		kinds = append(kinds, f.kind)
	}
	if !strings.ContainsRune(string(kinds), ping) {
		t.Errorf("frames %v before the close, want a PING", kinds)
	}
}
