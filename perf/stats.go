package perf

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"syscall"
	"time"
)

// StatsPath is where a server process started by this package reports
// its own resource use.
const StatsPath = "/perf/stats"

// Stats is a process's resource use at one moment.
type Stats struct {
	// CPU is user plus system time since the process started.
	CPU time.Duration `json:"cpu_ns"`
	// RSS is the resident set size (VmRSS).
	RSS uint64 `json:"rss_bytes"`
	// Sys is runtime.MemStats.Sys: everything the Go runtime got from the OS.
	Sys uint64 `json:"sys_bytes"`
	// HeapInuse and StackInuse are the Go runtime's live heap spans and
	// goroutine stacks.
	HeapInuse  uint64 `json:"heap_inuse_bytes"`
	StackInuse uint64 `json:"stack_inuse_bytes"`
	Goroutines int    `json:"goroutines"`
	// FDs counts open file descriptors (connections, mostly).
	FDs int `json:"fds"`
}

// readStats measures the current process. With gc it first collects
// garbage and returns freed memory to the OS, so that RSS and the heap
// show live memory only.
func readStats(gc bool) (Stats, error) {
	if gc {
		debug.FreeOSMemory()
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return Stats{}, err
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rss, err := residentBytes()
	if err != nil {
		return Stats{}, err
	}
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return Stats{}, err
	}
	return Stats{
		FDs:        len(fds),
		CPU:        time.Duration(ru.Utime.Nano() + ru.Stime.Nano()),
		RSS:        rss,
		Sys:        ms.Sys,
		HeapInuse:  ms.HeapInuse,
		StackInuse: ms.StackInuse,
		Goroutines: runtime.NumGoroutine(),
	}, nil
}

// residentBytes reads VmRSS from /proc/self/status.
func residentBytes() (uint64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Bytes()
		if rest, ok := bytes.CutPrefix(line, []byte("VmRSS:")); ok {
			f := bytes.Fields(rest) // "123456", "kB"
			if len(f) > 0 {
				kb, err := strconv.ParseUint(string(f[0]), 10, 64)
				return kb * 1024, err
			}
		}
	}
	return 0, nil
}

// ProfilePath + a runtime/pprof profile name ("goroutine", "heap") is
// where a server process started by this package serves that profile:
// ?debug=1 gives text, as net/http/pprof does.
const ProfilePath = "/perf/profile/"

func serveProfile(w http.ResponseWriter, r *http.Request) {
	p := pprof.Lookup(r.PathValue("name"))
	if p == nil {
		http.NotFound(w, r)
		return
	}
	debugLevel, _ := strconv.Atoi(r.URL.Query().Get("debug"))
	if debugLevel == 0 {
		w.Header().Set("Content-Type", "application/octet-stream")
	}
	_ = p.WriteTo(w, debugLevel)
}

// serveStats answers GET /perf/stats[?gc=1] with Stats as JSON.
func serveStats(w http.ResponseWriter, r *http.Request) {
	s, err := readStats(r.URL.Query().Get("gc") == "1")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(s)
}
