package httpx_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"smartservice/internal/config"
	"smartservice/internal/httpx"
)

// plainFace is a face of the test's own, a ServeMux with the same contract as the
// real ones (they are mounted in the tests of internal/web and internal/api, and in
// faces_test.go): it names its routes and answers the host's refusals in its own
// words, so the test can tell whose answer it sees.
type plainFace struct {
	mux *http.ServeMux
}

func (f *plainFace) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := f.mux.Handler(r); pattern != "" {
		httpx.SetRoute(r.Context(), pattern)
	}
	f.mux.ServeHTTP(w, r)
}

func (f *plainFace) Route(r *http.Request) http.Handler {
	h, _ := f.mux.Handler(r)
	return h
}

func (f *plainFace) Refuse(w http.ResponseWriter, r *http.Request, why httpx.Refusal) {
	w.WriteHeader(why.Status())
	fmt.Fprintf(w, "face refused %d", why.Status())
}

type fixture struct {
	host *httpx.Host
	reg  *prometheus.Registry
	cfg  *config.Config
	face *plainFace
	// read is what the last reading handler got: the body's length and whether
	// reading hit the limit.
	readN     int
	readLimit bool
}

// upload is the fixture's upload limit; the default body limit is 4096.
const upload = 64 << 10

func newFixture(t *testing.T, configure func(*config.Config)) *fixture {
	t.Helper()
	cfg := config.Default()
	cfg.MaxBodyBytes = 4096
	if configure != nil {
		configure(cfg)
	}
	fx := &fixture{reg: prometheus.NewRegistry(), cfg: cfg, face: &plainFace{mux: http.NewServeMux()}}
	read := func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		fx.readN, fx.readLimit = len(b), httpx.TooLarge(err)
		fmt.Fprintf(w, "read %d", len(b))
	}
	m := fx.face.mux
	m.HandleFunc("GET /things/{id}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "id=%s addr=%s", httpx.RequestID(r.Context()), httpx.ClientAddr(r))
	})
	m.HandleFunc("POST /small", read)
	m.Handle("POST /upload", httpx.Upload(upload, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		io.WriteString(w, "photo too big")
	}), http.HandlerFunc(read)))
	m.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("secret detail") })
	m.HandleFunc("GET /late-boom", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "half an answer")
		panic("secret detail")
	})
	var err error
	if fx.host, err = httpx.New(httpx.Deps{Config: cfg, Metrics: fx.reg}); err != nil {
		t.Fatal(err)
	}
	fx.host.Mount("/", fx.face)
	other := &plainFace{mux: http.NewServeMux()}
	other.mux.HandleFunc("GET /api/v1/ping", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "pong") })
	fx.host.Mount("/api/v1/", other)
	return fx
}

func (fx *fixture) do(r *http.Request) (*http.Response, string) {
	w := httptest.NewRecorder()
	fx.host.ServeHTTP(w, r)
	res := w.Result()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// count reads one series of smartservice_http_requests_total (0 when absent).
func (fx *fixture) count(route, code string) float64 {
	mfs, err := fx.reg.Gather()
	if err != nil {
		panic(err)
	}
	total := 0.0
	for _, mf := range mfs {
		if mf.GetName() != "smartservice_http_requests_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["route"] == route && labels["code"] == code {
				total += m.GetCounter().GetValue()
			}
		}
	}
	return total
}

func TestRequestID(t *testing.T) {
	fx := newFixture(t, nil)
	r := httptest.NewRequest("GET", "/things/1", nil)
	r.Header.Set("X-Request-ID", "proxy-id-1234.a_b")
	res, body := fx.do(r)
	if got := res.Header.Get("X-Request-ID"); got != "proxy-id-1234.a_b" || !strings.Contains(body, "id=proxy-id-1234.a_b ") {
		t.Errorf("a plain id from a proxy is kept: header %q, handler saw %q", got, body)
	}
	seen := map[string]bool{}
	for _, given := range []string{"", "short", "has spaces in it", "<script>alert(1)</script>", strings.Repeat("a", 65)} {
		r := httptest.NewRequest("GET", "/things/1", nil)
		if given != "" {
			r.Header.Set("X-Request-ID", given)
		}
		res, body := fx.do(r)
		id := res.Header.Get("X-Request-ID")
		if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(id) || seen[id] || !strings.Contains(body, "id="+id+" ") {
			t.Errorf("X-Request-ID %q: answered %q (handler saw %q), want a fresh random id", given, id, body)
		}
		seen[id] = true
	}
	if got := httpx.RequestID(httptest.NewRequest("GET", "/", nil).Context()); got != "" {
		t.Errorf("outside the host: %q", got)
	}
}

