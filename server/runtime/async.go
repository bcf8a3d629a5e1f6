package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/catalog"
	"github.com/rockstream/rockstream/server/internal/wire"
)

// asyncJobTimeout bounds one async job's model call.
const asyncJobTimeout = 15 * time.Minute

// Bedrock's timestamps in async-invoke bodies are date-time strings.
const asyncTimeFormat = "2006-01-02T15:04:05.000Z"

type (
	startAsyncBody struct {
		ClientRequestToken string          `json:"clientRequestToken"`
		ModelID            string          `json:"modelId"`
		ModelInput         json.RawMessage `json:"modelInput"`
		OutputDataConfig   asyncOutput     `json:"outputDataConfig"`
		Tags               json.RawMessage `json:"tags,omitempty"`
	}
	asyncOutput struct {
		S3OutputDataConfig *struct {
			S3URI       string `json:"s3Uri"`
			KMSKeyID    string `json:"kmsKeyId,omitempty"`
			BucketOwner string `json:"bucketOwner,omitempty"`
		} `json:"s3OutputDataConfig"`
	}
	asyncSummary struct {
		InvocationArn      string      `json:"invocationArn"`
		ModelArn           string      `json:"modelArn"`
		ClientRequestToken string      `json:"clientRequestToken,omitempty"`
		Status             string      `json:"status"`
		FailureMessage     string      `json:"failureMessage,omitempty"`
		SubmitTime         string      `json:"submitTime"`
		LastModifiedTime   string      `json:"lastModifiedTime,omitempty"`
		EndTime            string      `json:"endTime,omitempty"`
		OutputDataConfig   asyncOutput `json:"outputDataConfig"`
	}
)

// startAsyncInvoke serves StartAsyncInvoke: the model input is checked as
// InvokeModel would check it, then the job runs in the background and its
// answer, InvokeModel's response body, is written to
// <async dir>/<bucket>/<prefix>/<invocation id>/output.json.
func (h *handler) startAsyncInvoke(w http.ResponseWriter, r *http.Request) {
	if h.async == nil {
		wire.WriteError(w, rockstream.Validationf("Async invocation is not enabled on this server: start it with --async-dir."))
		return
	}
	raw, err := h.readBody(w, r)
	if err != nil {
		wire.WriteError(w, err)
		return
	}
	var body startAsyncBody
	if err := json.Unmarshal(raw, &body); err != nil {
		wire.WriteError(w, rockstream.Validationf("Could not parse the request body: %v", err))
		return
	}
	out := body.OutputDataConfig.S3OutputDataConfig
	switch {
	case body.ModelID == "":
		err = rockstream.Validationf("1 validation error detected: Value null at 'modelId' failed to satisfy constraint: Member must not be null")
	case len(body.ModelInput) == 0:
		err = rockstream.Validationf("1 validation error detected: Value null at 'modelInput' failed to satisfy constraint: Member must not be null")
	case out == nil:
		err = rockstream.Validationf("1 validation error detected: Value null at 'outputDataConfig' failed to satisfy constraint: Member must not be null")
	}
	if err != nil {
		wire.WriteError(w, err)
		return
	}
	rel, err := s3Path(out.S3URI)
	if err != nil {
		wire.WriteError(w, err)
		return
	}
	codec, req, err := h.invokeBody(body.ModelID, body.ModelInput, nil)
	if err != nil {
		wire.WriteError(w, err)
		return
	}
	id := newInvocationID()
	now := time.Now().UTC()
	job := &asyncJob{
		arn:      "arn:aws:bedrock:" + h.region + ":" + catalog.AccountID + ":async-invoke/" + id,
		modelArn: "arn:aws:bedrock:" + h.region + "::foundation-model/" + body.ModelID,
		token:    body.ClientRequestToken, s3URI: out.S3URI, status: asyncInProgress,
		submitted: now, modified: now,
	}
	stored, started, err := h.async.add(job)
	if err != nil {
		wire.WriteError(w, err)
		return
	}
	if started {
		// The job outlives the request that started it, but not its
		// time limit; overrides (pace, faults) still apply to it.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), asyncJobTimeout)
		go func() {
			defer cancel()
			failure := ""
			if err := h.runAsync(ctx, codec.EncodeResponse, req, rel, id); err != nil {
				failure = asyncFailure(err)
			}
			h.async.finish(job.arn, failure, time.Now().UTC())
		}()
	}
	writeJSON(w, map[string]string{"invocationArn": stored.arn})
}

// runAsync runs one job's model call to the end and writes its answer.
func (h *handler) runAsync(ctx context.Context, encode func(*rockstream.Response) ([]byte, error), req *rockstream.Request, rel, id string) error {
	resp, err := collectResponse(ctx, h.backend, req)
	if err != nil {
		return err
	}
	body, err := encode(resp)
	if err != nil {
		return err
	}
	return h.async.writeOutput(rel, id, body)
}

