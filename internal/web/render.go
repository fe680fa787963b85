package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"

	"smartservice/internal/httpx"
	"smartservice/internal/i18n"
	"smartservice/internal/users"
)

//go:embed templates
var templatesFS embed.FS

// views are the parsed page templates: each page is the layout plus its own file.
type views struct {
	pages map[string]*template.Template
}

func parseViews(st *staticFiles) (*views, error) {
	funcs := template.FuncMap{"asset": st.url}
	// Partials (templates/partials) are boxes several pages or areas share, each in
	// its own file so that people working on different boxes do not edit one page.
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templatesFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templatesFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	// Every file in templates/pages is a page with a "content" block; a file
	// without one is a mistake (a partial belongs in templates/partials), and
	// failing here names it instead of rendering an empty page.
	var pages []string
	for _, n := range names {
		b, err := fs.ReadFile(templatesFS, n)
		if err != nil {
			return nil, err
		}
		if !strings.Contains(string(b), `{{define "content"}}`) {
			return nil, fmt.Errorf("web: %s has no \"content\" block: a partial belongs in templates/partials", n)
		}
		pages = append(pages, n)
	}
	v := &views{pages: map[string]*template.Template{}}
	for _, n := range pages {
		t, err := template.Must(layout.Clone()).ParseFS(templatesFS, n)
		if err != nil {
			return nil, err
		}
		v.pages[strings.TrimSuffix(strings.TrimPrefix(n, "templates/pages/"), ".html")] = t
	}
	return v, nil
}

// Page is what every template receives: the request's language and the page's own data.
type Page struct {
	*i18n.Localizer
	// Title is the translated title; the layout appends the product name.
	Title string
	// Path is the current path, where the language switch comes back to.
	Path string
	// Office is the office's name from the configuration.
	Office string
	// RequestID is shown on error pages so users can quote it.
	RequestID string
	// User is the logged-in user, nil for visitors.
	User *users.User
	// Data is the page's own content.
	Data any
	// Redo is the refused form the language switch carries over, nil for none.
	Redo *Redo
	// Frame, when set, is the layout's frame already executed (the device
	// page's, device_parts.go); nil: the layout executes it.
	Frame *pageFrame
	// urlPath is the request's path, whichever its method: the header marks the
	// section it belongs to (Current).
	urlPath string
}

// Current reports whether the page belongs to the header's section at prefix
// ("/tickets" for the journal and every ticket), so its link is marked.
func (p Page) Current(prefix string) bool {
	switch {
	case strings.HasPrefix(p.urlPath, prefix+"/") || p.urlPath == prefix:
		return true
	case prefix == "/assets":
		// The catalogue is a tab of the devices' section.
		return p.urlPath == "/catalogue" || strings.HasPrefix(p.urlPath, "/catalogue/")
	}
	return false
}

// Langs lists the languages the switch offers.
func (p Page) Langs() []string { return i18n.Languages }

// render executes a page into a buffer first, so a template error never sends half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name, titleKey string, data any) {
	t, ok := s.views.pages[name]
	if !ok {
		s.Logger.Error("no such page template", "page", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	user := s.currentUser(r)
	loc := s.localizer(r)
	// The language switch comes back here: the same address with its query for a
	// page that was fetched, home after a form post (its address answers POST only).
	back := "/"
	if r.Method == http.MethodGet {
		back = r.URL.RequestURI()
	}
	title := loc.T(titleKey)
	if t, ok := data.(titled); ok && t.PageTitle() != "" {
		title = t.PageTitle()
	}
	p := Page{Localizer: loc, User: user, Title: title, Path: back, Office: s.Config.OfficeName, RequestID: httpx.RequestID(r.Context()), Data: data, Redo: redoOf(r),
		urlPath: r.URL.Path}
	if f, ok := data.(framed); ok {
		p.Frame = f.pageFrame()
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		s.Logger.Error("template failed", "page", name, "request_id", p.RequestID, "err", err)
		if name != "error" {
			s.errorPage(w, r, http.StatusInternalServerError)
		} else {
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
		return
	}
	writeHTML(w, loc, status, buf.Bytes())
}

// writeHTML answers with a page in loc's language, whichever way it was made.
func writeHTML(w http.ResponseWriter, loc *i18n.Localizer, status int, page []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", loc.Lang())
	h.Add("Vary", "Cookie, Accept-Language") // Add: the compression layer varies on Accept-Encoding
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	_, _ = w.Write(page)
}

// titled is page data that names its page itself (a device page shows the device's
// name in the browser tab, not the word "Device").
type titled interface{ PageTitle() string }

// langCookie holds the language picked with the switch.
const langCookie = "lang"

// localizer picks the request's language: the switch's cookie, else Accept-Language,
// else the configured default.
func (s *Server) localizer(r *http.Request) *i18n.Localizer {
	choice := ""
	if c, err := r.Cookie(langCookie); err == nil {
		choice = c.Value
	}
	if u := s.currentUser(r); u != nil {
		choice = u.Language
	}
	return s.Catalog.For(s.Catalog.Pick(choice, r.Header.Get("Accept-Language")))
}

// errorInfo is the content of the friendly error page.
type errorInfo struct {
	Status         int
	TitleKey, Body string
}

var errorKeys = map[int][2]string{
	http.StatusBadRequest:            {"error.bad_request_title", "error.bad_request_body"},
	http.StatusForbidden:             {"error.forbidden_title", "error.forbidden_body"},
	http.StatusConflict:              {"error.conflict_title", "error.conflict_body"},
	http.StatusUnprocessableEntity:   {"error.bad_request_title", "error.bad_request_body"},
	http.StatusTooManyRequests:       {"error.throttled_title", "error.throttled_body"},
	http.StatusServiceUnavailable:    {"error.unavailable_title", "error.unavailable_body"},
	http.StatusNotFound:              {"error.not_found_title", "error.not_found_body"},
	http.StatusMethodNotAllowed:      {"error.method_title", "error.method_body"},
	http.StatusRequestEntityTooLarge: {"error.too_large_title", "error.too_large_body"},
	http.StatusInternalServerError:   {"error.internal_title", "error.internal_body"},
}

// errorPage answers with the friendly page for status, in the user's language.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int) {
	s.errorPageKeys(w, r, status, errorKeys[status])
}

// errorPageKeys answers status with a page of the given title and body keys.
func (s *Server) errorPageKeys(w http.ResponseWriter, r *http.Request, status int, keys [2]string) {
	_, ok := errorKeys[status]
	if !ok {
		panic(fmt.Sprintf("web: no error page for status %d", status))
	}
	s.render(w, r, status, "error", keys[0], errorInfo{Status: status, TitleKey: keys[0], Body: keys[1]})
}

// framed is page data that brings the layout's frame already executed.
type framed interface{ pageFrame() *pageFrame }
