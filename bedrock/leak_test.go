package bedrock

import (
	"testing"

	"go.uber.org/goleak"
)

// verifyNoLeaks fails if goroutines other than the test machinery's are
// left. Tests that call it do not run in parallel.
func verifyNoLeaks(t *testing.T) {
	t.Helper()
	goleak.VerifyNone(t,
		// Parallel tests of this package may still be running.
		goleak.IgnoreTopFunction("testing.(*T).Parallel"),
		goleak.IgnoreTopFunction("testing.tRunner.func1"),
		goleak.IgnoreAnyFunction("testing.(*T).Run"),
	)
}
