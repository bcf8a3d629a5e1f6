// Package override carries per-request test settings — pace, injected
// faults and the seed — from a frontend to a backend. Frontends parse them
// from request headers in their own dialect, after authentication, and put
// them in the request's context with With; backends that honour them (the
// builtin model) read them with From. Neither side imports the other.
package override

import "context"

// Request headers that carry overrides.
const (
	HeaderPace  = "X-Rockstream-Pace"  // ttft=300ms,tps=40,jitter=0.2
	HeaderFault = "X-Rockstream-Fault" // ThrottlingException | cut | silence=5s [,after=N]
	HeaderSeed  = "X-Rockstream-Seed"  // 42
)

// Overrides change how a backend answers one request; nil fields leave
// the backend's own settings in force.
type Overrides struct {
	Pace  *Pace
	Fault *Fault
	Seed  *uint64
}

// IsZero reports whether o overrides nothing.
func (o Overrides) IsZero() bool { return o.Pace == nil && o.Fault == nil && o.Seed == nil }

type contextKey struct{}

// With returns ctx carrying o. A zero o leaves ctx as it is.
func With(ctx context.Context, o Overrides) context.Context {
	if o.IsZero() {
		return ctx
	}
	return context.WithValue(ctx, contextKey{}, o)
}

// From is the overrides ctx carries; the zero Overrides when none.
func From(ctx context.Context) Overrides {
	o, _ := ctx.Value(contextKey{}).(Overrides)
	return o
}
