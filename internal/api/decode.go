package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"smartservice/internal/apperr"
	"smartservice/internal/httpx"
)

// decode reads the request body into v, a pointer to the action's input struct. The
// body must be declared application/json, hold exactly one JSON object and name only
// fields v has: a field the action does not take (say "roles" or "email" sent to
// PATCH /me) is refused, never silently dropped. On failure decode answers itself
// (415, 400, 413 or 422) and returns false. A body that is not valid UTF-8 is a
// 400.
func (a *API) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if cs, ok := params["charset"]; err != nil || mt != "application/json" || ok && !strings.EqualFold(cs, "utf-8") {
		if r.Method == http.MethodPatch {
			w.Header().Set("Accept-Patch", "application/json")
		}
		a.problem(w, r, http.StatusUnsupportedMediaType, "api.content_type")
		return false
	}
	// encoding/json would quietly turn invalid UTF-8 into U+FFFD and store it; the
	// body is refused instead, as the forms refuse it. limitBody bounds what is read.
	body, err := io.ReadAll(r.Body)
	if err != nil {
		a.decodeFailed(w, r, err) // 413 past the limit, else 400
		return false
	}
	if !jsonText(body) {
		a.problem(w, r, http.StatusBadRequest, "jsonbody.not_utf8")
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		a.decodeFailed(w, r, err)
		return false
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if httpx.TooLarge(err) {
			a.problem(w, r, http.StatusRequestEntityTooLarge, "api.too_large")
		} else {
			a.problem(w, r, http.StatusBadRequest, "api.json_one_value")
		}
		return false
	}
	return true
}

// decodeFailed answers a body that did not decode: 413 past the size limit, 400
// when it is not one JSON object, 422 naming the field that is unknown or of the
// wrong type.
func (a *API) decodeFailed(w http.ResponseWriter, r *http.Request, err error) {
	var typeErr *json.UnmarshalTypeError
	var f apperr.Fields
	switch {
	case httpx.TooLarge(err):
		a.problem(w, r, http.StatusRequestEntityTooLarge, "api.too_large")
		return
	case errors.Is(err, io.EOF):
		a.problem(w, r, http.StatusBadRequest, "api.json_empty")
		return
	case errors.As(err, &typeErr) && typeErr.Field != "":
		f.Add(typeErr.Field, "api.json_type")
	case errors.As(err, &typeErr):
		a.problem(w, r, http.StatusBadRequest, "api.json_object")
		return
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// encoding/json names the field only in the message.
		name, uerr := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		if uerr != nil {
			name = strings.TrimPrefix(err.Error(), "json: unknown field ")
		}
		f.Add(name, "api.unknown_field")
	default: // syntax errors, a body cut short
		a.problem(w, r, http.StatusBadRequest, "api.json_malformed")
		return
	}
	a.invalid(w, r, f)
}

// pathID returns the {id} of the path, or false when it is not a positive integer
// (such a path names nothing: the caller answers 404).
func pathID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}
