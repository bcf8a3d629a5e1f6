package perf

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/rockstream/rockstream/backend/builtin"
	"github.com/rockstream/rockstream/bench"
)

// TestRigRelaysExactAnswers runs a few unpaced streams straight to the
// runtime process and through the gateway process, and checks every one
// carried the builtin model's answer exactly and the gateway reports its
// resource use.
func TestRigRelaysExactAnswers(t *testing.T) {
	rig, err := StartRig(RigOptions{Header: http.Header{builtin.HeaderPace: {"ttft=0s,tps=0"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer rig.Close()
	direct, gateway, err := rig.Drivers(30)
	if err != nil {
		t.Fatal(err)
	}
	want := builtin.Tokens(rig.Target("", 30).Request())
	if len(want) != 30 {
		t.Fatalf("the builtin answer has %d pieces, want 30", len(want))
	}
	var got []string
	if err := gateway.Stream(context.Background(), func(s string) { got = append(got, s) }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("through the gateway:\n got %q\nwant %q", got, want)
	}
	for name, d := range map[string]bench.Driver{"direct": direct, "gateway": gateway} {
		r, err := bench.Run(context.Background(), d, bench.Options{Concurrency: 5, Requests: 5, Expected: want})
		if err != nil {
			t.Fatal(err)
		}
		if r.Completed != 5 || r.Fidelity.Exact != 5 || r.Tokens != 150 {
			t.Errorf("%s: completed %d, tokens %d, fidelity %+v, errors %v", name, r.Completed, r.Tokens, r.Fidelity, r.Errors)
		}
	}
	s, err := rig.Gateway.Stats(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	if s.CPU <= 0 || s.RSS == 0 || s.Sys == 0 || s.Goroutines == 0 {
		t.Errorf("gateway stats = %+v", s)
	}
}

// TestFloorRolesRelayExactAnswers checks that the processes the floor
// benchmarks put in the gateway's place, a byte relay and the standard
// reverse proxy, carry the runtime's streams unchanged, over HTTP/2 and
// HTTP/1.1.
func TestFloorRolesRelayExactAnswers(t *testing.T) {
	for _, proto := range []string{"2", "1.1"} {
		t.Run("http="+proto, func(t *testing.T) {
			t.Setenv(EnvHTTP, proto)
			rig, err := StartRig(RigOptions{Header: http.Header{builtin.HeaderPace: {"ttft=0s,tps=0"}}})
			if err != nil {
				t.Fatal(err)
			}
			defer rig.Close()
			want := builtin.Tokens(rig.Target("", 20).Request())
			for _, role := range []string{RoleRelay, RoleHTTPProxy} {
				p, err := Spawn(role, envUpstream+"="+rig.Runtime.URL)
				if err != nil {
					t.Fatal(err)
				}
				d, err := NewInvoker(rig.Target(p.URL, 20))
				if err != nil {
					t.Fatal(err)
				}
				r, err := bench.Run(context.Background(), d, bench.Options{Concurrency: 3, Requests: 6, Expected: want})
				if err != nil {
					t.Fatal(err)
				}
				if r.Completed != 6 || r.Fidelity.Exact != 6 {
					t.Errorf("%s: completed %d, fidelity %+v, errors %v", role, r.Completed, r.Fidelity, r.Errors)
				}
				if err := p.Close(); err != nil {
					t.Errorf("%s: %v", role, err)
				}
			}
		})
	}
}
