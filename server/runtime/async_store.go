package runtime

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rockstream/rockstream"
)

// DefaultAsyncMaxJobs bounds the async-invoke job store.
const DefaultAsyncMaxJobs = 1000

// Async-invoke job states, in Bedrock's words.
const (
	asyncInProgress = "InProgress"
	asyncCompleted  = "Completed"
	asyncFailed     = "Failed"
)

// asyncJob is one StartAsyncInvoke call.
type asyncJob struct {
	arn, modelArn, token, s3URI string
	status, failure             string
	submitted, modified, ended  time.Time
}

// asyncStore holds jobs in memory, at most max of them: when full, the
// oldest finished job makes room, and a store full of running jobs
// refuses new ones. Outputs go under dir, which stands in for S3.
type asyncStore struct {
	mu     sync.Mutex
	jobs   map[string]*asyncJob
	order  []string          // ARNs, oldest first
	tokens map[string]string // clientRequestToken → ARN
	max    int
	dir    string
}

func newAsyncStore(dir string, max int) *asyncStore {
	if max <= 0 {
		max = DefaultAsyncMaxJobs
	}
	return &asyncStore{jobs: map[string]*asyncJob{}, tokens: map[string]string{}, max: max, dir: dir}
}

// add registers a job, or returns the one already started with the same
// client request token (started reports which).
func (s *asyncStore) add(j *asyncJob) (job asyncJob, started bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if arn, ok := s.tokens[j.token]; ok && j.token != "" {
		if old := s.jobs[arn]; old != nil {
			return *old, false, nil
		}
	}
	if len(s.order) >= s.max {
		i := slices.IndexFunc(s.order, func(arn string) bool { return s.jobs[arn].status != asyncInProgress })
		if i < 0 {
			return asyncJob{}, false, rockstream.BedrockError("ServiceQuotaExceededException",
				"Too many async invocations are in progress; wait for some to finish.")
		}
		s.forget(i)
	}
	s.jobs[j.arn] = j
	s.order = append(s.order, j.arn)
	if j.token != "" {
		s.tokens[j.token] = j.arn
	}
	return *j, true, nil
}

func (s *asyncStore) forget(i int) {
	old := s.jobs[s.order[i]]
	delete(s.jobs, old.arn)
	if s.tokens[old.token] == old.arn {
		delete(s.tokens, old.token)
	}
	s.order = slices.Delete(s.order, i, i+1)
}

// finish records a job's end: failure empty means it completed.
func (s *asyncStore) finish(arn, failure string, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.jobs[arn]
	if j == nil {
		return
	}
	j.status, j.modified, j.ended = asyncCompleted, now, now
	if failure != "" {
		j.status, j.failure = asyncFailed, failure
	}
}

func (s *asyncStore) get(arn string) (asyncJob, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.jobs[arn]
	if j == nil {
		return asyncJob{}, false
	}
	return *j, true
}

// list returns copies of every job, oldest first.
func (s *asyncStore) list() []asyncJob {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]asyncJob, 0, len(s.order))
	for _, arn := range s.order {
		out = append(out, *s.jobs[arn])
	}
	return out
}

// newInvocationID is a fresh job ID, as Bedrock's are: 12 random
// lower-case alphanumerics.
func newInvocationID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// errOutsideDir is an s3Uri that would write outside the async directory.
var errOutsideDir = errors.New("runtime: s3Uri leaves the async output directory")

// s3Path maps s3://bucket/prefix to the local path bucket/prefix under the
// async directory, refusing anything that would leave it.
func s3Path(s3URI string) (string, error) {
	u, err := url.Parse(s3URI)
	if err != nil || u.Scheme != "s3" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", rockstream.Validationf("1 validation error detected: Value '%s' at 'outputDataConfig.s3OutputDataConfig.s3Uri' failed to satisfy constraint: Member must satisfy regular expression pattern: s3://[a-z0-9][\\.\\-a-z0-9]{1,61}[a-z0-9](/.*)?", s3URI)
	}
	rel := path.Join(u.Host, strings.TrimPrefix(u.Path, "/"))
	if strings.Contains(u.Host+u.Path, "..") || !filepath.IsLocal(filepath.FromSlash(rel)) {
		return "", rockstream.Validationf("%v: %s", errOutsideDir, s3URI)
	}
	return filepath.FromSlash(rel), nil
}

// writeOutput writes a job's output file under the async directory, at
// rel/<id>/output.json; os.Root keeps it there even through symlinks.
func (s *asyncStore) writeOutput(rel, id string, body []byte) error {
	root, err := os.OpenRoot(s.dir)
	if err != nil {
		return err
	}
	defer root.Close()
	dir := filepath.Join(rel, id)
	if err := root.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return root.WriteFile(filepath.Join(dir, "output.json"), body, 0o644)
}
