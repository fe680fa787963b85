package directory

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Defaults of Options. With them a Lookup takes at most about 10 s
// (3 attempts × 3 s + backoffs of at most 0.2 s and 0.4 s), which keeps a
// registration request within "a few seconds" of the worst case.
const (
	DefaultTimeout  = 3 * time.Second
	DefaultAttempts = 3
	DefaultBackoff  = 200 * time.Millisecond
)

// MaxBodyBytes bounds how much of an answer is read: one employee is well under a
// kilobyte, so anything bigger is a broken or hostile server, not an answer.
const MaxBodyBytes = 64 << 10

// maxBackoff caps one wait between attempts, so a large Attempts cannot make the
// exponential backoff grow without bound.
const maxBackoff = 5 * time.Second

// Options configures an HTTPClient. Zero values take the defaults.
type Options struct {
	// BaseURL is the directory's root, e.g. "https://hr.example.com/api"; requests go
	// to BaseURL + "/employees". Required, http or https.
	BaseURL string
	// Token, when set, is sent as "Authorization: Bearer <token>". It is never logged.
	Token string
	// Timeout bounds each attempt, body included (DefaultTimeout).
	Timeout time.Duration
	// Attempts is how many times an unavailable directory is asked before giving up,
	// the first call included (DefaultAttempts).
	Attempts int
	// Backoff is the wait before the second attempt; it doubles for each further one,
	// with jitter (DefaultBackoff).
	Backoff time.Duration
	// HTTPClient, when set, replaces the default client (which follows no redirects);
	// its own Timeout, if any, applies on top of Timeout.
	HTTPClient *http.Client
	// Metrics, when set, receives the client's counters and histogram.
	Metrics prometheus.Registerer
	// Logger receives retries, failures and dropped roles or departments (discarded
	// when nil).
	Logger *slog.Logger
}

// HTTPClient is the Directory of the HTTP contract (design/DIRECTORY-API.md). It is
// safe for concurrent use.
//
// It retries only when the directory is unavailable in a way that may pass (5xx, 408,
// 429, timeouts, connection errors), never after a 200 or 404 or another 4xx, and
// stops waiting as soon as ctx is done. Its worst-case duration is therefore bounded
// by Attempts × Timeout plus the backoffs: about 10 s with the defaults. Callers must
// not hold a database transaction across a Lookup.
type HTTPClient struct {
	endpoint *url.URL
	token    string
	timeout  time.Duration
	attempts int
	backoff  time.Duration
	http     *http.Client
	log      *slog.Logger
	requests *prometheus.CounterVec
	duration prometheus.Histogram
}

var _ Directory = (*HTTPClient)(nil)

// Results of a Lookup, the values of the "result" label.
const (
	resultFound       = "found"
	resultInactive    = "inactive"
	resultNotFound    = "not_found"
	resultUnavailable = "unavailable"
	resultInvalid     = "invalid"
)

// NewHTTP returns a client for the directory at opts.BaseURL. It fails when the URL
// is not an absolute http(s) URL, an option is negative, or the metrics cannot be
// registered.
func NewHTTP(opts Options) (*HTTPClient, error) {
	base, err := url.Parse(opts.BaseURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("directory: base URL must be an absolute http or https URL, got %q", redactURL(opts.BaseURL))
	}
	if base.RawQuery != "" || base.Fragment != "" {
		return nil, fmt.Errorf("directory: base URL %q must not have a query or fragment", base.Redacted())
	}
	if opts.Timeout < 0 || opts.Attempts < 0 || opts.Backoff < 0 {
		return nil, errors.New("directory: timeout, attempts and backoff must not be negative")
	}
	c := &HTTPClient{
		endpoint: base.JoinPath("employees"),
		token:    opts.Token,
		timeout:  cmp.Or(opts.Timeout, DefaultTimeout),
		attempts: cmp.Or(opts.Attempts, DefaultAttempts),
		backoff:  cmp.Or(opts.Backoff, DefaultBackoff),
		http:     opts.HTTPClient,
		log:      opts.Logger,
	}
	if c.http == nil {
		c.http = &http.Client{
			// A redirect is "another status" in the contract; following it could also
			// carry the token to a host nobody configured.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.log = c.log.With("directory", c.endpoint.Redacted())
	c.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "smartservice_directory_requests_total",
		Help: "Employee directory lookups, by result: found, inactive, not_found, unavailable, invalid (malformed e-mail, not sent).",
	}, []string{"result"})
	c.duration = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "smartservice_directory_request_duration_seconds",
		Help:    "Time an employee directory lookup took, retries included.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 15},
	})
	if opts.Metrics != nil {
		if c.requests, err = register(opts.Metrics, c.requests); err != nil {
			return nil, fmt.Errorf("directory: register metrics: %w", err)
		}
		if c.duration, err = register(opts.Metrics, c.duration); err != nil {
			return nil, fmt.Errorf("directory: register metrics: %w", err)
		}
	}
	// Create every series up front so dashboards see zeros rather than gaps.
	for _, r := range []string{resultFound, resultInactive, resultNotFound, resultUnavailable, resultInvalid} {
		c.requests.WithLabelValues(r)
	}
	return c, nil
}

