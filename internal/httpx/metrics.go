package httpx

import (
	"crypto/sha256"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// httpMetrics counts requests by route pattern (never by raw path, which would let
// scanners grow the label set without bound).
type httpMetrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) (*httpMetrics, error) {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "smartservice_http_requests_total", Help: "HTTP requests answered, by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "smartservice_http_request_duration_seconds", Help: "Time to answer HTTP requests, by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.latency} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *httpMetrics) observe(route, method string, status int, took time.Duration) {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
	default:
		method = "other"
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route, method).Observe(took.Seconds())
}

// metricsOnMain reports whether the main listener serves /metrics: only behind a
// token, and only when no separate metrics address is configured. Metrics show the
// Go version, memory and login failure counts, which are nobody else's business.
func (h *Host) metricsOnMain() bool {
	return h.Config.MetricsToken != "" && h.Config.MetricsAddr == ""
}

// MetricsHandler serves the registry in Prometheus' format. With
// SMARTSERVICE_METRICS_TOKEN set, only to a caller presenting it as a bearer token;
// anyone else gets 401 with WWW-Authenticate (not 404: the path is documented, so
// hiding it gains nothing, and a scraper with a wrong token then reports the real
// cause instead of a missing page). The app serves it on SMARTSERVICE_METRICS_ADDR,
// or the host on the main listener at /metrics.
func (h *Host) MetricsHandler() http.Handler {
	next := promhttp.HandlerFor(h.Metrics, promhttp.HandlerOpts{ErrorLog: slogAdapter{h.Logger}})
	if h.Config.MetricsToken == "" {
		return next
	}
	// Comparing digests keeps the comparison's time independent of the token's
	// length as well as its content.
	want := sha256.Sum256([]byte(h.Config.MetricsToken))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		given := ""
		if len(auth) > 7 && strings.EqualFold(auth[:7], "Bearer ") {
			given = strings.TrimSpace(auth[7:])
		}
		got := sha256.Sum256([]byte(given))
		if given == "" || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			w.Header().Set("Cache-Control", "no-store")
			http.Error(w, http.StatusText(http.StatusUnauthorized), http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Println(v ...any) { a.l.Error("metrics", "err", v) }
