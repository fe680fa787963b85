package web

import (
	"net/http"

	"smartservice/internal/apperr"
	"smartservice/internal/httpx"
	"smartservice/internal/i18n"
)

// form is what a page with a form gets back after a failed post: the values to
// refill, a translated message per field and one for the whole form.
type form struct {
	Values map[string]string
	Errors map[string]string
	// Message is the form-wide error; Notice a neutral note.
	Message, Notice string
}

func newForm() *form { return &form{Values: map[string]string{}, Errors: map[string]string{}} }

// Get returns a value to refill a field with.
func (f *form) Get(name string) string { return f.Values[name] }

// Err returns the translated message of a field, "" when it is fine.
func (f *form) Err(name string) string { return f.Errors[name] }

// statusOf is the shared table of apperr, in this package's words.
func statusOf(code apperr.Code) int { return code.HTTPStatus() }

// fill puts a domain error into f, translated, and returns the status to answer
// with; ok is false when err is not one a form can show (an internal error).
func fill(f *form, loc *i18n.Localizer, err error) (status int, ok bool) {
	e := apperr.As(err)
	if e == nil || e.Code == apperr.Internal {
		return http.StatusInternalServerError, false
	}
	for _, fe := range e.Fields {
		if _, dup := f.Errors[fe.Field]; !dup {
			f.Errors[fe.Field] = loc.T(fe.Key, fe.Args...)
		}
	}
	if len(e.Fields) == 0 || e.Key != "error.invalid_input" {
		f.Message = loc.T(e.Key, e.Args...)
	}
	return statusOf(e.Code), true
}

// fail answers a failed action outside a form: the friendly page for its status.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := apperr.CodeOf(err)
	switch code {
	case apperr.Internal:
		s.serverError(w, r, err)
	case apperr.Unauthenticated:
		s.requireUser(w, r)
	default:
		st := statusOf(code)
		if _, ok := errorKeys[st]; !ok {
			st = http.StatusBadRequest
		}
		s.errorPage(w, r, st)
	}
}

// parseForm reads a posted form, answering 413 or 400 itself when it cannot.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		if httpx.TooLarge(err) {
			s.errorPage(w, r, http.StatusRequestEntityTooLarge)
		} else {
			s.errorPage(w, r, http.StatusBadRequest)
		}
		return false
	}
	return true
}
