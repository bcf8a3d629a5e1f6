package server

import (
	"bufio"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestRequestLineCheck(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want lineVerdict
	}{
		{"POST /model/m/converse-stream HTTP/1.1\r\n", lineOK},
		{"GET / HTTP/1.0\n", lineOK},
		{"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", lineOK},
		{"GET /caf\xc3\xa9 HTTP/1.1\r\n", lineOK},
		{"POS", lineIncomplete},
		{"POST /model/m", lineIncomplete},
		{"POST / HTTP/1.", lineIncomplete},
		{"GARBAGE", lineBad},
		{"get / HTTP/1.1\r\n", lineBad},
		{"BREW / HTTP/1.1\r\n", lineBad},
		{"GET /\r\n", lineBad},
		{"GET  / HTTP/1.1\r\n", lineBad},
		{"GET / HTTP/2.0\r\n", lineBad},
		{"PRI * HTTP/1.1\r\n", lineBad},
		{"GET / HTTP/1.1 \r\n", lineBad},
		{"GET /a\tb HTTP/1.1\r\n", lineBad},
		{"\r\n", lineBad},
		{"\x16\x03\x01\x02\x00", lineTLS},
		{"GET /" + strings.Repeat("a", MaxRequestLine), lineTooLong},
	} {
		var c requestLineCheck
		if got := c.feed([]byte(tt.in)); got != tt.want {
			t.Errorf("%q: %v, want %v", tt.in, got, tt.want)
		}
	}
}

// FuzzRequestLineCheck: the verdict does not depend on how the bytes are
// split across reads; a line it passes is long enough for net/http's wait
// for the HTTP/2 preface's first 14 bytes to end (net/http then judges the
// target); and a request line net/http parses, with a method and version
// the server answers, is passed.
func FuzzRequestLineCheck(f *testing.F) {
	for _, s := range []string{"GET / HTTP/1.1\r\n", "PRI * HTTP/2.0\r\n", "POST /model/a%3Ab/invoke HTTP/1.0\n", "GARBAGE", "\x16\x03\x01", "GET /\r\n"} {
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, in string, step uint8) {
		var whole requestLineCheck
		want := whole.feed([]byte(in))

		var split requestLineCheck
		n := int(step%16) + 1
		got := lineIncomplete
		for chunk := range slices.Chunk([]byte(in), n) {
			got = split.feed(chunk)
		}
		if got != want {
			t.Fatalf("%q: whole %v, in reads of %d %v", in, want, n, got)
		}

		line, _, complete := strings.Cut(in, "\n")
		if !complete || len(line) > MaxRequestLine {
			return
		}
		if want == lineOK && len(line)+1 < len("PRI * HTTP/2.0") {
			t.Fatalf("%q passed, shorter than the preface net/http waits for", line)
		}
		req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(line + "\nHost: x\r\n\r\n")))
		if err == nil && slices.Contains(requestMethods, req.Method) && req.Method != "PRI" &&
			req.ProtoMajor == 1 && req.ProtoMinor <= 1 && want != lineOK {
			t.Fatalf("%q: %v, but net/http reads it as %s %s %s", line, want, req.Method, req.RequestURI, req.Proto)
		}
	})
}
