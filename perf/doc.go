// Package perf measures what rockstream's gateway costs, as benchmarks:
// the local runtime (rockstream serve, builtin backend) and a gateway in
// front of it (the bedrock backend pointed at the runtime) each run in
// their own process, started from the test binary itself (RunRole,
// Spawn), while the benchmark process drives load over the Bedrock wire
// with a lean client (Invoker) and bench.Run / bench.Overhead.
//
// The benchmarks report figures and never fail on speed:
//
//	BenchmarkAddedTTFT       time to first token the gateway adds (-benchtime=Nx: N rounds)
//	BenchmarkAddedTTFTFloor  the same with a byte relay, Go's reverse proxy or the converting gateway
//	BenchmarkPacedLoad       inter-token gap added at 64 and 256 paced streams, stalls, fidelity, gateway CPU/token
//	BenchmarkRelayCPU        CPU per relayed token, unpaced, of the pass-through gateway, the converting one and a byte relay
//	BenchmarkIdleStreams     gateway memory per silent stream held open (1,000 … 20,000)
//	BenchmarkWakeRoundTrip   the machine: loopback round trip to another process after an idle gap
//
// ROCKSTREAM_PERF_HTTP=1.1 runs both hops over HTTP/1.1 instead of h2c.
//
// ROCKSTREAM_PERF_OUT=dir keeps raw rounds, JSON reports and the gateway's
// CPU, goroutine and heap profiles. docs/benchmarks.md has the figures
// and the commands that made them.
package perf
