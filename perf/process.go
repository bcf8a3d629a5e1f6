package perf

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Process is a server running in a child process: the current binary
// (whose TestMain calls RunRole) started in a role.
type Process struct {
	// URL is the server's base URL.
	URL   string
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

// Spawn starts the current binary as a server in role, with extra
// environment entries ("NAME=value"), and waits until it listens.
func Spawn(role string, env ...string) (*Process, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), append([]string{envRole + "=" + role, "AWS_EC2_METADATA_DISABLED=true"}, env...)...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &Process{cmd: cmd, stdin: stdin}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		p.Close()
		return nil, fmt.Errorf("perf: %s process did not report its URL: %w", role, err)
	}
	p.URL = strings.TrimSpace(line)
	return p, nil
}

// PID is the process ID.
func (p *Process) PID() int { return p.cmd.Process.Pid }

// Stats asks the process for its resource use; gc collects garbage and
// returns free memory to the OS first.
func (p *Process) Stats(ctx context.Context, gc bool) (Stats, error) {
	u := p.URL + StatsPath
	if gc {
		u += "?gc=1"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return Stats{}, err
	}
	resp, err := statsClient.Do(req)
	if err != nil {
		return Stats{}, err
	}
	defer resp.Body.Close()
	var s Stats
	if resp.StatusCode != http.StatusOK {
		return s, fmt.Errorf("perf: stats: HTTP %d", resp.StatusCode)
	}
	return s, json.NewDecoder(resp.Body).Decode(&s)
}

// statsClient uses its own HTTP/1.1 connection, apart from the load.
var statsClient = &http.Client{Timeout: 30 * time.Second}

// Close ends the process: closing its stdin shuts it down gracefully;
// after a grace period it is killed.
func (p *Process) Close() error {
	p.stdin.Close()
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		return <-done
	}
}

// CPU is the CPU time (user and system) the process has used so far, read
// from /proc, so it works for every role, the byte relay included.
func (p *Process) CPU() (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.PID()))
	if err != nil {
		return 0, err
	}
	// Fields after the command name, which is in parentheses and may
	// hold spaces: utime and stime are the 12th and 13th of them.
	rest := string(b[strings.LastIndexByte(string(b), ')')+2:])
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0, fmt.Errorf("perf: /proc/%d/stat: %d fields", p.PID(), len(f))
	}
	var ticks int64
	for _, s := range f[11:13] {
		var n int64
		if _, err := fmt.Sscan(s, &n); err != nil {
			return 0, err
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}

// clockTicks is USER_HZ, the unit of /proc's CPU times: 100 on Linux.
const clockTicks = 100
