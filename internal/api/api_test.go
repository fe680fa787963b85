package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/riverqueue/river"

	"smartservice/internal/api"
	"smartservice/internal/assets"
	"smartservice/internal/audit"
	"smartservice/internal/config"
	"smartservice/internal/db"
	"smartservice/internal/directory"
	"smartservice/internal/i18n"
	"smartservice/internal/jobs"
	"smartservice/internal/mail"
	"smartservice/internal/reports"
	"smartservice/internal/sla"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/upkeep"
	"smartservice/internal/users"
)

// password passes the domain's rules (long enough, not a common one).
const password = "correct horse battery staple"

// spec is the served OpenAPI document, loaded and validated once per test binary.
var spec struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error
}

// loadSpec loads the document the API serves and validates it.
func loadSpec(t testing.TB) (*openapi3.T, routers.Router) {
	t.Helper()
	spec.once.Do(func() {
		w := httptest.NewRecorder()
		api.New(api.Deps{}).ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
		if w.Code != 200 {
			spec.err = fmt.Errorf("GET /api/v1/openapi.json: %d", w.Code)
			return
		}
		loader := openapi3.NewLoader()
		if spec.doc, spec.err = loader.LoadFromData(w.Body.Bytes()); spec.err != nil {
			return
		}
		if spec.err = spec.doc.Validate(loader.Context); spec.err != nil {
			return
		}
		spec.router, spec.err = legacy.NewRouter(spec.doc)
	})
	if spec.err != nil {
		t.Fatalf("OpenAPI document: %v", spec.err)
	}
	return spec.doc, spec.router
}

// env is the API over a fresh database with a real accounts service.
type env struct {
	t   *testing.T
	d   *db.DB
	acc *users.Service
	// assets is the catalogue and devices domain the API serves.
	assets *assets.Service
	h      *api.API
	cfg    *config.Config
	// maxBody, when set, caps request bodies as the web server does.
	maxBody int64
}

func newEnv(t *testing.T, d *db.DB) *env {
	return newEnvWith(t, d, directory.NewStatic(nil))
}

func newEnvWith(t *testing.T, d *db.DB, dir directory.Directory) *env {
	t.Helper()
	loadSpec(t)
	cfg := config.Default()
	cat, err := i18n.New(cfg.DefaultLanguage, nil)
	if err != nil {
		t.Fatal(err)
	}
	acc := accounts(t, d, dir)
	logger := slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	svc := assets.NewService(d, nil)
	rules := tickets.NewRules(d, nil)
	tix := tickets.NewService(d, rules, svc, nil)
	h := api.New(api.Deps{Config: cfg, Logger: logger, Catalog: cat, Accounts: acc, Users: users.NewStore(d, nil), Assets: svc,
		Rules: rules, Tickets: tix, Reports: reports.NewService(d, cfg.Location, nil),
		Notify: notifier(t, d, cfg, cat), Audit: audit.NewLog(d), Upkeep: upkeep.NewService(d, tix, rules, acc, cfg.Location, nil),
		SLA: sla.NewService(d, cfg.Location, nil)})
	return &env{t: t, d: d, acc: acc, h: h, cfg: cfg, assets: svc}
}

