// Package metrics measures streams as they pass through rockstream and
// exposes the figures in Prometheus format. Names follow the OpenTelemetry
// GenAI semantic conventions where they define one (gen_ai_…); the rest are
// rockstream_….
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Label names, as the GenAI conventions spell their attributes.
const (
	labelModel     = "gen_ai_request_model"
	labelTokenType = "gen_ai_token_type"
	labelOutcome   = "outcome"
	labelClass     = "error_class"
	labelStage     = "stage"
)

// Metrics holds the collectors for one server.
type Metrics struct {
	registry      *prometheus.Registry
	active        prometheus.Gauge
	timeToFirst   *prometheus.HistogramVec
	perToken      *prometheus.HistogramVec
	duration      *prometheus.HistogramVec
	tokens        *prometheus.CounterVec
	outcomes      *prometheus.CounterVec
	serverAdded   *prometheus.HistogramVec
	streamsServed prometheus.Counter
	models        modelLabels
}

// Options bound a Metrics. The zero value keeps DefaultMaxModels model
// labels.
type Options struct {
	// MaxModels caps the distinct model labels; past it every new model is
	// counted as "other". 0 means DefaultMaxModels.
	MaxModels int
}

// latencyBuckets span a fast local stream (100 µs) to a slow model (60 s).
var latencyBuckets = prometheus.ExponentialBucketsRange(0.0001, 60, 24)

// overheadBuckets span what the server adds per event: 1 µs to 100 ms.
var overheadBuckets = prometheus.ExponentialBucketsRange(0.000001, 0.1, 20)

// New returns collectors registered on a fresh registry, with Go runtime
// and process collectors beside them, bounded by the default Options.
func New() *Metrics { return NewWithOptions(Options{}) }

// NewWithOptions is New with chosen bounds.
func NewWithOptions(opts Options) *Metrics {
	if opts.MaxModels <= 0 {
		opts.MaxModels = DefaultMaxModels
	}
	m := &Metrics{
		models:   modelLabels{max: opts.MaxModels, seen: map[string]bool{}},
		registry: prometheus.NewRegistry(),
		active: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "rockstream_active_streams",
			Help: "Streams open right now.",
		}),
		timeToFirst: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "gen_ai_server_time_to_first_token_seconds",
			Help:    "Time from the request to the first generated token.",
			Buckets: latencyBuckets,
		}, []string{labelModel}),
		perToken: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "gen_ai_server_time_per_output_token_seconds",
			Help:    "Gap between consecutive generated tokens after the first.",
			Buckets: latencyBuckets,
		}, []string{labelModel}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "gen_ai_server_request_duration_seconds",
			Help:    "Whole stream, request to terminal outcome.",
			Buckets: latencyBuckets,
		}, []string{labelModel, labelOutcome}),
		tokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gen_ai_client_token_usage_total",
			Help: "Tokens in and out, by model.",
		}, []string{labelModel, labelTokenType}),
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rockstream_stream_outcomes_total",
			Help: "Terminal outcomes of streams: complete, truncated, error (by class) or cancelled.",
		}, []string{labelOutcome, labelClass}),
		serverAdded: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "rockstream_server_added_latency_seconds",
			Help:    "Time the server spends on an event between the backend yielding it and asking for the next: encoding, writing and flushing.",
			Buckets: overheadBuckets,
		}, []string{labelStage}),
		streamsServed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "rockstream_streams_total",
			Help: "Streams started.",
		}),
	}
	m.registry.MustRegister(m.active, m.timeToFirst, m.perToken, m.duration, m.tokens,
		m.outcomes, m.serverAdded, m.streamsServed,
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// Registry is where the collectors live, for tests and extra collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.registry }
