// Package httpx is the one HTTP host of Smart Service: the outer mux that every face
// (the pages of internal/web, the JSON API of internal/api, later the bot's webhook)
// is mounted into, and the layers every request passes: request id and client
// address, access log and metrics by route pattern, panic recovery, security
// headers, the body limit (with per-route upload limits) and the cross-origin check.
// It also holds the one reader of multipart forms. The faces import httpx, never
// each other; the host knows a face only as a Face.
package httpx

import (
	"fmt"
	"log/slog"
	"net/http"
	"path"
	"sort"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"smartservice/internal/config"
)

// Refusal is an answer the host's own layers give instead of the face's handler.
// Its value is the HTTP status.
type Refusal int

// The host's refusals.
const (
	// BodyTooLarge: the declared body length is over the route's limit (413).
	BodyTooLarge Refusal = http.StatusRequestEntityTooLarge
	// CrossOrigin: an unsafe method from another origin (403).
	CrossOrigin Refusal = http.StatusForbidden
	// Panicked: the handler panicked before writing anything (500).
	Panicked Refusal = http.StatusInternalServerError
)

// Status is the HTTP status of the refusal.
func (r Refusal) Status() int { return int(r) }

// A Face is one face of the service, mounted by the host under a path prefix.
type Face interface {
	http.Handler
	// Refuse answers a refusal of the host's layers in the face's own format: the
	// pages answer a page in the user's language, the API a problem document.
	Refuse(w http.ResponseWriter, r *http.Request, why Refusal)
	// Route returns the handler the face would route r to (http.ServeMux.Handler's
	// answer), so the host can read an Upload's limit before any byte of the body
	// is read. Anything but an Upload means the default limit.
	Route(r *http.Request) http.Handler
}

// Deps are what the host needs, built once in the composition root (internal/app).
type Deps struct {
	// Config gives the body limit, the trusted proxies, the trusted origin
	// (SMARTSERVICE_BASE_URL) and the metrics options.
	Config *config.Config
	// Logger receives the access log, panics and refused cross-origin requests.
	Logger *slog.Logger
	// Metrics is the registry the HTTP metrics are registered on and /metrics serves.
	Metrics *prometheus.Registry
}

// Host is the outer handler of the main listener.
type Host struct {
	Deps
	mounts  []mount
	metrics *httpMetrics
	handler http.Handler
}

// mount is a face and the path prefix it serves ("/" or "/api/v1/").
type mount struct {
	prefix string
	face   Face
}

// New builds the host with its layers; faces are mounted with Mount before serving.
func New(deps Deps) (*Host, error) {
	if deps.Config == nil {
		deps.Config = config.Default()
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Metrics == nil {
		deps.Metrics = prometheus.NewRegistry()
	}
	m, err := newHTTPMetrics(deps.Metrics)
	if err != nil {
		return nil, fmt.Errorf("httpx: metrics: %w", err)
	}
	h := &Host{Deps: deps, metrics: m}
	h.handler = h.middleware(http.HandlerFunc(h.dispatch))
	return h, nil
}

// Mount serves f under prefix, which is "/" or a path ending in "/". The longest
// matching prefix wins, so the pages at "/" take whatever no other face takes.
// Mount is not safe while the host serves: mount every face first.
func (h *Host) Mount(prefix string, f Face) {
	if !strings.HasPrefix(prefix, "/") || !strings.HasSuffix(prefix, "/") {
		panic("httpx: a mount prefix starts and ends with /: " + prefix)
	}
	for _, m := range h.mounts {
		if m.prefix == prefix {
			panic("httpx: two faces mounted at " + prefix)
		}
	}
	h.mounts = append(h.mounts, mount{prefix: prefix, face: f})
	sort.SliceStable(h.mounts, func(i, j int) bool { return len(h.mounts[i].prefix) > len(h.mounts[j].prefix) })
}

// ServeHTTP makes Host an http.Handler.
func (h *Host) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.handler.ServeHTTP(w, r) }

// mountFor picks the face of a path by its cleaned form, as the faces' own muxes
// will see it: "/api/v1/../healthz" is the pages' (which redirect it to /healthz).
// The prefix without its slash ("/api/v1") belongs to the face too.
func (h *Host) mountFor(p string) mount {
	clean := cleanPath(p)
	for _, m := range h.mounts {
		if strings.HasPrefix(clean, m.prefix) || clean+"/" == m.prefix {
			return m
		}
	}
	return mount{}
}

// dispatch serves the host's own route (/metrics, when it is served here at all),
// else hands the request to its face.
func (h *Host) dispatch(w http.ResponseWriter, r *http.Request) {
	if h.metricsOnMain() && r.URL.Path == "/metrics" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		SetRoute(r.Context(), "GET /metrics")
		h.MetricsHandler().ServeHTTP(w, r)
		return
	}
	m := infoOf(r.Context()).face
	if m.face == nil {
		http.NotFound(w, r)
		return
	}
	if cleanPath(r.URL.Path)+"/" == m.prefix {
		// As the standard mux does for a subtree pattern: /api/v1 → /api/v1/.
		SetRoute(r.Context(), m.prefix)
		u := m.prefix
		if r.URL.RawQuery != "" {
			u += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, u, http.StatusMovedPermanently)
		return
	}
	m.face.ServeHTTP(w, r)
}

// refuse answers why through the request's face, or in plain text when no face
// takes the path.
func (h *Host) refuse(w http.ResponseWriter, r *http.Request, why Refusal) {
	if ri := infoOf(r.Context()); ri != nil && ri.face.face != nil {
		ri.face.face.Refuse(w, r, why)
		return
	}
	http.Error(w, http.StatusText(why.Status()), why.Status())
}

// cleanPath is the canonical form of p, as http.ServeMux computes it: rooted,
// without . and .. elements or doubled slashes, keeping a trailing slash.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] != '/' {
		p = "/" + p
	}
	np := path.Clean(p)
	if p[len(p)-1] == '/' && np != "/" {
		np += "/"
	}
	return np
}
