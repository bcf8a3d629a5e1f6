// Package perf measures what rockstream's gateway costs, as benchmarks:
// the local runtime (rockstream serve, builtin backend) and a gateway in
// front of it (the bedrock backend pointed at the runtime) each run in
// their own process, started from the test binary itself (RunRole,
// Spawn), while the benchmark process drives load over the Bedrock wire
// with a lean client (Invoker) and bench.Run / bench.Overhead.
//
// The benchmarks report figures and never fail on speed:
//
//	BenchmarkAddedTTFT   time to first token the gateway adds (-benchtime=Nx: N rounds)
//	BenchmarkPaced256    inter-token gap added at 256 paced streams, stalls, fidelity, gateway CPU/token
//	BenchmarkRelayCPU    gateway CPU per relayed token, unpaced (one op = one 200-token stream)
//	BenchmarkIdleStreams gateway memory per silent stream held open (1,000 … 20,000)
//
// ROCKSTREAM_PERF_OUT=dir keeps raw rounds, JSON reports and the gateway's
// CPU, goroutine and heap profiles. docs/benchmarks.md has the figures
// and the commands that made them.
package perf
