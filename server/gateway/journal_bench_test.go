package gateway

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rockstream/rockstream/internal/redistest"
)

// BenchmarkJournal compares the resume journal in memory with the one
// shared through a real redis-server, in one run: each op is one
// resumable chat stream of benchTokens tokens from an instant backend,
// read to its end by one reader, one stream at a time. ttft-µs is the
// median time from sending the request to its first event; cpu-µs/token
// is this process's CPU (gateway, mirror, Redis client and the reader)
// per token; redis-cpu-µs/token is redis-server's.
func BenchmarkJournal(b *testing.B) {
	rd := redistest.Start(b)
	for _, store := range []string{"memory", "redis"} {
		b.Run("journal="+store, func(b *testing.B) { benchJournal(b, rd, store) })
	}
}

const benchTokens = 200

func benchJournal(b *testing.B, rd *redistest.Server, store string) {
	pieces := make([]string, benchTokens)
	for i := range pieces {
		pieces[i] = " word"
	}
	opts := Options{Backend: newFake(story(pieces...)...), Keepalive: time.Hour,
		Resume: ResumeOptions{Retention: time.Minute, MaxJournals: 1 << 16, MaxJournalsPerKey: 1 << 16}}
	if store == "redis" {
		rdb := redis.NewClient(&redis.Options{Addr: rd.Addr()})
		b.Cleanup(func() { rdb.Close() })
		opts.Redis = rdb
	}
	mux := http.NewServeMux()
	g := Register(mux, opts)
	srv := httptest.NewServer(mux)
	b.Cleanup(func() {
		srv.Close()
		g.journals.clear()
	})
	client := srv.Client()
	stream := func() time.Duration {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/chat/completions", strings.NewReader(chatBody))
		req.Header.Set("Content-Type", "application/json")
		start := time.Now()
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer res.Body.Close()
		buf := make([]byte, 32<<10)
		if _, err := res.Body.Read(buf); err != nil {
			b.Fatal(err)
		}
		ttft := time.Since(start)
		rest, err := io.ReadAll(res.Body)
		if err != nil || !strings.HasSuffix(string(rest), "data: [DONE]\n\n") {
			b.Fatalf("stream ended %q, %v", rest[max(0, len(rest)-40):], err)
		}
		return ttft
	}
	for range 20 {
		stream() // connections and the Redis pool warm
	}
	cpu0, redis0 := selfCPU(b), redisCPU(b, rd)
	ttfts := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		ttfts = append(ttfts, stream())
	}
	b.StopTimer()
	tokens := float64(b.N * benchTokens)
	slices.Sort(ttfts)
	b.ReportMetric(float64(ttfts[len(ttfts)/2].Nanoseconds())/1e3, "ttft-µs")
	b.ReportMetric(float64((selfCPU(b)-cpu0).Nanoseconds())/1e3/tokens, "cpu-µs/token")
	b.ReportMetric(float64((redisCPU(b, rd)-redis0).Nanoseconds())/1e3/tokens, "redis-cpu-µs/token")
}

func selfCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func redisCPU(b *testing.B, rd *redistest.Server) time.Duration {
	d, err := rd.CPU()
	if err != nil {
		b.Fatal(err)
	}
	return d
}
