package gateway

import (
	"encoding/json"
	"net/http"
)

// readyz serves GET /readyz for a load balancer: 200 when this replica can
// serve everything it offers, 503 when the Redis its resume journals
// share is unreachable (live streams go on regardless).
func (g *Gateway) readyz(w http.ResponseWriter, r *http.Request) {
	type state struct {
		Status string `json:"status"`
		Resume string `json:"resume"` // where the journals live: memory or redis
		Redis  string `json:"redis,omitempty"`
		Error  string `json:"error,omitempty"`
	}
	st, code := state{Status: "ready", Resume: "memory"}, http.StatusOK
	if g.shared != nil {
		st.Resume, st.Redis = "redis", "up"
		if err := g.shared.ping(r.Context()); err != nil {
			st.Status, st.Redis, st.Error, code = "unavailable", "down", "Redis does not answer", http.StatusServiceUnavailable
		}
	}
	body, _ := json.Marshal(st)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write(append(body, '\n'))
}
