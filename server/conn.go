package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// HTTP/2 health check: a cleartext HTTP/2 connection that sends no frame
// for H2PingAfter is pinged, and closed if the ping goes unanswered for
// H2PingTimeout. Without it a peer that sends the preface and then nothing
// holds its connection for the whole IdleTimeout.
const (
	H2PingAfter   = 10 * time.Second
	H2PingTimeout = 5 * time.Second
)

// ConnLimits bound what one connection can make the server hold. Each zero
// field means its package default.
type ConnLimits struct {
	// ReadHeaderTimeout bounds the wait for a request's headers
	// (ReadHeaderTimeout).
	ReadHeaderTimeout time.Duration
	// BodyTimeout bounds the time from a request's headers to its body's
	// end (DefaultBodyTimeout); negative means no bound.
	BodyTimeout time.Duration
	// H2PingAfter and H2PingTimeout are the HTTP/2 health check
	// (H2PingAfter, H2PingTimeout).
	H2PingAfter, H2PingTimeout time.Duration
}

func (l ConnLimits) withDefaults() ConnLimits {
	orDefault := func(d *time.Duration, def time.Duration) {
		if *d == 0 {
			*d = def
		}
	}
	orDefault(&l.ReadHeaderTimeout, ReadHeaderTimeout)
	orDefault(&l.BodyTimeout, DefaultBodyTimeout)
	orDefault(&l.H2PingAfter, H2PingAfter)
	orDefault(&l.H2PingTimeout, H2PingTimeout)
	return l
}

// ServeWith is Serve with limits other than the defaults.
func (s *Server) ServeWith(ctx context.Context, ln net.Listener, limits ConnLimits) error {
	limits = limits.withDefaults()
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	srv := &http.Server{
		Handler:           withBodyTimeout(limits.BodyTimeout, newSettle(GoSDKSettle).handler(s.handler)),
		Protocols:         &protocols,
		ReadHeaderTimeout: limits.ReadHeaderTimeout,
		IdleTimeout:       IdleTimeout,
		HTTP2:             &http.HTTP2Config{SendPingTimeout: limits.H2PingAfter, PingTimeout: limits.H2PingTimeout},
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(checkedListener{ln}) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	grace, cancel := context.WithTimeout(context.Background(), ShutdownGrace)
	defer cancel()
	// Open Bedrock streams end with an exception frame and a terminated
	// body before the listener closes, rather than being cut.
	_ = s.streams.Shutdown(grace)
	if err := srv.Shutdown(grace); err != nil {
		_ = srv.Close()
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
