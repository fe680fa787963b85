package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"smartservice/internal/users"
)

// reqInfo travels in the context of every request: the outermost middleware reads
// what the inner layers learned (the route pattern, the status) to log and count.
type reqInfo struct {
	id         string
	pattern    string
	user       *users.User
	userLoaded bool
	// hasSession is set once scs has loaded the session into the context.
	hasSession bool
}

type infoKey struct{}

func info(ctx context.Context) *reqInfo {
	if ri, ok := ctx.Value(infoKey{}).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{}
}

// RequestID returns the id of the request being served ("" outside a request).
func RequestID(ctx context.Context) string { return info(ctx).id }

// middleware wraps h in the layers every request passes, outermost first.
func (s *Server) middleware(h http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	if err := cop.AddTrustedOrigin(s.Config.BaseURL.Scheme + "://" + s.Config.BaseURL.Host); err != nil {
		panic(err) // BaseURL was validated by config
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Logger.Warn("cross-origin request refused", "request_id", RequestID(r.Context()), "method", r.Method, "path", r.URL.Path,
			"origin", r.Header.Get("Origin"), "sec_fetch_site", r.Header.Get("Sec-Fetch-Site"))
		s.errorPageKeys(w, r, http.StatusForbidden, [2]string{"error.forbidden_origin_title", "error.forbidden_origin_body"})
	}))
	h = cop.Handler(h)
	h = s.limitBody(h)
	h = securityHeaders(h)
	h = s.recoverPanics(h)
	return s.observe(h)
}

// observe gives the request an id, then logs and counts it once it is answered.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &reqInfo{id: requestID(r.Header.Get("X-Request-ID"))}
		w.Header().Set("X-Request-ID", ri.id)
		rw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(rw, r.WithContext(context.WithValue(r.Context(), infoKey{}, ri)))
		if rw.status == 0 {
			rw.status = http.StatusOK
		}
		took := time.Since(start)
		route := ri.pattern
		if route == "" {
			route = "unmatched"
		}
		s.metrics.observe(route, r.Method, rw.status, took)
		level := slogLevelFor(rw.status)
		s.Logger.Log(r.Context(), level, "http request", "request_id", ri.id, "method", r.Method, "path", r.URL.Path,
			"route", route, "status", rw.status, "bytes", rw.bytes, "took", took, "remote", r.RemoteAddr)
	})
}

// requestID keeps a caller's id when it is short and plain (a proxy's), else makes one.
func requestID(given string) string {
	if n := len(given); n >= 8 && n <= 64 {
		ok := true
		for _, c := range given {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
				ok = false
				break
			}
		}
		if ok {
			return given
		}
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// recoverPanics turns a panic into the 500 page; the stack goes to the log only.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.Logger.Error("panic serving request", "request_id", RequestID(r.Context()), "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
			if sw, ok := w.(*statusWriter); ok && sw.status != 0 {
				return // too late for an error page; the client sees a cut answer
			}
			s.errorPage(w, r, http.StatusInternalServerError)
		}()
		next.ServeHTTP(w, r)
	})
}

// csp allows only our own files: no inline script or style, no framing, forms post home.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "geolocation=(), microphone=(), camera=(self)")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// limitBody refuses bodies over the configured size: at once when the length is
// declared, else when a handler reads past the limit (see tooLarge). The filing
// form carries a photo and gets its own, larger, limit; its refusal says that the
// photo is too big, since nothing else in that form can be.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := s.Config.MaxBodyBytes
		upload := isUploadRoute(r)
		if upload && s.Config.MaxUploadBytes > limit {
			limit = s.Config.MaxUploadBytes
		}
		if r.ContentLength > limit {
			w.Header().Set("Connection", "close")
			if upload && !strings.HasPrefix(r.URL.Path, apiPrefix) {
				s.errorPageKeys(w, r, http.StatusRequestEntityTooLarge, photoTooBigKeys)
			} else {
				s.errorPage(w, r, http.StatusRequestEntityTooLarge)
			}
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// isUploadRoute reports whether r files a ticket with a possible photo: the filing
// form (POST /a/{code}/report) or the API's POST /api/v1/tickets. No other route's
// body may be that large.
func isUploadRoute(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	if r.URL.Path == apiPrefix+"tickets" {
		return true
	}
	code, ok := strings.CutPrefix(r.URL.Path, "/a/")
	if !ok {
		return false
	}
	code, ok = strings.CutSuffix(code, "/report")
	return ok && code != "" && !strings.Contains(code, "/")
}

// tooLarge reports whether err comes from reading past the body limit.
func tooLarge(err error) bool {
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