func TestRoutesLabelTheMetrics(t *testing.T) {
	fx := newFixture(t, nil)
	fx.do(httptest.NewRequest("GET", "/things/1", nil))
	fx.do(httptest.NewRequest("GET", "/things/2", nil))
	fx.do(httptest.NewRequest("GET", "/random/scanner/path", nil))
	fx.do(httptest.NewRequest("GET", "/api/v1/ping", nil))
	res, _ := fx.do(httptest.NewRequest("GET", "/api/v1?x=1", nil))
	if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/api/v1/?x=1" {
		t.Errorf("a mount's prefix without its slash: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	for _, c := range []struct {
		route, code string
		want        float64
	}{
		{"GET /things/{id}", "200", 2},
		{"unmatched", "404", 1},
		{"GET /api/v1/ping", "200", 1},
		{"/api/v1/", "301", 1},
	} {
		if got := fx.count(c.route, c.code); got != c.want {
			t.Errorf("route %q code %s counted %v times, want %v", c.route, c.code, got, c.want)
		}
	}
	mfs, _ := fx.reg.Gather()
	for _, mf := range mfs {
		if strings.Contains(mf.String(), "/random/scanner") || strings.Contains(mf.String(), "/things/1") {
			t.Errorf("a raw path became a label: %s", mf.String())
		}
	}
}

func TestClientAddress(t *testing.T) {
	cases := []struct {
		name, trusted, peer, xff, want string
	}{
		{"no proxies: the peer, whatever the header says", "", "203.0.113.5:4000", "198.51.100.7", "203.0.113.5"},
		{"an untrusted peer's header is ignored", "10.0.0.0/8", "203.0.113.5:4000", "198.51.100.7", "203.0.113.5"},
		{"a trusted proxy names the client", "10.0.0.0/8", "10.0.0.2:4000", "198.51.100.7", "198.51.100.7"},
		{"the last untrusted hop, not a forged first one", "10.0.0.0/8", "10.0.0.2:4000", "6.6.6.6, 198.51.100.7, 10.0.0.3", "198.51.100.7"},
		{"a trusted proxy without a header is the client", "10.0.0.0/8", "10.0.0.2:4000", "", "10.0.0.2"},
		{"garbage stops the walk at the last trusted hop", "10.0.0.0/8", "10.0.0.2:4000", "198.51.100.7, garbage, 10.0.0.3", "10.0.0.3"},
		{"an IPv4-mapped peer is unmapped", "10.0.0.0/8", "[::ffff:10.0.0.2]:4000", "2001:db8::1", "2001:db8::1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fx := newFixture(t, func(cfg *config.Config) {
				if c.trusted != "" {
					cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix(c.trusted)}
				}
			})
			r := httptest.NewRequest("GET", "/things/1", nil)
			r.RemoteAddr = c.peer
			if c.xff != "" {
				r.Header.Set("X-Forwarded-For", c.xff)
			}
			if _, body := fx.do(r); !strings.HasSuffix(body, "addr="+c.want) {
				t.Errorf("got %q, want addr=%s", body, c.want)
			}
		})
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "192.0.2.9:1234"
	if got := httpx.ClientAddr(r); got != "192.0.2.9" {
		t.Errorf("outside the host: %q, want the peer", got)
	}
}

func TestBodyLimits(t *testing.T) {
	fx := newFixture(t, nil)
	post := func(path string, n int, declared bool) (*http.Response, string) {
		var body io.Reader = strings.NewReader(strings.Repeat("x", n))
		if !declared {
			body = io.NopCloser(body) // httptest declares the length of a strings.Reader only
		}
		r := httptest.NewRequest("POST", path, body)
		r.Header.Set("Sec-Fetch-Site", "same-origin")
		fx.readN, fx.readLimit = -1, false
		return fx.do(r)
	}

	// The default limit: a declared length over it is refused by the face before
	// the handler runs; a streamed body fails the read at the limit.
	if res, body := post("/small", 4096, true); res.StatusCode != 200 || body != "read 4096" {
		t.Errorf("at the limit: %d %q", res.StatusCode, body)
	}
	res, body := post("/small", 4097, true)
	if res.StatusCode != 413 || body != "face refused 413" || fx.readN != -1 || res.Header.Get("Connection") != "close" {
		t.Errorf("declared over the limit: %d %q (handler read %d) Connection %q", res.StatusCode, body, fx.readN, res.Header.Get("Connection"))
	}
	post("/small", 5000, false)
	if fx.readN != 4096 || !fx.readLimit {
		t.Errorf("streamed over the limit: read %d, limit error %v", fx.readN, fx.readLimit)
	}

	// The upload route: its own limit and its own refusal.
	if res, body := post("/upload", 50_000, true); res.StatusCode != 200 || body != "read 50000" {
		t.Errorf("an upload over the default limit: %d %q", res.StatusCode, body)
	}
	res, body = post("/upload", upload+1, true)
	if res.StatusCode != 413 || body != "photo too big" || fx.readN != -1 {
		t.Errorf("declared over the upload limit: %d %q (handler read %d)", res.StatusCode, body, fx.readN)
	}
	post("/upload", upload+10, false)
	if fx.readN != upload || !fx.readLimit {
		t.Errorf("streamed over the upload limit: read %d, limit error %v", fx.readN, fx.readLimit)
	}
	// The upload limit is that route's only: a neighbour keeps the default.
	if res, _ := post("/small", 50_000, true); res.StatusCode != 413 {
		t.Errorf("the upload limit leaked to another route: %d", res.StatusCode)
	}
}

