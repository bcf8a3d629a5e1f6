package main

import (
	"flag"

	"github.com/rockstream/rockstream/server/gateway"
	"github.com/rockstream/rockstream/server/relay"
)

// serveLimits are serve's bounds on what callers can make the server
// hold: open streams, and the journals that make gateway streams
// resumable.
type serveLimits struct {
	maxStreams, maxStreamsPerKey int
	resume                       gateway.ResumeOptions
}

func (l *serveLimits) register(fs *flag.FlagSet) {
	fs.IntVar(&l.maxStreams, "max-streams", relay.DefaultMaxStreams,
		"most open streams, Bedrock Runtime and gateway together; more get 429 and Retry-After")
	fs.IntVar(&l.maxStreamsPerKey, "max-streams-per-key", relay.DefaultMaxStreamsPerKey,
		"most open streams of one verified key (gateway API key, or --auth strict credential); callers without one count only against --max-streams")
	fs.Int64Var(&l.resume.MaxBytes, "resume-max-bytes", gateway.DefaultMaxJournalBytes,
		"most `bytes` the resume journals hold together; the oldest finished are forgotten first, and when live streams fill it new streams cannot be resumed")
	fs.Int64Var(&l.resume.MaxBytesPerKey, "resume-max-bytes-per-key", gateway.DefaultMaxKeyBytes,
		"most `bytes` one API key's resume journals hold")
	fs.IntVar(&l.resume.MaxJournals, "resume-max-streams", gateway.DefaultMaxJournals,
		"most resumable streams kept")
	fs.IntVar(&l.resume.MaxJournalsPerKey, "resume-max-streams-per-key", gateway.DefaultMaxJournalsPerKey,
		"most resumable streams of one API key kept")
	fs.Int64Var(&l.resume.MaxStreamBytes, "resume-max-stream-bytes", gateway.DefaultMaxStreamBytes,
		"most `bytes` one stream's journal holds: a reader can resume within that much of the newest event")
}

// check refuses bounds that are not positive: there is no unbounded
// setting, since that is what lets a caller exhaust the server.
func (l *serveLimits) check() error {
	ints := []struct {
		name string
		v    int64
	}{
		{"max-streams", int64(l.maxStreams)},
		{"max-streams-per-key", int64(l.maxStreamsPerKey)},
		{"resume-max-bytes", l.resume.MaxBytes},
		{"resume-max-bytes-per-key", l.resume.MaxBytesPerKey},
		{"resume-max-streams", int64(l.resume.MaxJournals)},
		{"resume-max-streams-per-key", int64(l.resume.MaxJournalsPerKey)},
		{"resume-max-stream-bytes", l.resume.MaxStreamBytes},
	}
	for _, f := range ints {
		if f.v <= 0 {
			return usageErrorf("--%s must be positive, not %d", f.name, f.v)
		}
	}
	return nil
}

// tracker is the one registry of open streams the Bedrock Runtime and the
// gateway share, so the bounds hold for the whole process.
func (l *serveLimits) tracker() *relay.Tracker {
	return &relay.Tracker{Max: l.maxStreams, MaxPerKey: l.maxStreamsPerKey}
}
