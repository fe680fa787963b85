package directory_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"smartservice/internal/directory"
	"smartservice/internal/testkit"
)

// generous bounds a call that must give up: it is a "does return" check with room for
// a loaded CI machine, not a speed goal.
const generous = 5 * time.Second

// env is a client pointed at a fake directory, with its registry and log.
type env struct {
	fake   *testkit.FakeDirectory
	client *directory.HTTPClient
	reg    *prometheus.Registry
	log    *syncBuffer
}

// newEnv starts a fake directory and a client for it with quick retries; edit may
// change the options first.
func newEnv(t *testing.T, edit func(*directory.Options)) *env {
	t.Helper()
	e := &env{fake: testkit.NewFakeDirectory(t), reg: prometheus.NewRegistry(), log: &syncBuffer{}}
	opts := directory.Options{
		BaseURL:  e.fake.URL(),
		Timeout:  2 * time.Second,
		Attempts: 3,
		Backoff:  time.Millisecond,
		Metrics:  e.reg,
		Logger:   slog.New(slog.NewTextHandler(e.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if edit != nil {
		edit(&opts)
	}
	c, err := directory.NewHTTP(opts)
	if err != nil {
		t.Fatalf("NewHTTP: %v", err)
	}
	e.client = c
	return e
}

// syncBuffer is a log sink safe for the client's concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// counts returns smartservice_directory_requests_total by result, and how many
// durations the histogram observed.
func counts(t *testing.T, reg *prometheus.Registry) (map[string]float64, uint64) {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	byResult := map[string]float64{}
	var observed uint64
	for _, f := range families {
		switch f.GetName() {
		case "smartservice_directory_requests_total":
			for _, m := range f.GetMetric() {
				for _, l := range m.GetLabel() {
					if l.GetName() == "result" {
						byResult[l.GetValue()] = m.GetCounter().GetValue()
					}
				}
			}
		case "smartservice_directory_request_duration_seconds":
			observed = f.GetMetric()[0].GetHistogram().GetSampleCount()
		}
	}
	return byResult, observed
}

func wantCounts(t *testing.T, reg *prometheus.Registry, want map[string]float64) {
	t.Helper()
	got, _ := counts(t, reg)
	for _, r := range []string{"found", "inactive", "not_found", "unavailable", "invalid"} {
		if got[r] != want[r] {
			t.Errorf("requests_total{result=%q} = %v, want %v (all: %v)", r, got[r], want[r], got)
		}
	}
}

func TestLookupActive(t *testing.T) {
	e := newEnv(t, nil)
	e.fake.Add(directory.Employee{
		EmployeeID: "E-1042", Email: "anna.petrova@example.com", FullName: "Anna Petrova", Active: true,
		Position: "Accountant", Roles: []string{"employee", "executor"}, Departments: []string{"it-support"},
	})
	got, err := e.client.Lookup(context.Background(), "anna.petrova@example.com")
	if err != nil {
		t.Fatal(err)
	}
	want := &directory.Employee{
		EmployeeID: "E-1042", Email: "anna.petrova@example.com", FullName: "Anna Petrova", Active: true,
		Position: "Accountant", Roles: []string{"employee", "executor"}, Departments: []string{"it-support"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	reqs := e.fake.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Method != "GET" || r.Path != "/employees" || r.RawQuery != "email=anna.petrova%40example.com" || r.Accept != "application/json" {
		t.Errorf("request: %+v", r)
	}
	if r.Authorization != "" {
		t.Errorf("Authorization %q sent with no token configured", r.Authorization)
	}
	wantCounts(t, e.reg, map[string]float64{"found": 1})
}

func TestLookupInactive(t *testing.T) {
	e := newEnv(t, nil)
	e.fake.AddInactive("gone@example.com", "Gone Away")
	got, err := e.client.Lookup(context.Background(), "gone@example.com")
	if err != nil {
		t.Fatalf("inactive employee must be an answer, not an error: %v", err)
	}
	if got.Active || got.FullName != "Gone Away" || !reflect.DeepEqual(got.Roles, []string{"employee"}) {
		t.Errorf("got %+v", got)
	}
	wantCounts(t, e.reg, map[string]float64{"inactive": 1})
}

func TestLookupUnknownIsNotRetried(t *testing.T) {
	e := newEnv(t, nil)
	_, err := e.client.Lookup(context.Background(), "stranger@example.com")
	if !errors.Is(err, directory.ErrNotFound) || errors.Is(err, directory.ErrUnavailable) {
		t.Fatalf("got %v, want ErrNotFound only", err)
	}
	if n := len(e.fake.Requests()); n != 1 {
		t.Errorf("%d requests, want 1: a 404 is an answer", n)
	}
	wantCounts(t, e.reg, map[string]float64{"not_found": 1})
}

func TestLookupServerErrorRetried(t *testing.T) {
	for _, attempts := range []int{1, 3, 5} {
		t.Run(fmt.Sprint(attempts), func(t *testing.T) {
			e := newEnv(t, func(o *directory.Options) { o.Attempts = attempts })
			e.fake.AddActive("anna@example.com", "Anna")
			e.fake.FailWith(http.StatusInternalServerError)
			_, err := e.client.Lookup(context.Background(), "anna@example.com")
			if !errors.Is(err, directory.ErrUnavailable) || errors.Is(err, directory.ErrNotFound) {
				t.Fatalf("got %v, want ErrUnavailable", err)
			}
			if !strings.Contains(err.Error(), "500") {
				t.Errorf("error %q does not name the status", err)
			}
			if n := len(e.fake.Requests()); n != attempts {
				t.Errorf("%d requests, want %d", n, attempts)
			}
			wantCounts(t, e.reg, map[string]float64{"unavailable": 1})
		})
	}
}

func TestLookupRecoversWhileRetrying(t *testing.T) {
	e := newEnv(t, nil)
	e.fake.AddActive("anna@example.com", "Anna")
	e.fake.FailNext(2, http.StatusServiceUnavailable)
	got, err := e.client.Lookup(context.Background(), "anna@example.com")
	if err != nil || !got.Active {
		t.Fatalf("got %+v, %v; want the employee on the third attempt", got, err)
	}
	if n := len(e.fake.Requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
	if !strings.Contains(e.log.String(), "retrying") {
		t.Errorf("retries not logged:\n%s", e.log)
	}
	wantCounts(t, e.reg, map[string]float64{"found": 1})
}

func TestLookupOtherStatuses(t *testing.T) {
	tests := []struct {
		status   int
		requests int
	}{
		{http.StatusBadRequest, 1},
		{http.StatusUnauthorized, 1},
		{http.StatusForbidden, 1},
		{http.StatusFound, 1}, // not followed: "another status"
		{http.StatusTeapot, 1},
		{http.StatusTooManyRequests, 3},
		{http.StatusBadGateway, 3},
		{http.StatusGatewayTimeout, 3},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			e := newEnv(t, nil)
			e.fake.AddActive("anna@example.com", "Anna")
			e.fake.FailWith(tt.status)
			_, err := e.client.Lookup(context.Background(), "anna@example.com")
			if !errors.Is(err, directory.ErrUnavailable) {
				t.Fatalf("got %v, want ErrUnavailable", err)
			}
			if n := len(e.fake.Requests()); n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
			}
		})
	}
}

func TestLookupMalformedAnswers(t *testing.T) {
	t.Run("malformed JSON", func(t *testing.T) {
		e := newEnv(t, nil)
		e.fake.AnswerMalformedJSON()
		_, err := e.client.Lookup(context.Background(), "anna@example.com")
		if !errors.Is(err, directory.ErrUnavailable) || !strings.Contains(err.Error(), "does not parse") {
			t.Fatalf("got %v, want ErrUnavailable (does not parse)", err)
		}
		if n := len(e.fake.Requests()); n != 1 {
			t.Errorf("%d requests, want 1: a 200 is not retried", n)
		}
		wantCounts(t, e.reg, map[string]float64{"unavailable": 1})
	})
	t.Run("missing fields", func(t *testing.T) {
		e := newEnv(t, nil)
		e.fake.AnswerMissingFields()
		_, err := e.client.Lookup(context.Background(), "anna@example.com")
		if !errors.Is(err, directory.ErrUnavailable) || !strings.Contains(err.Error(), "missing full_name, active") {
			t.Fatalf("got %v, want ErrUnavailable (missing full_name, active)", err)
		}
		if n := len(e.fake.Requests()); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
	})

	const email = "anna@example.com"
	good := func() map[string]any {
		return map[string]any{"employee_id": "E-1", "email": email, "full_name": "Anna", "active": true}
	}
	tests := []struct {
		name string
		edit func(m map[string]any)
		want string
	}{
		{"no active", func(m map[string]any) { delete(m, "active") }, "missing active"},
		{"null active", func(m map[string]any) { m["active"] = nil }, "missing active"},
		{"active as a string", func(m map[string]any) { m["active"] = "true" }, "does not parse"},
		{"no employee_id", func(m map[string]any) { delete(m, "employee_id") }, "missing employee_id"},
		{"blank full_name", func(m map[string]any) { m["full_name"] = "  " }, "missing full_name"},
		{"no email", func(m map[string]any) { delete(m, "email") }, "missing email"},
		{"employee_id a number", func(m map[string]any) { m["employee_id"] = 7 }, "does not parse"},
		{"roles a string", func(m map[string]any) { m["roles"] = "admin" }, "does not parse"},
		{"somebody else", func(m map[string]any) { m["email"] = "boss@example.com" }, `answered about "boss@example.com"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			m := good()
			tt.edit(m)
			e.fake.AddRaw(email, m)
			got, err := e.client.Lookup(context.Background(), email)
			if !errors.Is(err, directory.ErrUnavailable) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %+v, %v; want ErrUnavailable saying %q", got, err, tt.want)
			}
		})
	}
}

func TestLookupCleansRolesAndDepartments(t *testing.T) {
	e := newEnv(t, nil)
	e.fake.AddRaw("anna@example.com", map[string]any{
		"employee_id": "E-1", "email": "Anna@Example.com", "full_name": "Anna", "active": true,
		"roles":       []string{"Admin", "wizard", " executor ", "admin"},
		"departments": []string{"it-support", "Bad Code!", "", "Facilities", "it-support"},
	})
	got, err := e.client.Lookup(context.Background(), "anna@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Roles, []string{"executor", "admin"}) {
		t.Errorf("roles %q", got.Roles)
	}
	if !reflect.DeepEqual(got.Departments, []string{"facilities", "it-support"}) {
		t.Errorf("departments %q", got.Departments)
	}
	if l := e.log.String(); !strings.Contains(l, "wizard") || !strings.Contains(l, "Bad Code!") {
		t.Errorf("dropped values not logged:\n%s", l)
	}

	// Only unknown roles: still an employee.
	e.fake.AddRaw("ivan@example.com", map[string]any{
		"employee_id": "E-2", "email": "ivan@example.com", "full_name": "Ivan", "active": true, "roles": []string{"root"},
	})
	got, err = e.client.Lookup(context.Background(), "ivan@example.com")
	if err != nil || !reflect.DeepEqual(got.Roles, []string{"employee"}) {
		t.Errorf("got %+v, %v; want roles [employee]", got, err)
	}
}

func TestLookupSlowBeyondTimeout(t *testing.T) {
	e := newEnv(t, func(o *directory.Options) {
		o.Timeout = 100 * time.Millisecond
		o.Attempts = 2
	})
	e.fake.AddActive("anna@example.com", "Anna")
	e.fake.SetDelay(time.Minute)
	start := time.Now()
	_, err := e.client.Lookup(context.Background(), "anna@example.com")
	took := time.Since(start)
	if !errors.Is(err, directory.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want ErrUnavailable caused by a deadline", err)
	}
	if !strings.Contains(err.Error(), "no answer within 100ms") {
		t.Errorf("error %q does not say it timed out", err)
	}
	if took > generous {
		t.Errorf("took %s, want it bounded by attempts × timeout", took)
	}
	if n := len(e.fake.Requests()); n != 2 {
		t.Errorf("%d requests, want 2 (timeouts are retried)", n)
	}
	t.Logf("gave up after %s", took)
}

func TestLookupConnectionRefused(t *testing.T) {
	reg := prometheus.NewRegistry()
	c, err := directory.NewHTTP(directory.Options{
		BaseURL: testkit.RefusedURL(t), Attempts: 3, Backoff: time.Millisecond, Metrics: reg,
	})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = c.Lookup(context.Background(), "anna@example.com")
	if !errors.Is(err, directory.ErrUnavailable) || !strings.Contains(err.Error(), "after 3 attempts") {
		t.Fatalf("got %v, want ErrUnavailable after 3 attempts", err)
	}
	if took := time.Since(start); took > generous {
		t.Errorf("took %s", took)
	}
	wantCounts(t, reg, map[string]float64{"unavailable": 1})
}

func TestLookupToken(t *testing.T) {
	const token = "s3cret-t0ken-value"
	t.Run("configured", func(t *testing.T) {
		e := newEnv(t, func(o *directory.Options) { o.Token = token })
		e.fake.RequireToken(token)
		e.fake.AddActive("anna@example.com", "Anna")
		if _, err := e.client.Lookup(context.Background(), "anna@example.com"); err != nil {
			t.Fatal(err)
		}
		// Failures are logged; the token must not be in the log, the error or the
		// client's printed form.
		e.fake.FailWith(http.StatusInternalServerError)
		_, err := e.client.Lookup(context.Background(), "anna@example.com")
		if !errors.Is(err, directory.ErrUnavailable) {
			t.Fatalf("got %v", err)
		}
		reqs := e.fake.Requests()
		if len(reqs) != 4 {
			t.Fatalf("%d requests, want 1 + 3", len(reqs))
		}
		for i, r := range reqs {
			if r.Authorization != "Bearer "+token {
				t.Errorf("request %d: Authorization %q", i, r.Authorization)
			}
			if strings.Contains(r.RawQuery, token) {
				t.Errorf("request %d: token in the query %q", i, r.RawQuery)
			}
		}
		for what, s := range map[string]string{
			"log": e.log.String(), "error": err.Error(),
			"client": fmt.Sprint(e.client), "client %+v": fmt.Sprintf("%+v", e.client),
		} {
			if strings.Contains(s, token) {
				t.Errorf("token leaked into the %s: %s", what, s)
			}
		}
		if !strings.Contains(e.log.String(), "directory unavailable") {
			t.Errorf("failure not logged:\n%s", e.log)
		}
	})
	t.Run("wrong token", func(t *testing.T) {
		e := newEnv(t, func(o *directory.Options) { o.Token = "wrong" })
		e.fake.RequireToken(token)
		e.fake.AddActive("anna@example.com", "Anna")
		_, err := e.client.Lookup(context.Background(), "anna@example.com")
		if !errors.Is(err, directory.ErrUnavailable) || !strings.Contains(err.Error(), "401") {
			t.Fatalf("got %v, want ErrUnavailable (401)", err)
		}
		if n := len(e.fake.Requests()); n != 1 {
			t.Errorf("%d requests, want 1: a 401 does not pass by retrying", n)
		}
	})
	t.Run("not configured", func(t *testing.T) {
		e := newEnv(t, nil)
		e.fake.AddActive("anna@example.com", "Anna")
		if _, err := e.client.Lookup(context.Background(), "anna@example.com"); err != nil {
			t.Fatal(err)
		}
		if a := e.fake.Requests()[0].Authorization; a != "" {
			t.Errorf("Authorization %q sent without a token", a)
		}
	})
}

func TestLookupNormalisesAndEncodesEmail(t *testing.T) {
	e := newEnv(t, nil)
	const stored = "anna.petrova+desk@пример.рф"
	e.fake.AddActive(stored, "Анна Петрова")
	got, err := e.client.Lookup(context.Background(), "  Anna.Petrova+Desk@ПРИМЕР.рф\t")
	if err != nil {
		t.Fatal(err)
	}
	if got.Email != stored || got.FullName != "Анна Петрова" {
		t.Errorf("got %+v", got)
	}
	r := e.fake.Requests()[0]
	if r.Email != stored {
		t.Errorf("directory was asked about %q, want %q", r.Email, stored)
	}
	if want := "email=" + url.QueryEscape(stored); r.RawQuery != want {
		t.Errorf("query %q, want %q", r.RawQuery, want)
	}
	if !strings.Contains(r.RawQuery, "%2B") || strings.Contains(r.RawQuery, "+") {
		t.Errorf("query %q: '+' must be encoded, or the server reads a space", r.RawQuery)
	}
}

func TestLookupInvalidEmail(t *testing.T) {
	e := newEnv(t, nil)
	inputs := []string{
		"", "   ", "no-at-sign", "@example.com", "anna@", "a@b@c",
		"anna petrova@example.com", "anna@exa\x00mple.com", "anna\n@example.com",
		"anna@\xffexample.com", strings.Repeat("a", 250) + "@example.com",
	}
	for _, in := range inputs {
		if _, err := e.client.Lookup(context.Background(), in); !errors.Is(err, directory.ErrInvalidEmail) {
			t.Errorf("%q: got %v, want ErrInvalidEmail", in, err)
		}
	}
	if n := len(e.fake.Requests()); n != 0 {
		t.Errorf("%d requests for malformed addresses, want none", n)
	}
	wantCounts(t, e.reg, map[string]float64{"invalid": float64(len(inputs))})
}

func TestNormalizeEmail(t *testing.T) {
	good := map[string]string{
		" Anna@Example.COM ": "anna@example.com",
		"a+b@x":              "a+b@x",
		"ÄNNA@ÉXAMPLE.de":    "änna@éxample.de",
		strings.Repeat("a", 242) + "@example.com": strings.Repeat("a", 242) + "@example.com", // 254 bytes
	}
	for in, want := range good {
		if got, err := directory.NormalizeEmail(in); err != nil || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := directory.NormalizeEmail(strings.Repeat("a", 243) + "@example.com"); !errors.Is(err, directory.ErrInvalidEmail) {
		t.Errorf("255 bytes: got %v, want ErrInvalidEmail", err)
	}
}

func TestLookupOversizeBody(t *testing.T) {
	e := newEnv(t, nil)
	e.fake.AnswerOversize(directory.MaxBodyBytes)
	_, err := e.client.Lookup(context.Background(), "anna@example.com")
	if !errors.Is(err, directory.ErrUnavailable) || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("got %v, want ErrUnavailable (too large)", err)
	}
	if n := len(e.fake.Requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}

	// Just under the limit is still an answer.
	e.fake.AnswerOversize(directory.MaxBodyBytes - 1024)
	if got, err := e.client.Lookup(context.Background(), "anna@example.com"); err != nil || !got.Active {
		t.Errorf("body under the limit: got %v", err)
	}
}

func TestLookupCancelledWhileWaitingToRetry(t *testing.T) {
	e := newEnv(t, func(o *directory.Options) { o.Backoff = time.Hour })
	e.fake.FailWith(http.StatusInternalServerError)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		// Cancel once the first attempt has been answered, during the backoff.
		for len(e.fake.Requests()) == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond)
		cancel()
	}()
	start := time.Now()
	_, err := e.client.Lookup(ctx, "anna@example.com")
	if !errors.Is(err, directory.ErrUnavailable) || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want ErrUnavailable and context.Canceled", err)
	}
	if took := time.Since(start); took > generous {
		t.Errorf("took %s after cancellation", took)
	}
	if n := len(e.fake.Requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	wantCounts(t, e.reg, map[string]float64{"unavailable": 1})
}

func TestLookupCancelledDuringSlowAttempt(t *testing.T) {
	e := newEnv(t, func(o *directory.Options) { o.Timeout = time.Hour })
	e.fake.AddActive("anna@example.com", "Anna")
	e.fake.SetDelay(time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := e.client.Lookup(ctx, "anna@example.com")
	if !errors.Is(err, directory.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want ErrUnavailable and the caller's deadline", err)
	}
	if took := time.Since(start); took > generous {
		t.Errorf("took %s", took)
	}
	if n := len(e.fake.Requests()); n != 1 {
		t.Errorf("%d requests, want 1: the caller's deadline is not retried", n)
	}

	// A context that is already done sends nothing.
	done, cancelDone := context.WithCancel(context.Background())
	cancelDone()
	if _, err := e.client.Lookup(done, "anna@example.com"); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	if n := len(e.fake.Requests()); n != 1 {
		t.Errorf("%d requests, want still 1", n)
	}
}

func TestMetricsPerResult(t *testing.T) {
	e := newEnv(t, nil)
	e.fake.AddActive("anna@example.com", "Anna")
	e.fake.AddInactive("gone@example.com", "Gone")
	ctx := context.Background()
	e.client.Lookup(ctx, "anna@example.com")
	e.client.Lookup(ctx, "ANNA@example.com")
	e.client.Lookup(ctx, "gone@example.com")
	e.client.Lookup(ctx, "stranger@example.com")
	e.client.Lookup(ctx, "not an e-mail")
	e.fake.FailWith(http.StatusInternalServerError)
	e.client.Lookup(ctx, "anna@example.com")

	wantCounts(t, e.reg, map[string]float64{"found": 2, "inactive": 1, "not_found": 1, "unavailable": 1, "invalid": 1})
	if _, observed := counts(t, e.reg); observed != 5 {
		t.Errorf("duration histogram observed %d calls, want 5 (a malformed e-mail is not a call)", observed)
	}

	// A second client on the same registry shares the series instead of failing.
	e.fake.Heal()
	second, err := directory.NewHTTP(directory.Options{BaseURL: e.fake.URL(), Metrics: e.reg})
	if err != nil {
		t.Fatalf("second client on one registry: %v", err)
	}
	second.Lookup(ctx, "stranger@example.com")
	wantCounts(t, e.reg, map[string]float64{"found": 2, "inactive": 1, "not_found": 2, "unavailable": 1, "invalid": 1})
}

func TestNewHTTPRejectsBadOptions(t *testing.T) {
	bad := []directory.Options{
		{},
		{BaseURL: "hr.example.com"},
		{BaseURL: "ftp://user:hunter2@hr.example.com"},
		{BaseURL: "http://"},
		{BaseURL: "http://hr.example.com/?x=1"},
		{BaseURL: "http://hr.example.com", Timeout: -time.Second},
		{BaseURL: "http://hr.example.com", Attempts: -1},
	}
	for _, o := range bad {
		_, err := directory.NewHTTP(o)
		if err == nil {
			t.Errorf("NewHTTP(%+v) accepted", o)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error shows the URL's password: %v", err)
		}
	}
}

func TestBaseURLWithPath(t *testing.T) {
	e := newEnv(t, func(o *directory.Options) { o.BaseURL += "/api/v2/" })
	_, _ = e.client.Lookup(context.Background(), "anna@example.com")
	if p := e.fake.Requests()[0].Path; p != "/api/v2/employees" {
		t.Errorf("path %q, want /api/v2/employees", p)
	}
}

func TestLookupConcurrent(t *testing.T) {
	e := newEnv(t, nil)
	e.fake.AddActive("anna@example.com", "Anna")
	e.fake.FailNext(5, http.StatusServiceUnavailable)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := e.client.Lookup(context.Background(), "anna@example.com"); err != nil && !errors.Is(err, directory.ErrUnavailable) {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	got, _ := counts(t, e.reg)
	if got["found"]+got["unavailable"] != 20 {
		t.Errorf("counted %v, want 20 calls", got)
	}
}
