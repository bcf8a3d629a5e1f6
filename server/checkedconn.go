package server

import (
	"io"
	"net"
	"strconv"
	"time"
)

// refuseLinger bounds how long a refused connection is drained after its
// answer, so that closing it does not reset the answer away.
const refuseLinger = time.Second

// checkedListener hands out connections whose first line is checked as it
// arrives (requestLineCheck).
type checkedListener struct{ net.Listener }

func (l checkedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &checkedConn{Conn: c}, nil
}

// checkedConn answers a peer whose first line cannot be HTTP at once, with
// a 400 (414 for an overlong line) in plain text, and ends the connection;
// the HTTP server then sees a clean end of input. Without it a peer that is
// not speaking HTTP holds the connection for the header timeout: the
// server first waits for the 14 bytes of the HTTP/2 preface, then for a
// line feed that a TLS ClientHello may never contain.
type checkedConn struct {
	net.Conn
	check   requestLineCheck
	checked bool // the first line was fine; reads pass straight through
	refused bool // answered and done: nothing more is read
}

func (c *checkedConn) Read(p []byte) (int, error) {
	if c.refused {
		return 0, io.EOF
	}
	n, err := c.Conn.Read(p)
	if c.checked || n == 0 {
		return n, err
	}
	switch c.check.feed(p[:n]) {
	case lineIncomplete:
		return n, err
	case lineOK:
		c.checked = true
		return n, err
	case lineTLS:
		c.refuse(400, "Bad Request", "This port speaks cleartext HTTP (http://), not TLS (https://).")
	case lineTooLong:
		c.refuse(414, "URI Too Long", "The request line is longer than "+strconv.Itoa(MaxRequestLine)+" bytes.")
	default:
		c.refuse(400, "Bad Request", "The request line is not HTTP/1.1 or the HTTP/2 preface.")
	}
	c.refused = true
	return 0, io.EOF
}

// refuse answers and half-closes, then drains what the peer still sends
// for a moment, so the answer is not lost to a reset.
func (c *checkedConn) refuse(status int, reason, msg string) {
	msg += "\n"
	resp := "HTTP/1.1 " + strconv.Itoa(status) + " " + reason + "\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n" +
		"Content-Length: " + strconv.Itoa(len(msg)) + "\r\n\r\n" + msg
	_ = c.Conn.SetDeadline(time.Now().Add(refuseLinger))
	if _, err := io.WriteString(c.Conn, resp); err != nil {
		return
	}
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(c.Conn, 1<<20))
}
