// Package e2e holds end-to-end tests that drive every backend the way
// users run it: real servers on loopback, the official AWS SDK for Go as
// the client, faults injected at the upstream, and readers that leave in
// the middle of a stream. It has no code of its own.
package e2e
