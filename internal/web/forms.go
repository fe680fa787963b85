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
	// said keeps the key and arguments of each message (field "" for Message), so
	// that the language switch can say them again in the other language (Redo).
	said map[string]said
	// multi holds every value of a field kept with several (see All).
	multi map[string][]string
}

// All returns every value of a field that may be sent more than once
// (checkboxes sharing a name).
func (f *form) All(name string) []string {
	if vs, ok := f.multi[name]; ok {
		return vs
	}
	if v := f.Values[name]; v != "" {
		return []string{v}
	}
	return nil
}

// said is a translated message as its key and arguments.
type said struct {
	Key  string `json:"k"`
	Args []any  `json:"a,omitempty"`
}

// fail sets field's message (the form-wide Message when field is "") to key,
// translated, and remembers the key for the language switch.
func (f *form) fail(loc *i18n.Localizer, field, key string, args ...any) {
	msg := loc.T(key, args...)
	if field == "" {
		f.Message = msg
	} else {
		f.Errors[field] = msg
	}
	if f.said == nil {
		f.said = map[string]said{}
	}
	f.said[field] = said{Key: key, Args: args}
}

// moveErr gives the message of field from to field to ("" is the form-wide one);
// keep leaves it on from too.
func (f *form) moveErr(from, to string, keep bool) {
	msg := f.Message
	if from != "" {
		msg = f.Errors[from]
	}
	if msg == "" {
		return
	}
	if to == "" {
		f.Message = msg
	} else {
		f.Errors[to] = msg
	}
	if m, ok := f.said[from]; ok {
		f.said[to] = m
	}
	if !keep && from != "" {
		delete(f.Errors, from)
		delete(f.said, from)
	}
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
			f.fail(loc, fe.Field, fe.Key, fe.Args...)
		}
	}
	if len(e.Fields) == 0 || e.Key != "error.invalid_input" {
		f.fail(loc, "", e.Key, e.Args...)
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
