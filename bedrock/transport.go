package bedrock

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/rockstream/rockstream"
)

// eventStreamType is the Content-Type of Bedrock's streaming responses.
const eventStreamType = "application/vnd.amazon.eventstream"

// checkedClient wraps the HTTP client the SDK uses. It turns answers that
// did not come from Bedrock (HTML pages, a 200 that is not an event
// stream) into protocol errors the SDK passes through, and watches stream
// bodies for a cut inside a frame, which the SDK would report as a clean
// end.
type checkedClient struct {
	inner aws.HTTPClient
	// streams is set for the runtime client, whose 200s must be event streams.
	streams bool
	// rawBodies leaves stream bodies untracked, for a reader that detects
	// cuts itself.
	rawBodies bool
}

func (c *checkedClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.inner.Do(req)
	if err != nil {
		return resp, err
	}
	mediaType, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	switch {
	case mediaType == "text/html" || (!ok && mediaType != "application/json" && looksLikeHTML(resp)):
		return nil, notBedrock(req, resp, "an HTML page")
	case ok && c.streams && mediaType != "" && mediaType != eventStreamType:
		return nil, notBedrock(req, resp, "a "+mediaType+" body instead of an event stream")
	case ok && c.streams && !c.rawBodies:
		resp.Body = &frameTracker{body: resp.Body}
	}
	return resp, nil
}

// looksLikeHTML peeks at an error body without consuming it.
func looksLikeHTML(resp *http.Response) bool {
	buf := make([]byte, 64)
	n, _ := io.ReadFull(resp.Body, buf)
	buf = buf[:n]
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(strings.NewReader(string(buf)), resp.Body), resp.Body}
	s := strings.ToLower(strings.TrimSpace(string(buf)))
	return strings.HasPrefix(s, "<!doctype html") || strings.HasPrefix(s, "<html")
}

// notBedrock closes resp and describes why the endpoint is not Bedrock.
func notBedrock(req *http.Request, resp *http.Response, what string) *rockstream.Error {
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	resp.Body.Close()
	endpoint := req.URL.Scheme + "://" + req.URL.Host
	msg := fmt.Sprintf("%s answered HTTP %d with %s; it does not look like Amazon Bedrock Runtime. "+
		"Check the endpoint URL (AWS_ENDPOINT_URL_BEDROCK_RUNTIME) and any proxy in between",
		endpoint, resp.StatusCode, what)
	if s := strings.Join(strings.Fields(string(snippet)), " "); s != "" {
		msg += fmt.Sprintf(" (body starts %q)", s)
	}
	return &rockstream.Error{
		Class:      rockstream.ClassProtocol,
		Message:    msg,
		StatusCode: resp.StatusCode,
		RequestID:  requestIDHeader(resp.Header),
	}
}

func requestIDHeader(h http.Header) string {
	for _, k := range []string{"X-Amzn-Requestid", "X-Amzn-Request-Id", "X-Amz-Request-Id"} {
		if v := h.Get(k); v != "" {
			return v
		}
	}
	return ""
}

// errCutFrame is the cause when a stream body ends inside a frame.
var errCutFrame = fmt.Errorf("bedrock: event stream cut inside a frame: %w", rockstream.ErrIncomplete)

// frameTracker follows the event-stream framing of a body (each frame
// starts with its total length) so that an end inside a frame is an error
// wrapping rockstream.ErrIncomplete rather than the io.EOF the SDK's
// decoder would treat as the end of the stream. Read errors wrap
// ErrIncomplete too, keeping their cause.
type frameTracker struct {
	body   io.ReadCloser
	length [4]byte // the next frame's total-length field, as far as read
	have   int     // bytes of length read
	rest   int64   // bytes left in the current frame after its length
}

func (t *frameTracker) Read(p []byte) (int, error) {
	n, err := t.body.Read(p)
	for b := p[:n]; len(b) > 0; {
		if t.rest > 0 {
			k := int(min(t.rest, int64(len(b))))
			t.rest -= int64(k)
			b = b[k:]
			continue
		}
		k := copy(t.length[t.have:], b)
		t.have += k
		b = b[k:]
		if t.have == len(t.length) {
			t.have = 0
			t.rest = max(int64(binary.BigEndian.Uint32(t.length[:]))-4, 0)
		}
	}
	midFrame := t.have > 0 || t.rest > 0
	switch {
	case err == nil:
	case err == io.EOF && midFrame, errors.Is(err, io.ErrUnexpectedEOF):
		err = errCutFrame
	case err != io.EOF:
		// A reset connection or stream: the answer is cut wherever it was.
		err = fmt.Errorf("bedrock: reading the event stream: %w (%w)", err, rockstream.ErrIncomplete)
	}
	return n, err
}

func (t *frameTracker) Close() error { return t.body.Close() }
