// Package redistest runs a real redis-server for tests, on a free
// loopback port, stopped when the test ends. The tests that use it need
// the redis-server command (Debian's redis-server package, which
// scripts/test installs); without it they fail rather than pass unseen.
package redistest

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Server is one redis-server process.
type Server struct {
	t    testing.TB
	port int
	dir  string
	proc *os.Process   // nil when not running
	done chan struct{} // closed when proc has exited
}

// Start runs redis-server without persistence on a free loopback port
// and waits until it answers.
func Start(t testing.TB) *Server {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatal("redis-server is not installed: apt-get install redis-server (scripts/test installs it)")
	}
	s := &Server{t: t, dir: t.TempDir()}
	for range 5 {
		s.port = freePort(t)
		if s.start() {
			t.Cleanup(s.Kill)
			return s
		}
	}
	t.Fatal("redis-server did not start")
	return nil
}

// Addr is host:port.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// URL is the server as a redis:// URL.
func (s *Server) URL() string { return "redis://" + s.Addr() + "/0" }

// Kill ends the server at once, as a crash would; it is idempotent.
func (s *Server) Kill() {
	if s.proc == nil {
		return
	}
	_ = s.proc.Kill()
	<-s.done
	s.proc = nil
}

// Restart starts the server again on its port, empty, after Kill.
func (s *Server) Restart() {
	s.t.Helper()
	if !s.start() {
		s.t.Fatal("redis-server did not start again on port", s.port)
	}
}

func (s *Server) start() bool {
	cmd := exec.Command("redis-server", "--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.dir)
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	for range 200 {
		select {
		case <-exited:
			return false // the port was taken meanwhile
		default:
		}
		if ping(s.Addr()) {
			s.proc, s.done = cmd.Process, exited
			return true
		}
		time.Sleep(25 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	<-exited
	return false
}

// ping reports whether a Redis server answers PING at addr.
func ping(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := fmt.Fprint(c, "PING\r\n"); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && line == "+PONG\r\n"
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// CPU is the CPU time the running server has used, user and system, read
// from /proc (Linux) in clock ticks of 10ms.
func (s *Server) CPU() (time.Duration, error) {
	if s.proc == nil {
		return 0, fmt.Errorf("redistest: the server is not running")
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(s.proc.Pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// Fields after the command name, which is in parentheses: state is
	// the first, utime the 12th and stime the 13th.
	rest := stat[bytes.LastIndexByte(stat, ')')+2:]
	fields := strings.Fields(string(rest))
	if len(fields) < 13 {
		return 0, fmt.Errorf("redistest: short /proc stat %q", stat)
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, err
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}
