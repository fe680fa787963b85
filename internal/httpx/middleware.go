package httpx

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"
)

// middleware wraps h in the layers every request passes, outermost first: observe,
// recoverPanics, compress, securityHeaders, limitBody, the cross-origin check.
func (h *Host) middleware(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	if err := cop.AddTrustedOrigin(h.Config.BaseURL.Scheme + "://" + h.Config.BaseURL.Host); err != nil {
		panic(err) // BaseURL was validated by config
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.Logger.Warn("cross-origin request refused", "request_id", RequestID(r.Context()), "method", r.Method, "path", r.URL.Path,
			"origin", r.Header.Get("Origin"), "sec_fetch_site", r.Header.Get("Sec-Fetch-Site"))
		h.refuse(w, r, CrossOrigin)
	}))
	next = cop.Handler(next)
	next = h.limitBody(next)
	next = securityHeaders(next)
	// Inside recoverPanics, which must see observe's writer to know whether the
	// answer has started.
	next = compress(next)
	next = h.recoverPanics(next)
	return h.observe(next)
}

// observe gives the request its Info (id, client address, face), then logs and
// counts it once it is answered, by the route the face named.
func (h *Host) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &Info{
			ID:         requestID(r.Header.Get("X-Request-ID")),
			ClientAddr: clientAddr(r, h.Config.TrustedProxies),
			face:       h.mountFor(r.URL.Path),
		}
		w.Header().Set("X-Request-ID", ri.ID)
		rw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(rw, r.WithContext(context.WithValue(r.Context(), infoKey{}, ri)))
		if rw.status == 0 {
			rw.status = http.StatusOK
		}
		took := time.Since(start)
		route := ri.Route
		if route == "" {
			route = "unmatched"
		}
		h.metrics.observe(route, r.Method, rw.status, took)
		level := slog.LevelInfo
		if rw.status >= 500 {
			level = slog.LevelError
		}
		// Asked first: the line's arguments are boxed before Log could say no,
		// a handful of allocations on every request with the log level at warn.
		if !h.Logger.Enabled(r.Context(), level) {
			return
		}
		h.Logger.Log(r.Context(), level, "http request", "request_id", ri.ID, "method", r.Method, "path", r.URL.Path,
			"route", route, "status", rw.status, "bytes", rw.bytes, "took", took, "remote", r.RemoteAddr)
	})
}

// recoverPanics turns a panic into the face's 500; the stack goes to the log only.
func (h *Host) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			h.Logger.Error("panic serving request", "request_id", RequestID(r.Context()), "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
			if sw, ok := w.(*statusWriter); ok && sw.status != 0 {
				return // too late for an error answer; the client sees a cut one
			}
			h.refuse(w, r, Panicked)
		}()
		next.ServeHTTP(w, r)
	})
}

// csp allows only our own files: no inline script or style, no framing, forms post home.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", csp)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		hd.Set("Permissions-Policy", "geolocation=(), microphone=(), camera=(self)")
		if r.TLS != nil {
			hd.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// limitBody refuses bodies over the route's limit: at once when the length is
// declared, else when a handler reads past it (see TooLarge). The limit is
// SMARTSERVICE_MAX_BODY_BYTES unless the face routes the request to an Upload.
func (h *Host) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := h.Config.MaxBodyBytes
		var refuse http.Handler
		if f := infoOf(r.Context()).face.face; f != nil {
			if u, ok := f.Route(r).(*upload); ok {
				limit, refuse = max(limit, u.limit), u.tooLarge
			}
		}
		if r.ContentLength > limit {
			w.Header().Set("Connection", "close")
			if refuse != nil {
				refuse.ServeHTTP(w, r)
			} else {
				h.refuse(w, r, BodyTooLarge)
			}
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// Upload marks a route that may take a body of up to limit bytes (a photo) instead
// of the default; the faces wrap such routes in their routes.go. When the declared
// length is over the limit, tooLarge answers (nil: the face's BodyTooLarge refusal).
// The host reads the mark before the body; the wrapper itself only calls h.
func Upload(limit int64, tooLarge, h http.Handler) http.Handler {
	return &upload{limit: limit, tooLarge: tooLarge, h: h}
}

type upload struct {
	limit    int64
	tooLarge http.Handler
	h        http.Handler
}

func (u *upload) ServeHTTP(w http.ResponseWriter, r *http.Request) { u.h.ServeHTTP(w, r) }

// TooLarge reports whether err comes from reading past the body limit.
func TooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// statusWriter remembers the status and size of the answer.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Probe is a ResponseWriter that only records what is written: the faces pass it
// to their mux to learn whether its built-in handler would answer 404, 405 or a
// redirect, and then answer in their own format.
type Probe struct {
	header http.Header
	// Status is the status written, 0 before anything is.
	Status int
}

// NewProbe returns an empty Probe.
func NewProbe() *Probe { return &Probe{header: http.Header{}} }

// Header returns the headers written.
func (p *Probe) Header() http.Header { return p.header }

// Write discards b, noting a 200 if no status came first.
func (p *Probe) Write(b []byte) (int, error) {
	if p.Status == 0 {
		p.Status = http.StatusOK
	}
	return len(b), nil
}

// WriteHeader records the first status.
func (p *Probe) WriteHeader(code int) {
	if p.Status == 0 {
		p.Status = code
	}
}