// asyncFailure is the failureMessage for err.
func asyncFailure(err error) string {
	var re *rockstream.Error
	if errors.As(err, &re) {
		return wire.Code(re) + ": " + wire.Message(re)
	}
	return err.Error()
}

// getAsyncInvoke serves GetAsyncInvoke.
func (h *handler) getAsyncInvoke(w http.ResponseWriter, r *http.Request) {
	arn := r.PathValue("invocationArn")
	var j asyncJob
	ok := false
	if h.async != nil {
		j, ok = h.async.get(arn)
	}
	if !ok {
		wire.WriteError(w, rockstream.BedrockError("ResourceNotFoundException", "The specified invocation ARN "+arn+" does not exist."))
		return
	}
	writeJSON(w, summarize(j))
}

func summarize(j asyncJob) asyncSummary {
	s := asyncSummary{InvocationArn: j.arn, ModelArn: j.modelArn, ClientRequestToken: j.token, Status: j.status,
		FailureMessage: j.failure, SubmitTime: j.submitted.Format(asyncTimeFormat), LastModifiedTime: j.modified.Format(asyncTimeFormat)}
	if !j.ended.IsZero() {
		s.EndTime = j.ended.Format(asyncTimeFormat)
	}
	s.OutputDataConfig.S3OutputDataConfig = &struct {
		S3URI       string `json:"s3Uri"`
		KMSKeyID    string `json:"kmsKeyId,omitempty"`
		BucketOwner string `json:"bucketOwner,omitempty"`
	}{S3URI: j.s3URI}
	return s
}

// listAsyncInvokes serves ListAsyncInvokes with its query filters:
// statusEquals, submitTimeAfter, submitTimeBefore, sortBy (SubmissionTime),
// sortOrder (Descending by default), maxResults and nextToken.
func (h *handler) listAsyncInvokes(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var after, before time.Time
	for _, f := range []struct {
		name string
		t    *time.Time
	}{{"submitTimeAfter", &after}, {"submitTimeBefore", &before}} {
		if v := q.Get(f.name); v != "" {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				wire.WriteError(w, rockstream.Validationf("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must be a date-time", v, f.name))
				return
			}
			*f.t = t
		}
	}
	status := q.Get("statusEquals")
	if status != "" && status != asyncInProgress && status != asyncCompleted && status != asyncFailed {
		wire.WriteError(w, rockstream.Validationf("1 validation error detected: Value '%s' at 'statusEquals' failed to satisfy constraint: Member must satisfy enum value set: [InProgress, Completed, Failed]", status))
		return
	}
	if s := q.Get("sortBy"); s != "" && s != "SubmissionTime" {
		wire.WriteError(w, rockstream.Validationf("1 validation error detected: Value '%s' at 'sortBy' failed to satisfy constraint: Member must satisfy enum value set: [SubmissionTime]", s))
		return
	}
	order := q.Get("sortOrder")
	if order != "" && order != "Ascending" && order != "Descending" {
		wire.WriteError(w, rockstream.Validationf("1 validation error detected: Value '%s' at 'sortOrder' failed to satisfy constraint: Member must satisfy enum value set: [Ascending, Descending]", order))
		return
	}
	maxResults := 1000
	if v := q.Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			wire.WriteError(w, rockstream.Validationf("1 validation error detected: Value '%s' at 'maxResults' failed to satisfy constraint: Member must be between 1 and 1000", v))
			return
		}
		maxResults = n
	}
	start := 0
	if v := q.Get("nextToken"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			wire.WriteError(w, rockstream.Validationf("The pagination token is not valid."))
			return
		}
		start = n
	}
	var jobs []asyncJob
	if h.async != nil {
		jobs = h.async.list()
	}
	jobs = slices.DeleteFunc(jobs, func(j asyncJob) bool {
		return (status != "" && j.status != status) || (!after.IsZero() && !j.submitted.After(after)) ||
			(!before.IsZero() && !j.submitted.Before(before))
	})
	slices.SortStableFunc(jobs, func(a, b asyncJob) int { return a.submitted.Compare(b.submitted) })
	if order != "Ascending" {
		slices.Reverse(jobs)
	}
	out := struct {
		AsyncInvokeSummaries []asyncSummary `json:"asyncInvokeSummaries"`
		NextToken            string         `json:"nextToken,omitempty"`
	}{AsyncInvokeSummaries: []asyncSummary{}}
	for i := start; i < len(jobs) && i < start+maxResults; i++ {
		out.AsyncInvokeSummaries = append(out.AsyncInvokeSummaries, summarize(jobs[i]))
	}
	if start+maxResults < len(jobs) {
		out.NextToken = strconv.Itoa(start + maxResults)
	}
	writeJSON(w, out)
}
