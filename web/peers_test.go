package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rockstream/rockstream/web"
)

// Peer tests run Node and Chromium; scripts/test sets ROCKSTREAM_PEERS=1 and
// installs both.
func needPeers(t *testing.T, chromium bool) string {
	t.Helper()
	if os.Getenv("ROCKSTREAM_PEERS") != "1" {
		t.Skip("set ROCKSTREAM_PEERS=1 to run the Node and Chromium tests")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("ROCKSTREAM_PEERS=1 but node is not on PATH")
	}
	if chromium {
		if _, err := os.Stat(chromiumPath()); err != nil {
			t.Fatalf("ROCKSTREAM_PEERS=1 but Chromium is missing at %s (apt-get install chromium)", chromiumPath())
		}
		if _, err := os.Stat(filepath.Join("e2e", "node_modules", "playwright-core")); err != nil {
			t.Fatal("ROCKSTREAM_PEERS=1 but web/e2e has no node_modules: run npm ci in web/e2e")
		}
	}
	return node
}

func chromiumPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// TestNodeUnit runs the page's SSE parser, stream client and Markdown
// renderer tests under node --test.
func TestNodeUnit(t *testing.T) {
	node := needPeers(t, false)
	files, err := filepath.Glob(filepath.Join("e2e", "unit", "*.test.mjs"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Node unit tests found: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{"--test", "--test-reporter=spec"}, files...)...)
	outb, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test failed: %v\n%s", err, outb)
	}
	if !bytes.Contains(outb, []byte("fail 0")) {
		t.Fatalf("node --test did not report its results:\n%s", outb)
	}
}

// chatResult is what web/e2e/chat.mjs reports.
type chatResult struct {
	Models        []string `json:"models"`   // the picker's options, in order
	Listed        []string `json:"listed"`   // what GET /v1/models listed
	Selected      string   `json:"selected"` // the picker's choice on a first visit
	ConsoleErrors []string `json:"consoleErrors"`
	PageErrors    []string `json:"pageErrors"`
	CSPViolations []string `json:"cspViolations"`
	LateRenders   []string `json:"lateRenders"`
	Dialogs       int      `json:"dialogs"`
	Phone         struct {
		Label       string  `json:"label"`
		Need        float64 `json:"need"`
		Width       float64 `json:"width"`
		Left        float64 `json:"left"`
		Right       float64 `json:"right"`
		Viewport    float64 `json:"viewport"`
		PageScrolls bool    `json:"pageScrolls"`
	} `json:"phone"`
	Unlisted struct {
		Selected string `json:"selected"`
	} `json:"unlisted"`
	Table struct {
		State    string        `json:"state"`
		RawPipes bool          `json:"rawPipes"`
		Head     [][2]string   `json:"head"`
		Cells    [][][2]string `json:"cells"`
	} `json:"table"`
	Copy struct {
		Buttons           int    `json:"buttons"`
		Label             string `json:"label"`
		Clipboard         string `json:"clipboard"`
		Expected          string `json:"expected"`
		FallbackLabel     string `json:"fallbackLabel"`
		FallbackClipboard string `json:"fallbackClipboard"`
	} `json:"copy"`
	Offline struct {
		State        string `json:"state"`
		Error        string `json:"error"`
		RetryVisible bool   `json:"retryVisible"`
		Retried      struct {
			State string `json:"state"`
			Error string `json:"error"`
			Equal bool   `json:"equal"`
			Turns int    `json:"turns"`
		} `json:"retried"`
	} `json:"offline"`
	Stream struct {
		turnResult
		DistinctLengths int      `json:"distinctLengths"`
		Elements        []string `json:"elements"`
		Links           []struct {
			Href, Rel, Target string
		} `json:"links"`
	} `json:"stream"`
	MultiTurn struct {
		State          string   `json:"state"`
		Roles          []string `json:"roles"`
		HistoryMatches bool     `json:"historyMatches"`
		AnswerError    string   `json:"answerError"`
		SentLength     int      `json:"sentLength"`
		AnswerLength   int      `json:"answerLength"`
		Stream         bool     `json:"stream"`
	} `json:"multiTurn"`
	Resume struct {
		turnResult
		Equal           bool         `json:"equal"`
		CollectedEqual  bool         `json:"collectedEqual"`
		DistinctLengths int          `json:"distinctLengths"`
		Wire            []wireRecord `json:"wire"`
		WireErrors      []string     `json:"wireErrors"`
		Server          *streamLog   `json:"server"`
	} `json:"resume"`
	Stop struct {
		State        string     `json:"state"`
		LengthAtStop int        `json:"lengthAtStop"`
		LengthLater  int        `json:"lengthLater"`
		Metrics      string     `json:"metrics"`
		Wire         wireRecord `json:"wire"`
		Deleted      bool       `json:"deleted"`
		Server       *streamLog `json:"server"`
		StopHidden   bool       `json:"stopHidden"`
	} `json:"stop"`
	XSS struct {
		State     string   `json:"state"`
		Text      string   `json:"text"`
		Executed  *string  `json:"executed"`
		Dangerous []string `json:"dangerous"`
		Links     []string `json:"links"`
		Expected  string   `json:"expected"`
	} `json:"xss"`
	Throttled struct {
		State                  string `json:"state"`
		Error                  string `json:"error"`
		Role                   string `json:"role"`
		SendEnabledAfterTyping bool   `json:"sendEnabledAfterTyping"`
	} `json:"throttled"`
	Keyboard struct {
		Value string `json:"value"`
		Turns int    `json:"turns"`
		Label string `json:"label"`
	} `json:"keyboard"`
}

