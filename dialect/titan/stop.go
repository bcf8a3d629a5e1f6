package titan

import (
	"errors"

	"github.com/rockstream/rockstream"
)

var (
	errNoResults = errors.New("response has no results")
	errNotChunk  = errors.New("chunk has neither outputText nor completionReason")
)

// stopReason maps Titan's completionReason onto the neutral stop reasons.
func stopReason(r string) rockstream.StopReason {
	switch r {
	case "LENGTH":
		return rockstream.StopMaxTokens
	case "STOP_CRITERIA_MET":
		return rockstream.StopSequenceHit
	case "CONTENT_FILTERED":
		return rockstream.StopContentFiltered
	}
	return rockstream.StopEndTurn // FINISH, FINISHED, RAG_QUERY_WHEN_RAG_DISABLED
}

// completionReason is the Titan spelling of r.
func completionReason(r rockstream.StopReason) string {
	switch r {
	case rockstream.StopMaxTokens:
		return "LENGTH"
	case rockstream.StopSequenceHit:
		return "STOP_CRITERIA_MET"
	case rockstream.StopContentFiltered, rockstream.StopGuardrail:
		return "CONTENT_FILTERED"
	}
	return "FINISH"
}
