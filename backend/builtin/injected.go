package builtin

import "context"

// FaultInjected reports whether ctx carries a fault for the builtin model
// (from X-Rockstream-Fault), so a recorder can mark the stream's failure
// as the test's, not the model's.
func FaultInjected(ctx context.Context) bool { return overridesFrom(ctx).Fault != nil }
