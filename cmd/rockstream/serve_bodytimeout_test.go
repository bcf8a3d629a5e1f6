package main

import (
	"errors"
	"testing"
	"time"

	"github.com/rockstream/rockstream/server"
)

func TestBodyTimeoutFlag(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		flag time.Duration
		want time.Duration // ConnLimits.BodyTimeout
		bad  bool
	}{
		{"default", server.DefaultBodyTimeout, server.DefaultBodyTimeout, false},
		{"shorter", 5 * time.Second, 5 * time.Second, false},
		{"zero turns it off", 0, -1, false},
		{"negative", -time.Second, 0, true},
	} {
		got, err := connLimits(tt.flag)
		var ue *usageError
		switch {
		case tt.bad && !errors.As(err, &ue):
			t.Errorf("%s: error %v, want a usage error", tt.name, err)
		case !tt.bad && (err != nil || got.BodyTimeout != tt.want):
			t.Errorf("%s: %+v, %v; want BodyTimeout %v", tt.name, got, err, tt.want)
		}
	}
}