// register registers col on reg, or returns the collector already registered under
// the same description, so that two clients on one registry (a restart of the wiring
// in tests) share their metrics instead of failing.
func register[T prometheus.Collector](reg prometheus.Registerer, col T) (T, error) {
	err := reg.Register(col)
	if are, ok := errors.AsType[prometheus.AlreadyRegisteredError](err); ok {
		if existing, ok := are.ExistingCollector.(T); ok {
			return existing, nil
		}
	}
	return col, err
}

// String names the client without its token, so that printing it is safe.
func (c *HTTPClient) String() string {
	return "directory.HTTPClient(" + c.endpoint.Redacted() + ")"
}

// Lookup asks the directory about email. See Directory for the meaning of the
// results and HTTPClient for retries and the time bound.
func (c *HTTPClient) Lookup(ctx context.Context, email string) (*Employee, error) {
	start := time.Now()
	addr, err := NormalizeEmail(email)
	if err != nil {
		c.requests.WithLabelValues(resultInvalid).Inc()
		return nil, err
	}
	e, err := c.lookup(ctx, addr)
	c.duration.Observe(time.Since(start).Seconds())
	switch {
	case err == nil && e.Active:
		c.requests.WithLabelValues(resultFound).Inc()
	case err == nil:
		c.requests.WithLabelValues(resultInactive).Inc()
	case errors.Is(err, ErrNotFound):
		c.requests.WithLabelValues(resultNotFound).Inc()
	default:
		c.requests.WithLabelValues(resultUnavailable).Inc()
		c.log.WarnContext(ctx, "directory unavailable", "email", addr, "err", err)
	}
	return e, err
}

// lookup runs the attempts with backoff between them.
func (c *HTTPClient) lookup(ctx context.Context, addr string) (*Employee, error) {
	u := *c.endpoint
	u.RawQuery = url.Values{"email": {addr}}.Encode()
	target := u.String()
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		e, retry, err := c.attempt(ctx, target, addr)
		if err == nil || !retry || attempt >= c.attempts || ctx.Err() != nil {
			if err != nil && attempt > 1 {
				err = fmt.Errorf("after %d attempts: %w", attempt, err)
			}
			return e, err
		}
		wait := c.wait(attempt)
		c.log.InfoContext(ctx, "directory attempt failed, retrying", "attempt", attempt, "wait", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("%w: %w (gave up after %d attempts; last: %v)", ErrUnavailable, ctx.Err(), attempt, err)
		case <-t.C:
		}
	}
}

// wait is the backoff after the given failed attempt: base × 2^(attempt-1), capped,
// of which a random half is taken away so that many callers do not retry in step.
func (c *HTTPClient) wait(attempt int) time.Duration {
	d := c.backoff << (attempt - 1)
	if d <= 0 || d > maxBackoff {
		d = maxBackoff
	}
	return d/2 + rand.N(d/2+1)
}

// attempt makes one request. retry reports whether the failure may pass on its own.
func (c *HTTPClient) attempt(ctx context.Context, target, addr string) (e *Employee, retry bool, err error) {
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, target, nil)
	if err != nil {
		return nil, false, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	req.Header.Set("Accept", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, true, c.transportError(ctx, actx, err)
	}
	defer resp.Body.Close()

	switch code := resp.StatusCode; {
	case code == http.StatusOK:
		// Fall through to the body below.
	case code == http.StatusNotFound:
		drain(resp.Body)
		return nil, false, ErrNotFound
	default:
		drain(resp.Body)
		transient := code >= 500 || code == http.StatusRequestTimeout || code == http.StatusTooManyRequests
		return nil, transient, fmt.Errorf("%w: answered %s", ErrUnavailable, resp.Status)
	}

	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBodyBytes+1))
	if err != nil {
		return nil, true, c.transportError(ctx, actx, err)
	}
	if len(body) > MaxBodyBytes {
		return nil, false, fmt.Errorf("%w: answer larger than %d bytes", ErrUnavailable, MaxBodyBytes)
	}
	var w wireEmployee
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, false, fmt.Errorf("%w: answer does not parse: %w", ErrUnavailable, err)
	}
	emp, d, err := w.normalize()
	if err != nil {
		return nil, false, fmt.Errorf("%w: malformed answer: %w", ErrUnavailable, err)
	}
	if emp.Email != addr {
		// A server that ignores the query and answers with somebody else must not
		// grant that person's roles to whoever asked.
		return nil, false, fmt.Errorf("%w: asked about %q, answered about %q", ErrUnavailable, addr, emp.Email)
	}
	if len(d.roles) > 0 || len(d.departments) > 0 {
		c.log.WarnContext(ctx, "directory answer: ignored unknown roles or malformed department codes",
			"email", addr, "roles", d.roles, "departments", d.departments)
	}
	return &emp, false, nil
}

// transportError describes a failed request or body read, naming a per-attempt
// timeout plainly; the cause stays wrapped so errors.Is finds context errors.
func (c *HTTPClient) transportError(ctx, actx context.Context, err error) error {
	if ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w: no answer within %s: %w", ErrUnavailable, c.timeout, err)
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

// drain reads a little of an unwanted body so the connection can be reused.
func drain(r io.Reader) {
	_, _ = io.Copy(io.Discard, io.LimitReader(r, 4<<10))
}

// redactURL hides a password in a URL that may not even parse, for error messages.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return "(unparsable URL)"
}