// accounts is testkit.AccountsWith with the job kinds that registration and the
// leavers check insert registered: River refuses to insert a kind no worker takes.
// The job client is never started, so the jobs stay in the queue.
func accounts(t *testing.T, d *db.DB, dir directory.Directory) *users.Service {
	t.Helper()
	w := jobs.NewWorkers()
	river.AddWorker(w, &mail.Worker{Sender: mail.LogSender{Logger: slog.New(slog.DiscardHandler)}})
	river.AddWorker(w, noopLeavers{})
	j, err := jobs.New(d, w, jobs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("http://localhost:8080")
	s, err := users.NewService(d, users.NewStore(d, nil), users.Options{BaseURL: base, Directory: dir, Jobs: j, DevMail: true, Argon2: testkit.CheapArgon2})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type noopLeavers struct {
	river.WorkerDefaults[users.LeaversArgs]
}

func (noopLeavers) Work(context.Context, *river.Job[users.LeaversArgs]) error { return nil }

// testLog shows the API's warnings and errors in the test's output.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// user creates an account with the roles (and departments, by code).
func (e *env) user(email string, roles []users.Role, deps ...string) *users.User {
	e.t.Helper()
	u, err := e.acc.CreateUser(context.Background(), users.CreateInput{
		Email: email, FullName: "Person " + email, Roles: roles, Password: password, DepartmentCodes: deps, Language: "en",
	})
	if err != nil {
		e.t.Fatalf("create %s: %v", email, err)
	}
	return u
}

var (
	employee = []users.Role{users.RoleEmployee}
	admin    = []users.Role{users.RoleEmployee, users.RoleAdmin}
)

// login logs in through the API and returns the bearer token.
func (e *env) login(email string) string {
	e.t.Helper()
	res := e.do("POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": password})
	res.want(200)
	return res.str("token")
}

// result is an answer of the API, already checked against the OpenAPI document.
type result struct {
	t      *testing.T
	status int
	header http.Header
	body   []byte
	obj    map[string]any
}

// opt adjusts a request: a header to set (or delete, with an empty value).
type opt struct{ name, value string }

func header(name, value string) opt { return opt{name, value} }

// remoteAddr sends the request from another client address.
func remoteAddr(addr string) opt { return opt{":remote", addr} }

// do sends a request to the API: body nil sends none, a string is sent as it is,
// anything else as JSON; Content-Type is application/json unless an opt says
// otherwise. The answer must match the OpenAPI document, whatever its status.
func (e *env) do(method, path, token string, body any, opts ...opt) *result {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	r := httptest.NewRequest(method, path, rd)
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	for _, o := range opts {
		if o.name == ":remote" {
			r.RemoteAddr = o.value
			continue
		}
		if o.value == "" {
			r.Header.Del(o.name)
		} else {
			r.Header.Set(o.name, o.value)
		}
	}
	w := httptest.NewRecorder()
	if e.maxBody > 0 {
		r.Body = http.MaxBytesReader(w, r.Body, e.maxBody)
	}
	e.h.ServeHTTP(w, r)
	res := &result{t: e.t, status: w.Code, header: w.Header(), body: w.Body.Bytes()}
	if len(res.body) > 0 && strings.Contains(res.header.Get("Content-Type"), "json") {
		_ = json.Unmarshal(res.body, &res.obj)
	}
	checkAnswer(e.t, method, path, res)
	return res
}

// checkAnswer fails the test when an answer does not match the OpenAPI document.
func checkAnswer(t *testing.T, method, path string, res *result) {
	t.Helper()
	if err := answerError(t, method, path, res); err != nil {
		t.Errorf("%s %s: %v\n%d %s", method, path, err, res.status, res.body)
	}
}

// answerError validates an answer against the OpenAPI document: its status must be
// documented for the operation and its body must match the schema; an error is a
// problem document of that status. Paths outside the document must get a problem
// document too (404 or 405).
func answerError(t testing.TB, method, path string, res *result) error {
	_, router := loadSpec(t)
	req := httptest.NewRequest(method, path, nil)
	route, params, err := router.FindRoute(req)
	if err != nil {
		switch res.status {
		case 404, 405:
			return problemError(res)
		}
		return fmt.Errorf("not in the OpenAPI document, yet answered %d", res.status)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 res.status,
		Header:                 res.header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	}
	in.SetBodyBytes(res.body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fmt.Errorf("the answer does not match the OpenAPI document: %w", err)
	}
	if res.status == 204 && len(res.body) > 0 {
		return fmt.Errorf("204 with a body")
	}
	if res.status >= 400 {
		return problemError(res)
	}
	return nil
}

// problemError checks what the schema cannot: the media type and the status member.
func problemError(res *result) error {
	if ct := res.header.Get("Content-Type"); ct != "application/problem+json" {
		return fmt.Errorf("problem answered as %q", ct)
	}
	if got, _ := res.obj["status"].(float64); int(got) != res.status || res.obj["detail"] == "" {
		return fmt.Errorf("problem %d has status %v, detail %q", res.status, res.obj["status"], res.obj["detail"])
	}
	return nil
}

// want fails the test unless the status is one of the given ones.
func (r *result) want(status int) *result {
	r.t.Helper()
	if r.status != status {
		r.t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	return r
}

func (r *result) str(key string) string {
	s, _ := r.obj[key].(string)
	return s
}

func (r *result) num(key string) int64 {
	f, _ := r.obj[key].(float64)
	return int64(f)
}

// items returns the "items" of a list answer.
func (r *result) items() []map[string]any {
	var out []map[string]any
	list, _ := r.obj["items"].([]any)
	for _, it := range list {
		out = append(out, it.(map[string]any))
	}
	return out
}

// fields returns the field names of a problem's "errors".
func (r *result) fields() []string {
	var out []string
	list, _ := r.obj["errors"].([]any)
	for _, it := range list {
		out = append(out, it.(map[string]any)["field"].(string))
	}
	return out
}

// wantFieldError fails unless the answer is 422 naming field.
func (r *result) wantFieldError(field string) *result {
	r.t.Helper()
	r.want(422)
	for _, f := range r.fields() {
		if f == field {
			return r
		}
	}
	r.t.Fatalf("422 does not name %q: %s", field, r.body)
	return r
}

// count returns the number of rows of a table.
func (e *env) count(table string) int {
	e.t.Helper()
	var n int
	if err := e.d.R.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func path(format string, args ...any) string { return fmt.Sprintf(format, args...) }
