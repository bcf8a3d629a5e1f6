package server

import "bytes"

// MaxRequestLine bounds the first line of a connection: longer is refused
// before the rest of it arrives.
const MaxRequestLine = 64 << 10

// lineVerdict is what the first bytes of a connection say about it.
type lineVerdict int

const (
	lineIncomplete lineVerdict = iota // could still become a request line
	lineOK                            // a well-formed request line
	lineBad                           // cannot be one: answer 400 now
	lineTooLong                       // longer than MaxRequestLine: 414
	lineTLS                           // a TLS handshake on the cleartext port
)

// requestMethods are the methods the server answers; PRI opens cleartext
// HTTP/2 with prior knowledge.
var requestMethods = []string{"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "PRI"}

// requestLineCheck follows the first line of a connection as it arrives,
// so that a peer that is not speaking HTTP — garbage, or a TLS ClientHello
// — is answered at its first wrong byte rather than after the header
// timeout. It accepts "METHOD SP target SP HTTP/1.x CRLF" and the HTTP/2
// preface's "PRI * HTTP/2.0"; everything past the first line is the HTTP
// server's to judge.
type requestLineCheck struct {
	line    []byte // the first line so far, up to MaxRequestLine
	verdict lineVerdict
}

// feed adds the next bytes read from the connection and returns the
// verdict so far; once it is not lineIncomplete it never changes.
func (c *requestLineCheck) feed(p []byte) lineVerdict {
	if c.verdict != lineIncomplete || len(p) == 0 {
		return c.verdict
	}
	if len(c.line) == 0 && p[0] == 0x16 { // TLS record type handshake
		c.verdict = lineTLS
		return c.verdict
	}
	end := bytes.IndexByte(p, '\n')
	if end >= 0 {
		p = p[:end]
	}
	if len(c.line)+len(p) > MaxRequestLine {
		c.verdict = lineTooLong
		return c.verdict
	}
	c.line = append(c.line, p...)
	c.verdict = judgeLine(c.line, end >= 0)
	return c.verdict
}

// judgeLine judges line (without its LF), complete or a prefix.
func judgeLine(line []byte, complete bool) lineVerdict {
	method, rest, sawSP := bytes.Cut(line, []byte(" "))
	if !methodPrefix(method, sawSP) {
		return lineBad
	}
	if !sawSP {
		return incomplete(complete)
	}
	target, version, sawSP := bytes.Cut(rest, []byte(" "))
	for _, b := range target {
		if b <= ' ' || b == 0x7f { // raw UTF-8 passes, as net/http lets it
			return lineBad
		}
	}
	if !sawSP {
		return incomplete(complete)
	}
	if len(target) == 0 {
		return lineBad
	}
	version = bytes.TrimSuffix(version, []byte("\r"))
	want := "HTTP/1.1"
	if string(method) == "PRI" {
		want = "HTTP/2.0"
	} else if bytes.HasPrefix(version, []byte("HTTP/1.0")) {
		want = "HTTP/1.0"
	}
	if !bytes.HasPrefix([]byte(want), version) {
		return lineBad
	}
	if !complete {
		return lineIncomplete
	}
	if len(version) != len(want) {
		return lineBad
	}
	return lineOK
}

// incomplete is the verdict on a line that stopped early: fine if more may
// come, bad if its LF already came.
func incomplete(complete bool) lineVerdict {
	if complete {
		return lineBad
	}
	return lineIncomplete
}

// methodPrefix reports whether m is one of requestMethods, or while whole
// is false, the start of one.
func methodPrefix(m []byte, whole bool) bool {
	for _, known := range requestMethods {
		if whole && string(m) == known || !whole && bytes.HasPrefix([]byte(known), m) {
			return true
		}
	}
	return false
}
