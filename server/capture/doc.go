// Package capture holds the capture suite: for each frontend × backend
// pair, a caller sends through rockstream serve to a recording upstream,
// and the tests compare what the caller sent with exactly what arrived —
// operation, escaped path, headers, body — and what the upstream answered
// with what the caller received. Same-dialect pairs must pass both on
// unchanged; across dialects every field either arrives or is refused by
// name in the caller's dialect. It has no code of its own.
package capture
