// Package web serves Smart Service's HTML pages. Every route is listed in routes.go;
// each action lives in its own small file and calls the domain packages, which own
// the rules; this package only parses input, renders and redirects. It is one face
// of the host (internal/httpx), mounted at "/"; the host runs the layers every
// request passes and asks this face for its error pages.
package web

import (
	"context"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/alexedwards/scs/v2"

	"smartservice/internal/assets"
	"smartservice/internal/cache"
	"smartservice/internal/config"
	"smartservice/internal/db"
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
	// Notify keeps notification preferences and shows admins what was sent.
	Notify *notify.Service
	// Telegram is the bot: the profile's Telegram box, departments' group chats.
	Telegram *telegram.Service
	// Upkeep is the recurring upkeep plans (/upkeep, the device page's box).
	Upkeep *upkeep.Service
	Jobs   Readiness
	// Version is the build's version string.
	Version string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// SLA is the service levels (office hours, holidays, targets).
	SLA *sla.Service
}

// Server is the HTML face of Smart Service plus the operator endpoints /healthz and
// /readyz. It is an httpx.Face.
type Server struct {
	Deps
	views    *views
	static   *staticFiles
	mux      *http.ServeMux
	sessions *scs.SessionManager
	// withSession is the mux behind scs's load-and-save of the session.
	withSession http.Handler
	// deviceParts keeps the device page's executed parts (device_parts.go).
	deviceParts *cache.Map[devicePartsKey, deviceParts]
	// navs and langs keep the device page's frame (device_parts.go).
	navs  *cache.Map[navKey, template.HTML]
	langs *cache.Map[langsKey, template.HTML]
	// deviceIDs are the devices' ids by the code of their page, learnt from the
	// views this instance served (device_parts.go).
	deviceIDs *cache.Map[string, int64]
	// skeletons keep the device page per language (device_page.go).
	skeletons *skeletons
	// versions reads the cache versions of each request, the requests that
	// arrive during one read sharing the next (cache.Reader).
	versions *cache.Reader
	// fullDevicePages executes every device page in full, the frame and the
	// skeleton unused: the tests compare the two ways' bytes.
	fullDevicePages atomic.Bool
}

// New parses the templates and static files (a broken template fails here, at start,
// not on a request) and builds the routes.
func New(deps Deps) (*Server, error) {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	st, err := loadStatic()
	if err != nil {
		return nil, fmt.Errorf("web: static files: %w", err)
	}
	v, err := parseViews(st)
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	s := &Server{Deps: deps, views: v, static: st, mux: http.NewServeMux(),
		deviceParts: cache.NewMap[devicePartsKey, deviceParts](maxCachedDeviceParts),
		navs:        cache.NewMap[navKey, template.HTML](maxCachedFrames),
		langs:       cache.NewMap[langsKey, template.HTML](maxCachedFrames),
		deviceIDs:   cache.NewMap[string, int64](maxCachedDeviceParts),
		skeletons:   cache.NewMap[string, *pageSkeleton](8),
		versions:    cache.NewReader(deps.DB.R)}
	s.sessions = s.newSessions()
	s.withSession = s.sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		state(r.Context()).hasSession = true
		s.mux.ServeHTTP(w, r)
	}))
	s.routes()
	return s, nil
}

// ServeHTTP routes the request. The standard mux answers unknown paths and wrong
// methods with plain text; here they get the friendly page in the user's language.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r = r.WithContext(context.WithValue(r.Context(), stateKey{}, &pageState{}))
	h, pattern := s.mux.Handler(r)
	if pattern != "" {
		if sessionless(r.URL.Path) {
			s.mux.ServeHTTP(w, r)
		} else {
			// One read of the cache versions first: the session, the account and
			// the catalogue then come from memory unless something changed; on a
			// device page the same statement reads its open tickets' version.
			safe := r.Method == http.MethodGet || r.Method == http.MethodHead
			s.withSession.ServeHTTP(w, r.WithContext(cache.CheckShared(r.Context(), s.versions, safe, s.deviceIDOf(pattern, r))))
		}
		if httpx.Route(r.Context()) == "" { // a handler may have named a finer route
			route := pattern
			// The mux's redirect to a cleaned path reports that path as its pattern;
			// a raw path must never become a metrics label.
			if !strings.Contains(pattern, " ") {
				route = "redirect"
			}
			httpx.SetRoute(r.Context(), route)
		}
		return
	}
	probe := httpx.NewProbe()
	h.ServeHTTP(probe, r)
	switch probe.Status {
	case http.StatusNotFound, http.StatusMethodNotAllowed:
		if probe.Status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", probe.Header().Get("Allow"))
		}
		// With the session, so a logged-in person's header shows them, not "Log in".
		s.sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			state(r.Context()).hasSession = true
			s.errorPage(w, r, probe.Status)
		})).ServeHTTP(w, r)
	default: // the mux's own redirects (a cleaned path, a missing slash)
		for k, v := range probe.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(probe.Status)
	}
}

// Route returns the handler the pages route r to, for the host's body limit.
func (s *Server) Route(r *http.Request) http.Handler {
	h, _ := s.mux.Handler(r)
	return h
}

// Refuse answers the host's refusals with the friendly page in the user's language.
func (s *Server) Refuse(w http.ResponseWriter, r *http.Request, why httpx.Refusal) {
	switch why {
	case httpx.CrossOrigin:
		s.errorPageKeys(w, r, http.StatusForbidden, [2]string{"error.forbidden_origin_title", "error.forbidden_origin_body"})
	default:
		s.errorPage(w, r, why.Status())
	}
}

// pageState travels in the context of a request to the pages: who is logged in,
// read once per request.
type pageState struct {
	user       *users.User
	userLoaded bool
	// hasSession is set once scs has loaded the session into the context.
	hasSession bool
}

type stateKey struct{}

// state returns the request's pageState; an empty one where the pages did not
// route the request (a refusal of the host's layers): no session was loaded.
func state(ctx context.Context) *pageState {
	if ps, ok := ctx.Value(stateKey{}).(*pageState); ok {
		return ps
	}
	return &pageState{}
}

// ctxTimeout is the bound on the database work of readiness checks.
func ctxTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, 2*time.Second)
}

// sessionless paths never read the session: static files and the operator
// endpoints would otherwise cost a database read per request.
func sessionless(path string) bool {
	return strings.HasPrefix(path, "/static/") || path == "/healthz" || path == "/readyz"
}
