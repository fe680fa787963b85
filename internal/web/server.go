// Package web serves Smart Service's HTML pages. Every route is listed in routes.go;
// each action lives in its own small file and calls the domain packages, which own
// the rules; this package only parses input, renders and redirects.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/prometheus/client_golang/prometheus"

	"smartservice/internal/assets"
	"smartservice/internal/config"
	"smartservice/internal/db"
	"smartservice/internal/i18n"
	"smartservice/internal/reports"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// Readiness reports whether a dependency can do its work; the job client implements it.
type Readiness interface {
	Running() bool
}

// Deps are what the pages need, built once in the composition root (internal/app).
type Deps struct {
	Config  *config.Config
	Logger  *slog.Logger
	Catalog *i18n.Catalog
	DB      *db.DB
	Users   *users.Store
	// Accounts is the accounts domain: logins, registration, profiles, admin.
	Accounts *users.Service
	// Assets is the catalogue and devices domain: the device page, lists, labels.
	Assets *assets.Service
	// Rules is the routing rules table.
	Rules *tickets.Rules
	// Tickets files and works tickets (the device page shows staff the history).
	Tickets *tickets.Service
	// Reports is the period report for heads and administrators.
	Reports *reports.Service
	Jobs    Readiness
	// Metrics is the registry /metrics exposes; the HTTP metrics are registered on it.
	Metrics *prometheus.Registry
	// Version is the build's version string.
	Version string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// API, when set, serves /api/v1/ (internal/api); it names its own routes with SetRoute.
	API http.Handler
}

// Server is the HTML face of Smart Service plus the operator endpoints.
type Server struct {
	Deps
	views    *views
	static   *staticFiles
	metrics  *httpMetrics
	mux      *http.ServeMux
	handler  http.Handler
	sessions *scs.SessionManager
	// withSession is the mux behind scs's load-and-save of the session.
	withSession http.Handler
}

// New parses the templates and static files (a broken template fails here, at start,
// not on a request) and builds the routed, middleware-wrapped handler.
func New(deps Deps) (*Server, error) {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Metrics == nil {
		deps.Metrics = prometheus.NewRegistry()
	}
	st, err := loadStatic()
	if err != nil {
		return nil, fmt.Errorf("web: static files: %w", err)
	}
	v, err := parseViews(st)
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	m, err := newHTTPMetrics(deps.Metrics)
	if err != nil {
		return nil, fmt.Errorf("web: metrics: %w", err)
	}
	s := &Server{Deps: deps, views: v, static: st, metrics: m, mux: http.NewServeMux()}
	s.sessions = s.newSessions()
	s.withSession = s.sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info(r.Context()).hasSession = true
		s.mux.ServeHTTP(w, r)
	}))
	s.routes()
	s.handler = s.middleware(http.HandlerFunc(s.dispatch))
	return s, nil
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// dispatch routes the request. The standard mux answers unknown paths and wrong
// methods with plain text; here they get the friendly page in the user's language.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	h, pattern := s.mux.Handler(r)
	if pattern != "" {
		if sessionless(r.URL.Path) {
			s.mux.ServeHTTP(w, r)
		} else {
			s.withSession.ServeHTTP(w, r)
		}
		if ri := info(r.Context()); ri.pattern == "" { // a mounted handler may have named a finer route
			ri.pattern = pattern
			// The mux's redirect to a cleaned path reports that path as its pattern;
			// a raw path must never become a metrics label.
			if !strings.Contains(pattern, " ") && pattern != apiPrefix {
				ri.pattern = "redirect"
			}
		}
		return
	}
	probe := &probeWriter{header: http.Header{}}
	h.ServeHTTP(probe, r)
	switch probe.status {
	case http.StatusNotFound:
		s.errorPage(w, r, http.StatusNotFound)
	case http.StatusMethodNotAllowed:
		w.Header().Set("Allow", probe.header.Get("Allow"))
		s.errorPage(w, r, http.StatusMethodNotAllowed)
	default: // the mux's own redirects (a cleaned path, a missing slash)
		for k, v := range probe.header {
			w.Header()[k] = v
		}
		w.WriteHeader(probe.status)
	}
}

// SetRoute records pattern as the route of the request being served, for its metrics
// and log line. A handler mounted under one pattern (the API under /api/v1/) names its
// own matched route with it; outside a request it does nothing.
func SetRoute(ctx context.Context, pattern string) { info(ctx).pattern = pattern }

// probeWriter captures what the mux's built-in 404/405/redirect handlers write.
type probeWriter struct {
	header http.Header
	status int
}

func (p *probeWriter) Header() http.Header { return p.header }
func (p *probeWriter) Write(b []byte) (int, error) {
	if p.status == 0 {
		p.status = http.StatusOK
	}
	return len(b), nil
}
func (p *probeWriter) WriteHeader(code int) {
	if p.status == 0 {
		p.status = code
	}
}

// ctxTimeout is the bound on the database work of readiness checks.
func ctxTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, 2*time.Second)
}

// sessionless paths never read the session: static files and the operator
// endpoints would otherwise cost a database read per request.
func sessionless(path string) bool {
	return strings.HasPrefix(path, "/static/") || strings.HasPrefix(path, apiPrefix) || path == "/healthz" || path == "/readyz" || path == "/metrics"
}

// apiPrefix is where the JSON API is mounted; it authenticates with bearer tokens,
// never with the session, and answers errors as problem+json.
const apiPrefix = "/api/v1/"
