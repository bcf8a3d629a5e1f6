package override

import (
	"errors"
	"net/http"
	"testing"
)

func TestTrustCheck(t *testing.T) {
	t.Parallel()
	trust := Trust{Keys: []string{"AKIDTEST", "test-key"}}
	fault := http.Header{HeaderFault: {"cut"}}
	pace := http.Header{HeaderPace: {"tps=5"}}
	seedOnly := http.Header{HeaderSeed: {"42"}}
	signsAll := func(string) bool { return true }
	signsNone := func(string) bool { return false }
	tests := []struct {
		name     string
		trust    Trust
		h        http.Header
		c        Caller
		refused  string // the header refused; empty when allowed
		unsigned bool
	}{
		{"loopback v4", Trust{}, fault, Caller{RemoteAddr: "127.0.0.1:5000"}, "", false},
		{"loopback v6", Trust{}, fault, Caller{RemoteAddr: "[::1]:5000"}, "", false},
		{"loopback other 127", Trust{}, pace, Caller{RemoteAddr: "127.3.2.1:5000"}, "", false},
		{"remote, no key", trust, fault, Caller{RemoteAddr: "203.0.113.9:5000"}, HeaderFault, false},
		{"remote, pace, no key", trust, pace, Caller{RemoteAddr: "203.0.113.9:5000"}, HeaderPace, false},
		{"remote, unknown key", trust, fault, Caller{RemoteAddr: "203.0.113.9:5000", Key: "AKIDOTHER"}, HeaderFault, false},
		{"remote, zero trust", Trust{}, fault, Caller{RemoteAddr: "203.0.113.9:5000", Key: "AKIDTEST"}, HeaderFault, false},
		{"remote, allowed bearer", trust, fault, Caller{RemoteAddr: "203.0.113.9:5000", Key: "test-key"}, "", false},
		{"remote, allowed and signed", trust, fault, Caller{RemoteAddr: "203.0.113.9:5000", Key: "AKIDTEST", Signed: signsAll}, "", false},
		{"remote, allowed but unsigned", trust, fault, Caller{RemoteAddr: "203.0.113.9:5000", Key: "AKIDTEST", Signed: signsNone}, HeaderFault, true},
		{"remote, seed only", Trust{}, seedOnly, Caller{RemoteAddr: "203.0.113.9:5000"}, "", false},
		{"remote, no headers", Trust{}, http.Header{}, Caller{RemoteAddr: "203.0.113.9:5000"}, "", false},
		{"unparseable peer", Trust{}, fault, Caller{RemoteAddr: "pipe"}, HeaderFault, false},
	}
	for _, tt := range tests {
		err := tt.trust.Check(tt.h, tt.c)
		if tt.refused == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		var re *RefusedError
		if !errors.As(err, &re) || re.Header != tt.refused || re.Unsigned != tt.unsigned {
			t.Errorf("%s: error %v, want %s refused (unsigned %v)", tt.name, err, tt.refused, tt.unsigned)
		}
	}
}

func TestAsError(t *testing.T) {
	t.Parallel()
	_, perr := ParseHeaders(http.Header{HeaderPace: {"tps=1e-9"}})
	if e := AsError(perr); e.Class != "validation" || e.StatusCode != http.StatusBadRequest || !errors.Is(e, perr) {
		t.Errorf("malformed header: %+v", e)
	}
	rerr := Trust{}.Check(http.Header{HeaderFault: {"cut"}}, Caller{RemoteAddr: "203.0.113.9:1"})
	if e := AsError(rerr); e.Class != "access_denied" || e.StatusCode != http.StatusForbidden || e.Message != rerr.Error() {
		t.Errorf("refused header: %+v", e)
	}
}
