package runtime

import (
	"net/http"

	"github.com/rockstream/rockstream/server/internal/wire"
)

// converse serves Converse.
func (h *handler) converse(w http.ResponseWriter, r *http.Request) {
	wire.WriteError(w, internalError("Converse is not available yet."))
}

// converseStream serves ConverseStream.
func (h *handler) converseStream(w http.ResponseWriter, r *http.Request) {
	wire.WriteError(w, internalError("ConverseStream is not available yet."))
}
