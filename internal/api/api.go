// Package api serves Smart Service's JSON API under /api/v1 (design/API.md). Every
// route is listed in routes.go; each action lives in its own file: it decodes the
// JSON, calls the domain (which checks access and owns every rule) and answers JSON,
// or an application/problem+json error (RFC 9457) with translated messages. The
// OpenAPI document the server publishes (openapi.json) describes every route, and
// the tests check real answers against it.
package api

import (
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"smartservice/internal/assets"
	"smartservice/internal/audit"
	"smartservice/internal/config"
	"smartservice/internal/httpx"
	"smartservice/internal/i18n"
	"smartservice/internal/notify"
	"smartservice/internal/reports"
	"smartservice/internal/sla"
	"smartservice/internal/telegram"
	"smartservice/internal/tickets"
	"smartservice/internal/upkeep"
	"smartservice/internal/users"
)

// Deps are what the API needs, built once in the composition root (internal/app).
type Deps struct {
	// Config gives the office's time zone (times are answered in it) and the trusted
	// proxies (login throttling counts the real client address).
	Config *config.Config
	// Logger receives internal errors and panics, with the request id; never the users'.
	Logger *slog.Logger
	// Catalog translates problem details and field messages.
	Catalog *i18n.Catalog
	// Accounts is the accounts domain: logins, tokens, profiles, departments, admin.
	Accounts *users.Service
	// Users reads the users module's tables where no access rule applies (the
	// department list, which every logged-in person may read).
	Users *users.Store
	// Assets is the catalogue and devices domain (service classes, types, problem
	// types, devices and their QR codes).
	Assets *assets.Service
	// Rules is the routing rules table and the "where would this go?" answer.
	Rules *tickets.Rules
	// Tickets files tickets and moves them through their life; it scopes what each
	// caller sees and may do.
	Tickets *tickets.Service
	// Reports is the period report for heads and administrators.
	Reports *reports.Service
	// Upkeep is the recurring upkeep plans.
	Upkeep *upkeep.Service
	// Notify keeps each person's notification preferences.
	Notify *notify.Service
	// Telegram makes deep links to the bot and tells whether one is linked.
	Telegram *telegram.Service
	// Audit is the audit trail, read by administrators.
	Audit *audit.Log
	// SLA is the service levels (office hours, holidays, targets).
	SLA *sla.Service
	// Now is the clock a ticket's service-level state is read at; nil is time.Now.
	Now func() time.Time
}

// API is the /api/v1 face of Smart Service: an httpx.Face with its own routes.
// Mounted in the host under Prefix, it names its matched route for metrics and logs.
type API struct {
	Deps
	mux *http.ServeMux
	// patterns lists the routes in the order routes.go registers them.
	patterns []string
	// shared lists the mux patterns that serve several routes of patterns (see
	// handleShared): the mux cannot hold those routes side by side.
	shared []string
	loc    *time.Location
}

// New builds the API's routes; deps.Accounts, deps.Users and deps.Catalog are required.
func New(deps Deps) *API {
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Config == nil {
		deps.Config = config.Default()
	}
	a := &API{Deps: deps, mux: http.NewServeMux(), loc: deps.Config.Location}
	if a.loc == nil {
		a.loc = time.UTC
	}
	a.routes()
	return a
}

// handle registers one route of routes.go.
func (a *API) handle(pattern string, h http.Handler) {
	a.mux.Handle(pattern, h)
	a.patterns = append(a.patterns, pattern)
}

// handleShared registers routes that the standard mux would refuse side by side,
// such as GET /api/v1/assets/{id}/qr.svg next to GET /api/v1/assets/by-code/{code}
// (each matches a path the other matches too): one mux pattern whose wildcard name
// picks the route by its literal value, the key of handlers; any other value is a
// 404. The routes (the pattern with the wildcard replaced by each key) are listed in
// patterns, for the routes↔openapi test and the metrics.
func (a *API) handleShared(muxPattern, name string, handlers map[string]http.HandlerFunc) {
	route := func(seg string) string { return strings.Replace(muxPattern, "{"+name+"}", seg, 1) }
	a.mux.HandleFunc(muxPattern, func(w http.ResponseWriter, r *http.Request) {
		seg := r.PathValue(name)
		h, ok := handlers[seg]
		if !ok {
			a.problem(w, r, http.StatusNotFound, "error.not_found")
			return
		}
		httpx.SetRoute(r.Context(), route(seg))
		h(w, r)
	})
	a.shared = append(a.shared, muxPattern)
	for _, seg := range slices.Sorted(maps.Keys(handlers)) {
		a.patterns = append(a.patterns, route(seg))
	}
}

// Prefix is where the host mounts the API: every route of routes.go is under it.
const Prefix = "/api/v1/"

// ServeHTTP routes the request. Unknown paths and wrong methods get a problem
// document rather than the standard mux's plain text.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, pattern := a.mux.Handler(r)
	if slices.Contains(a.patterns, pattern) || slices.Contains(a.shared, pattern) {
		httpx.SetRoute(r.Context(), pattern)
		// The cache versions first: the account and the catalogue then come from
		// memory unless something changed (internal/cache).
		a.mux.ServeHTTP(w, r.WithContext(a.Accounts.Fresh(r.Context(), r.Method == http.MethodGet || r.Method == http.MethodHead)))
		return
	}
	// No route of ours: a 404, a 405, or the mux's redirect to a cleaned path,
	// counted under the mount's prefix (never the raw path).
	httpx.SetRoute(r.Context(), Prefix)
	probe := httpx.NewProbe()
	a.mux.ServeHTTP(probe, r)
	switch probe.Status {
	case http.StatusNotFound:
		a.problem(w, r, http.StatusNotFound, "error.not_found")
	case http.StatusMethodNotAllowed:
		w.Header().Set("Allow", probe.Header().Get("Allow"))
		a.problem(w, r, http.StatusMethodNotAllowed, "api.method_not_allowed")
	default:
		if loc := probe.Header().Get("Location"); loc != "" {
			w.Header().Set("Location", loc)
		}
		w.WriteHeader(probe.Status)
	}
}

// Route returns the handler the API routes r to, for the host's body limit.
func (a *API) Route(r *http.Request) http.Handler {
	h, _ := a.mux.Handler(r)
	return h
}

// Refuse answers the host's refusals as problem documents: an API client cannot
// read a page. A panic's 500 carries the request id, as every internal error does.
func (a *API) Refuse(w http.ResponseWriter, r *http.Request, why httpx.Refusal) {
	switch why {
	case httpx.Panicked:
		a.internal(w, r, nil)
	case httpx.CrossOrigin:
		a.problem(w, r, http.StatusForbidden, "error.forbidden_origin_body")
	default:
		a.problem(w, r, why.Status(), "error.too_large_body")
	}
}
