package bedrock

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"github.com/rockstream/rockstream"
)

func TestFrameTracker(t *testing.T) {
	t.Parallel()
	frames := claudeFrames(t, "a")
	whole := bytes.Join(frames, nil)
	errReset := errors.New("connection reset by peer")
	tests := []struct {
		name    string
		body    io.Reader
		wantErr error
	}{
		{"whole frames", bytes.NewReader(whole), io.EOF},
		{"whole frames one byte at a time", iotest.OneByteReader(bytes.NewReader(whole)), io.EOF},
		{"empty body", bytes.NewReader(nil), io.EOF},
		{"cut in a length field", bytes.NewReader(whole[:len(frames[0])+2]), rockstream.ErrIncomplete},
		{"cut in a payload", iotest.HalfReader(bytes.NewReader(whole[:len(whole)-9])), rockstream.ErrIncomplete},
		{"transport saw a short chunked body", io.MultiReader(bytes.NewReader(frames[0]), iotest.ErrReader(io.ErrUnexpectedEOF)), rockstream.ErrIncomplete},
		{"read errors keep their cause", io.MultiReader(bytes.NewReader(frames[0][:5]), iotest.ErrReader(errReset)), errReset},
		{"read errors are incomplete", io.MultiReader(bytes.NewReader(frames[0][:5]), iotest.ErrReader(errReset)), rockstream.ErrIncomplete},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft := &frameTracker{body: io.NopCloser(tt.body)}
			got, err := io.ReadAll(ft)
			if err == nil {
				err = io.EOF // ReadAll hides a clean EOF
			}
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("error %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == io.EOF && !bytes.Equal(got, whole) && len(got) != 0 {
				t.Errorf("read %d bytes, want the body unchanged", len(got))
			}
		})
	}
}
