package api

import (
	"encoding/json"
	"net/http"
	"time"
)

// writeJSON answers status with v as JSON.
func (a *API) writeJSON(w http.ResponseWriter, status int, v any) {
	a.writeJSONType(w, status, "application/json", v)
}

// writeJSONType marshals v first, so a value that cannot be encoded never sends
// half an answer. API answers carry tokens and personal data: no cache keeps them.
func (a *API) writeJSONType(w http.ResponseWriter, status int, contentType string, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		a.Logger.Error("API answer does not encode", "err", err)
		w.Header().Set("Content-Type", problemJSON)
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"type":"about:blank","title":"Internal Server Error","status":500,"detail":"Internal error."}` + "\n"))
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "no-store")
	h.Set("Vary", "Authorization, Accept-Language")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// noContent answers 204.
func (a *API) noContent(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

// timestamp writes t in RFC 3339 with the office's offset.
func (a *API) timestamp(t time.Time) string { return t.In(a.loc).Format(time.RFC3339) }

// optTimestamp is timestamp for a time that may be absent (null).
func (a *API) optTimestamp(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := a.timestamp(*t)
	return &s
}