type turnResult struct {
	State   string `json:"state"`
	Text    string `json:"text"`
	Busy    string `json:"busy"`
	Live    string `json:"live"`
	Metrics string `json:"metrics"`
	Error   string `json:"error"`
	Lengths []int  `json:"lengths"`
}

// TestChatPageAgainstFake drives the page in Chromium against the fake
// gateway, through a wire that can drop connections.
func TestChatPageAgainstFake(t *testing.T) {
	node := needPeers(t, true)
	fake := newFakeGateway()
	mux := http.NewServeMux()
	fake.register(mux)
	mux.Handle("GET /", web.Handler())
	target := httptest.NewServer(mux)
	defer target.Close()

	res := runChat(t, node, target.URL, fake.log)
	checkChat(t, res, true)
	if res.Selected != labModel {
		t.Errorf("the fake lists the lab's model; the page selected %q", res.Selected)
	}
	if res.Stop.Server == nil || res.Stop.Server.State != "cancelled" || res.Stop.Server.Produced >= res.Stop.Server.Total {
		t.Errorf("the fake did not cancel the stopped stream: %+v", res.Stop.Server)
	}
	if res.Resume.Server == nil || len(res.Resume.Server.Resumes) == 0 || res.Resume.Server.Resumes[0] == "" {
		t.Errorf("the resumed stream saw no resume with Last-Event-ID: %+v", res.Resume.Server)
	}
}

func runChat(t *testing.T, node, targetURL string, serverLog func() []streamLog) chatResult {
	t.Helper()
	u, err := url.Parse(targetURL)
	if err != nil {
		t.Fatal(err)
	}
	frontURL, control := startFront(t, newWire(u, serverLog))

	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("e2e", "chat.mjs"), frontURL, control)
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromiumPath())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chat.mjs failed: %v\nstderr:\n%s\nstdout:\n%s", err, stderr.String(), stdout.String())
	}
	var res chatResult
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("chat.mjs output is not JSON: %v\n%s", err, stdout.String())
	}
	if os.Getenv("ROCKSTREAM_E2E_DUMP") != "" {
		t.Logf("chat.mjs output: %s", stdout.String())
	}
	t.Logf("stream: %d distinct partial lengths, metrics %q", res.Stream.DistinctLengths, res.Stream.Metrics)
	return res
}

