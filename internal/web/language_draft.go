package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// sessFormDraft holds the fields of a refused form whose page the person switched
// to another language: the page that shows the form fills it in from them.
const sessFormDraft = "form_draft"

// formDraft is a refused form as it was when the language was switched.
type formDraft struct {
	// Path is the address of the page that shows the form (with its query).
	Path string `json:"path"`
	// Form is the form's id on that page.
	Form   string            `json:"form"`
	Values map[string]string `json:"values"`
	// Said are the form's messages as keys, said again in the new language.
	Said map[string]said `json:"said,omitempty"`
	// Multi holds every value of the fields sent more than once (checkboxes
	// sharing a name); Values has their first.
	Multi map[string][]string `json:"multi,omitempty"`
}

// Redo is a refused form shown again on this page: the language switch posts its
// fields (to /lang, which only keeps them) instead of dropping them, and comes
// back to Back, the page that shows the form, filled in.
type Redo struct {
	// Form is the id of the form element; Back the address of its page.
	Form, Back string
	// Said are the refusal's messages as keys (JSON), for the page to say them
	// again in the new language: the switch posts only the form's fields.
	Said string
}

// Action is where the switch posts the form's fields.
func (d *Redo) Action() string {
	q := url.Values{"form": {d.Form}, "back": {d.Back}}
	if d.Said != "" {
		q.Set("said", d.Said)
	}
	return "/lang?" + q.Encode()
}

type redoKey struct{}

// keepOnSwitch marks the page about to be rendered for r as showing the refused
// form id, which the page at back shows too: a language switch keeps what the
// person typed in it and f's messages (see Redo).
func keepOnSwitch(r *http.Request, id, back string, f *form) *http.Request {
	d := &Redo{Form: id, Back: back}
	if f != nil && len(f.said) > 0 {
		if b, err := json.Marshal(f.said); err == nil {
			d.Said = string(b)
		}
	}
	return r.WithContext(context.WithValue(r.Context(), redoKey{}, d))
}

// redoOf returns the refused form keepOnSwitch marked, or nil.
func redoOf(r *http.Request) *Redo {
	d, _ := r.Context().Value(redoKey{}).(*Redo)
	return d
}

// keptOut are the fields a draft never keeps: secrets stay in the browser only
// (a password is typed again), and a form's one-use token is made anew.
func keptOut(name string) bool {
	for _, s := range []string{"password", "token", "secret"} {
		if strings.Contains(name, s) {
			return true
		}
	}
	return name == "lang"
}

// keepFormDraft keeps the fields the language switch posted from a refused form
// (see Redo) for the page at back, and reports whether it did.
func (s *Server) keepFormDraft(r *http.Request, back string) bool {
	id := r.URL.Query().Get("form")
	if id == "" || back == "" {
		return false
	}
	d := formDraft{Path: back, Form: id, Values: map[string]string{}, Said: readSaid(r.URL.Query().Get("said"))}
	for name, vs := range r.PostForm {
		if len(vs) > 0 && !keptOut(name) {
			d.Values[name] = strings.ToValidUTF8(vs[0], "\uFFFD")
			if len(vs) > 1 {
				if d.Multi == nil {
					d.Multi = map[string][]string{}
				}
				for _, v := range vs {
					d.Multi[name] = append(d.Multi[name], strings.ToValidUTF8(v, "\uFFFD"))
				}
			}
		}
	}
	b, err := json.Marshal(d)
	if err != nil {
		return false
	}
	s.sessions.Put(r.Context(), sessFormDraft, string(b))
	return true
}

// takeFormDraft returns the form kept by the language switch for this page (its
// address, query included), and the id of the form it belongs to; nil when there
// is none. A draft is used once.
func (s *Server) takeFormDraft(r *http.Request) (string, *form) {
	raw := s.sessions.GetString(r.Context(), sessFormDraft)
	if raw == "" {
		return "", nil
	}
	var d formDraft
	if json.Unmarshal([]byte(raw), &d) != nil || d.Path != r.URL.RequestURI() {
		return "", nil
	}
	s.sessions.Remove(r.Context(), sessFormDraft)
	f := newForm()
	for k, v := range d.Values {
		f.Values[k] = v
	}
	f.multi = d.Multi
	loc := s.localizer(r)
	for field, m := range d.Said {
		f.fail(loc, field, m.Key, m.Args...)
	}
	return d.Form, f
}

// readSaid decodes a Redo's messages; anything malformed is no message. Numbers
// come back as the integers the messages were made with (plural forms need them).
func readSaid(raw string) map[string]said {
	if raw == "" || len(raw) > 4096 {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var out map[string]said
	if dec.Decode(&out) != nil {
		return nil
	}
	for field, m := range out {
		for i, a := range m.Args {
			if n, ok := a.(json.Number); ok {
				if v, err := n.Int64(); err == nil {
					m.Args[i] = v
				} else if v, err := n.Float64(); err == nil {
					m.Args[i] = v
				} else {
					m.Args[i] = string(n)
				}
			}
		}
		if m.Key == "" {
			delete(out, field)
		}
	}
	return out
}

// formDraftFor is takeFormDraft for a page with one such form: the kept form
// when it is the form id, else an empty one.
func (s *Server) formDraftFor(r *http.Request, id string) *form {
	if got, f := s.takeFormDraft(r); f != nil && got == id {
		return f
	}
	return newForm()
}

// draftFor is the kept form when it is the form id, else nil: for pages that
// fill a form from stored values when there is no draft.
func (s *Server) draftFor(r *http.Request, id string) *form {
	if got, f := s.takeFormDraft(r); f != nil && got == id {
		return f
	}
	return nil
}

// withNext is path with next as its query, as the login and registration links
// write it ("" leaves path alone).
func withNext(path, next string) string {
	if next == "" {
		return path
	}
	return path + "?" + url.Values{"next": {next}}.Encode()
}
