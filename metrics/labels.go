package metrics

import (
	"strings"
	"sync"

	"github.com/rockstream/rockstream"
	"github.com/rockstream/rockstream/catalog"
)

// otherModel labels every model string that is not a catalog model ID or
// inference-profile ID: the caller chooses the string, so using it as a
// label would let anyone grow /metrics without bound (and a string that
// is not UTF-8 cannot be a label at all).
const otherModel = "other"

// DefaultMaxModels is how many model labels a Metrics keeps by default:
// more than the catalog's models and profiles.
const DefaultMaxModels = 500

// modelLabels hands out model labels, at most max of them.
type modelLabels struct {
	max  int
	mu   sync.Mutex
	seen map[string]bool
}

// modelLabel is the label for a request's model string: the string itself
// for a catalog model ID or system-defined inference-profile ID, the
// model's ID for an ARN of either (its account and region would be
// unbounded), and "other" for anything else or once the cap is reached.
func (m *Metrics) modelLabel(model string) string {
	md, ok := catalog.Lookup(model)
	if !ok {
		return otherModel
	}
	label := model
	if strings.HasPrefix(model, "arn:") {
		label = md.ID
	}
	l := &m.models
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen[label] {
		return label
	}
	if len(l.seen) >= l.max {
		return otherModel
	}
	l.seen[label] = true
	return label
}

// knownClasses are the error classes used as labels; anything else is
// counted as unknown.
var knownClasses = map[rockstream.ErrorClass]bool{
	rockstream.ClassValidation: true, rockstream.ClassAuth: true, rockstream.ClassAccessDenied: true,
	rockstream.ClassNotFound: true, rockstream.ClassThrottling: true, rockstream.ClassQuota: true,
	rockstream.ClassTimeout: true, rockstream.ClassModel: true, rockstream.ClassNotReady: true,
	rockstream.ClassUnavailable: true, rockstream.ClassInternal: true, rockstream.ClassProtocol: true,
	rockstream.ClassInterrupted: true, rockstream.ClassUnknown: true,
}

// classLabel keeps the error_class label within the known classes.
func classLabel(c rockstream.ErrorClass) string {
	if !knownClasses[c] {
		return string(rockstream.ClassUnknown)
	}
	return string(c)
}