// checkChat holds the page to what a person expects, whatever the server.
func checkChat(t *testing.T, res chatResult, fake bool) {
	t.Helper()
	if len(res.Models) == 0 {
		t.Error("no models listed")
	}
	s := res.Stream
	if s.State != "done" || s.Error != "" {
		t.Fatalf("first answer ended %q (error %q)", s.State, s.Error)
	}
	if s.DistinctLengths < 5 {
		t.Errorf("answer did not stream in: partial lengths %v", s.Lengths)
	}
	if s.Live != "polite" || s.Busy != "false" {
		t.Errorf("answer aria-live=%q aria-busy=%q after the end", s.Live, s.Busy)
	}
	for _, want := range []string{"to first token", "tokens/s", " in · ", " out tokens"} {
		if !strings.Contains(s.Metrics, want) {
			t.Errorf("metrics line %q lacks %q", s.Metrics, want)
		}
	}
	if fake {
		for _, el := range []string{"h2", "strong", "em", "ul", "li", "pre", "code", "a"} {
			if !containsString(s.Elements, el) {
				t.Errorf("rendered answer has no <%s>: %v", el, s.Elements)
			}
		}
		if len(s.Links) != 1 || s.Links[0].Href != "https://go.dev/" || !strings.Contains(s.Links[0].Rel, "noopener") {
			t.Errorf("links = %+v", s.Links)
		}
	}

	m := res.MultiTurn
	if m.State != "done" || strings.Join(m.Roles, ",") != "user,assistant,user" || !m.HistoryMatches || !m.Stream {
		t.Errorf("second turn: %+v", m)
	}

	r := res.Resume
	if r.State != "done" || !r.Equal {
		t.Errorf("resumed answer (state %q, error %q) differs from the uninterrupted one:\n got: %q\nwant: %q", r.State, r.Error, r.Text, s.Text)
	}
	if !r.CollectedEqual {
		t.Errorf("the events read across the cut and the resume do not make the first answer")
	}
	// The wire cut the POST; the page resumed it. (A drop the wire did not
	// make, which the proxy logs, is resumed all the same.)
	interrupted, resumed := false, false
	for _, w := range r.Wire {
		interrupted = interrupted || w.Path == "/v1/messages" && !w.Stopped
		resumed = resumed || strings.HasPrefix(w.Path, "/v1/streams/") && w.Status == http.StatusOK && w.Stopped
	}
	if !interrupted || !resumed {
		t.Errorf("the wire saw no interrupted stream and resume: %+v", r.Wire)
	}
	for _, e := range r.WireErrors {
		t.Logf("wire: %s", e)
	}

	st := res.Stop
	if st.State != "stopped" || st.LengthAtStop == 0 || st.LengthLater != st.LengthAtStop || !st.StopHidden {
		t.Errorf("stop: %+v", st)
	}
	if !strings.Contains(st.Metrics, "Stopped") {
		t.Errorf("stopped metrics line %q does not say so", st.Metrics)
	}
	if !st.Deleted {
		t.Errorf("Stop did not delete the server's stream")
	}
	// Either the browser's abort or the DELETE reaches the server first;
	// what matters is that the stream did not run to its end.
	if st.Wire.Stopped || st.Server == nil || st.Server.State != "cancelled" {
		t.Errorf("the stopped stream ran on: wire %+v, server %+v", st.Wire, st.Server)
	}

	x := res.XSS
	if x.State != "done" || x.Executed != nil || len(x.Dangerous) > 0 || res.Dialogs > 0 {
		t.Errorf("hostile output: state %q executed %v elements %v dialogs %d", x.State, x.Executed, x.Dangerous, res.Dialogs)
	}
	for _, href := range x.Links {
		if !strings.HasPrefix(href, "http://") && !strings.HasPrefix(href, "https://") {
			t.Errorf("hostile output made a link to %q", href)
		}
	}
	for _, shown := range []string{"<script>window.__xss = 'script'</script>", `<img src=x onerror="window.__xss = 'img'">`, "click me"} {
		if !strings.Contains(x.Text, shown) {
			t.Errorf("hostile output does not show %q as text:\n%s", shown, x.Text)
		}
	}

	if res.Keyboard.Value != "line one\nline two" || res.Keyboard.Turns != 0 || res.Keyboard.Label != "Message" {
		t.Errorf("keyboard: %+v", res.Keyboard)
	}
	th := res.Throttled
	if th.State != "error" || th.Error == "" || th.Role != "alert" || !th.SendEnabledAfterTyping {
		t.Errorf("throttled request: %+v", th)
	}
	checkModelPicker(t, res)
	checkTableAndCopy(t, res)

	o := res.Offline
	if o.State != "error" || !strings.Contains(o.Error, "Can't reach the rockstream server") ||
		strings.Contains(o.Error, "Failed to fetch") || !o.RetryVisible {
		t.Errorf("with the server gone: %+v", o)
	}
	if r := o.Retried; r.State != "done" || !r.Equal || r.Turns != 1 {
		t.Errorf("Retry once the server was back: %+v", r)
	}
	if len(res.LateRenders) > 0 {
		t.Errorf("answers changed after their turn ended: %v", res.LateRenders)
	}
	if len(res.PageErrors) > 0 || len(res.CSPViolations) > 0 {
		t.Errorf("page errors %v, CSP violations %v", res.PageErrors, res.CSPViolations)
	}
	for _, e := range res.ConsoleErrors {
		t.Logf("console: %s", e)
	}
}

