package api

import (
	"net/http"

	"smartservice/internal/apperr"
	"smartservice/internal/httpx"
)

// problemJSON is the media type of every error answer (RFC 9457).
const problemJSON = "application/problem+json"

// problem is an error answer. Type is "about:blank": the status says what kind of
// failure it is, so Title is the status's standard phrase; Detail is translated.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	// Errors names each invalid field of a 422 (and of a 409 tied to a field).
	Errors []fieldProblem `json:"errors,omitempty"`
	// RequestID lets a 500's reader quote the request the log knows.
	RequestID string `json:"request_id,omitempty"`
}

// fieldProblem is one invalid field: its JSON name (or query parameter) and why.
type fieldProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// statusOf is the shared table of apperr, in this package's words.
func statusOf(code apperr.Code) int { return code.HTTPStatus() }

// fail answers a domain error: its status, its translated message and fields. An
// internal error (or any error that is not an *apperr.Error) is logged and answered
// with a plain 500. rename maps the domain's field names to the API's where they differ.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error, rename ...map[string]string) {
	e := apperr.As(err)
	if e == nil || e.Code == apperr.Internal {
		a.internal(w, r, err)
		return
	}
	loc := a.localizer(r)
	p := problem{Detail: loc.T(e.Key, e.Args...)}
	for _, fe := range e.Fields {
		field := fe.Field
		for _, m := range rename {
			if to, ok := m[field]; ok {
				field = to
			}
		}
		p.Errors = append(p.Errors, fieldProblem{Field: field, Message: loc.T(fe.Key, fe.Args...)})
	}
	status := statusOf(e.Code)
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="smartservice"`)
	}
	a.writeProblem(w, r, status, p)
}

// invalid answers 422 with field errors collected while reading the request.
func (a *API) invalid(w http.ResponseWriter, r *http.Request, f apperr.Fields) {
	a.fail(w, r, f.Err())
}

// problem answers status with the translated message key.
func (a *API) problem(w http.ResponseWriter, r *http.Request, status int, key string, args ...any) {
	a.writeProblem(w, r, status, problem{Detail: a.localizer(r).T(key, args...)})
}

// internal logs err with the request id and answers 500 without its text.
func (a *API) internal(w http.ResponseWriter, r *http.Request, err error) {
	id := httpx.RequestID(r.Context())
	if err != nil {
		a.Logger.Error("API request failed", "request_id", id, "method", r.Method, "path", r.URL.Path, "err", err)
	}
	a.writeProblem(w, r, http.StatusInternalServerError, problem{Detail: a.localizer(r).T("api.internal"), RequestID: id})
}

func (a *API) writeProblem(w http.ResponseWriter, r *http.Request, status int, p problem) {
	p.Type, p.Title, p.Status = "about:blank", http.StatusText(status), status
	w.Header().Set("Content-Language", a.localizer(r).Lang())
	a.writeJSONType(w, status, problemJSON, p)
}