func TestPanicBecomesTheFaces500(t *testing.T) {
	fx := newFixture(t, nil)
	res, body := fx.do(httptest.NewRequest("GET", "/boom", nil))
	if res.StatusCode != 500 || body != "face refused 500" || res.Header.Get("X-Request-ID") == "" {
		t.Errorf("a panic: %d %q", res.StatusCode, body)
	}
	// Once the answer has started, nothing can be added to it.
	res, body = fx.do(httptest.NewRequest("GET", "/late-boom", nil))
	if res.StatusCode != 200 || body != "half an answer" {
		t.Errorf("a panic after writing: %d %q", res.StatusCode, body)
	}
	if got := fx.count("GET /boom", "500"); got != 1 {
		t.Errorf("the panic was counted %v times under its route", got)
	}
}

func TestCrossOriginWritesRefused(t *testing.T) {
	fx := newFixture(t, nil)
	r := httptest.NewRequest("POST", "/small", strings.NewReader("x"))
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	fx.readN = -1
	if res, body := fx.do(r); res.StatusCode != 403 || body != "face refused 403" || fx.readN != -1 {
		t.Errorf("cross-site POST: %d %q, handler read %d", res.StatusCode, body, fx.readN)
	}
	r = httptest.NewRequest("POST", "/small", strings.NewReader("x"))
	r.Header.Set("Origin", fx.cfg.BaseURL.Scheme+"://"+fx.cfg.BaseURL.Host)
	r.Host = "internal-name:8080" // behind a proxy the Host differs from the public origin
	if res, body := fx.do(r); res.StatusCode != 200 {
		t.Errorf("a POST from SMARTSERVICE_BASE_URL's origin: %d %q", res.StatusCode, body)
	}
}

func TestSecurityHeaders(t *testing.T) {
	fx := newFixture(t, nil)
	res, _ := fx.do(httptest.NewRequest("GET", "/api/v1/ping", nil))
	for name, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"} {
		if got := res.Header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q", csp)
	}
}

func TestMetricsNeedTheToken(t *testing.T) {
	const token = "0123456789abcdef-token"
	get := func(fx *fixture, auth string) (*http.Response, string) {
		r := httptest.NewRequest("GET", "/metrics", nil)
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		return fx.do(r)
	}

	// Neither a token nor an address: the main listener does not serve /metrics;
	// the face answers the path as any unknown one.
	fx := newFixture(t, nil)
	if res, body := get(fx, "Bearer anything"); res.StatusCode != 404 || strings.Contains(body, "go_") {
		t.Errorf("no token configured: %d %.80q", res.StatusCode, body)
	}

	fx = newFixture(t, func(c *config.Config) { c.MetricsToken = token })
	fx.do(httptest.NewRequest("GET", "/things/1", nil))
	for _, auth := range []string{"", "Bearer ", "Bearer wrong-token-of-some-length", "Basic " + token, "Bearer " + token + "x", "Bearer " + token[:len(token)-1]} {
		res, body := get(fx, auth)
		if res.StatusCode != 401 || !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") || strings.Contains(body, "smartservice_") {
			t.Errorf("Authorization %q: %d %q %.80q", auth, res.StatusCode, res.Header.Get("WWW-Authenticate"), body)
		}
	}
	for _, auth := range []string{"Bearer " + token, "bearer " + token} {
		res, body := get(fx, auth)
		if res.StatusCode != 200 || !strings.Contains(body, `smartservice_http_requests_total{code="200",method="GET",route="GET /things/{id}"} 1`) {
			t.Errorf("Authorization %q: %d %.200q", auth, res.StatusCode, body)
		}
	}
	if got := fx.count("GET /metrics", "401"); got != 6 {
		t.Errorf("refused scrapes counted %v times under GET /metrics", got)
	}

	// A separate address: the main listener never serves it, token or not.
	fx = newFixture(t, func(c *config.Config) { c.MetricsToken, c.MetricsAddr = token, "127.0.0.1:9090" })
	if res, _ := get(fx, "Bearer "+token); res.StatusCode != 404 {
		t.Errorf("with a metrics address the main listener answered %d", res.StatusCode)
	}
	w := httptest.NewRecorder()
	fx.host.MetricsHandler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	if w.Code != 401 {
		t.Errorf("the metrics address still asks for the token when one is set: %d", w.Code)
	}
}
