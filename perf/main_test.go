package perf

import (
	"fmt"
	"os"
	"testing"
)

// TestMain lets Spawn start this test binary as a runtime or gateway
// process; otherwise it runs the tests and benchmarks.
func TestMain(m *testing.M) {
	if served, err := RunRole(); served {
		if err != nil {
			fmt.Fprintln(os.Stderr, "perf:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	closeRigs()
	os.Exit(code)
}