// labModel is the workshop lab's model, which the page selects and lists
// first when the server offers it.
const labModel = "anthropic.claude-3-sonnet-20240229-v1:0"

func checkModelPicker(t *testing.T, res chatResult) {
	t.Helper()
	if len(res.Listed) == 0 || len(res.Models) != len(res.Listed) {
		t.Fatalf("picker %v for listed %v", res.Models, res.Listed)
	}
	if containsString(res.Listed, labModel) {
		if res.Selected != labModel || res.Models[0] != labModel {
			t.Errorf("the lab's model is listed but the picker selects %q and shows %q first", res.Selected, res.Models[0])
		}
	} else if res.Selected != res.Listed[0] {
		t.Errorf("picker selects %q, want the first listed, %q", res.Selected, res.Listed[0])
	}
	if res.Unlisted.Selected != "meta.llama3-8b-instruct-v1:0" {
		t.Errorf("without the lab's model the picker selects %q, want the first listed", res.Unlisted.Selected)
	}
	p := res.Phone
	if p.Label == "" || p.Need > p.Width+0.5 || p.Left < 0 || p.Right > p.Viewport || p.PageScrolls {
		t.Errorf("at 390 px the model name %q is cut: %+v", p.Label, p)
	}
}

func checkTableAndCopy(t *testing.T, res chatResult) {
	t.Helper()
	tb := res.Table
	wantHead := [][2]string{{"Name", "left"}, {"Count", "center"}, {"Share", "right"}}
	wantCells := [][][2]string{
		{{"a|b", "left"}, {"3", "center"}, {"50%", "right"}},
		{{"c", "left"}, {"12", "center"}, {"50%", "right"}},
	}
	if tb.State != "done" || tb.RawPipes || !reflect.DeepEqual(tb.Head, wantHead) || !reflect.DeepEqual(tb.Cells, wantCells) {
		t.Errorf("table: %+v\nwant head %v cells %v", tb, wantHead, wantCells)
	}
	c := res.Copy
	if c.Buttons != 1 || c.Label != "Copied" || c.Clipboard != c.Expected {
		t.Errorf("copy button: %d buttons, label %q, clipboard %q, want %q", c.Buttons, c.Label, c.Clipboard, c.Expected)
	}
	if c.FallbackLabel != "Copied" || c.FallbackClipboard != c.Expected {
		t.Errorf("copy without navigator.clipboard: label %q, clipboard %q, want %q", c.FallbackLabel, c.FallbackClipboard, c.Expected)
	}
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
