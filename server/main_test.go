package server_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/rockstream/rockstream/server"
)

// envServeChild makes the test binary a server process for tests that need
// the client and the server in different processes, as users run them.
const envServeChild = "ROCKSTREAM_TEST_SERVE_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(envServeChild) == "1" {
		os.Exit(serveChild())
	}
	os.Exit(m.Run())
}

// serveChild serves the unpaced builtin model on a loopback port, prints
// its URL and serves until stdin closes.
func serveChild() int {
	r, err := server.Start(context.Background(), server.Options{Backend: instant()}, "")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(r.URL)
	_, _ = io.Copy(io.Discard, os.Stdin)
	if err := r.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// startServerProcess runs the server in a child process and returns its
// URL; the process ends with the test.
func startServerProcess(t *testing.T) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envServeChild+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("server process: %v", err)
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("server process printed no URL: %v", err)
	}
	return strings.TrimSpace(line)
}
