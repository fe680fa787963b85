package testkit

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"smartservice/internal/directory"
)

// FakeDirectory is an employee directory for tests: a real HTTP server on loopback
// speaking design/DIRECTORY-API.md, whose answers a test can switch to every failure
// the contract names. It writes the wire format itself, so it checks the client
// rather than mirroring it. Safe for concurrent use; closed when the test ends.
type FakeDirectory struct {
	srv *httptest.Server

	mu        sync.Mutex
	employees map[string]any // normalised e-mail → the JSON object answered
	fault     fakeFault
	faultArg  int
	failNext  int // requests still to fail with failCode before answering normally
	failCode  int
	delay     time.Duration
	token     string
	requests  []FakeDirectoryRequest
}

// FakeDirectoryRequest is what the fake saw of one request.
type FakeDirectoryRequest struct {
	Method        string
	Path          string
	RawQuery      string
	Email         string // the decoded "email" query parameter
	Authorization string // the header as sent, "" when absent
	Accept        string
}

type fakeFault int

const (
	faultNone fakeFault = iota
	faultStatus
	faultMalformed
	faultMissingFields
	faultOversize
)

// NewFakeDirectory starts a fake directory with no employees, answering normally.
func NewFakeDirectory(t testing.TB) *FakeDirectory {
	t.Helper()
	f := &FakeDirectory{employees: map[string]any{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(func() {
		// A handler still sleeping in a "slow" answer ends when its connection goes.
		f.srv.CloseClientConnections()
		f.srv.Close()
	})
	return f
}

// URL is the base URL to configure the client with (requests go to URL + "/employees").
func (f *FakeDirectory) URL() string { return f.srv.URL }

// Add makes the directory know e (active or not, as e.Active says). Nil Roles and
// Departments are left out of the answer, so that the client's defaults are tested.
func (f *FakeDirectory) Add(e directory.Employee) {
	obj := map[string]any{
		"employee_id": e.EmployeeID,
		"email":       e.Email,
		"full_name":   e.FullName,
		"active":      e.Active,
	}
	if e.Position != "" {
		obj["position"] = e.Position
	}
	if e.Roles != nil {
		obj["roles"] = slices.Clone(e.Roles)
	}
	if e.Departments != nil {
		obj["departments"] = slices.Clone(e.Departments)
	}
	f.AddRaw(e.Email, obj)
}

// AddActive adds an active employee with a made-up id and the given roles.
func (f *FakeDirectory) AddActive(email, fullName string, roles ...string) {
	f.Add(directory.Employee{EmployeeID: "E-" + email, Email: email, FullName: fullName, Active: true, Roles: roles})
}

// AddInactive adds an employee who has left ("active": false).
func (f *FakeDirectory) AddInactive(email, fullName string) {
	f.Add(directory.Employee{EmployeeID: "E-" + email, Email: email, FullName: fullName, Active: false})
}

// AddRaw makes the directory answer 200 with obj, marshalled as JSON, for email: for
// answers Add cannot express (odd roles, wrong types, another person's e-mail).
func (f *FakeDirectory) AddRaw(email string, obj any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.employees[fakeKey(email)] = obj
}

// Remove forgets an employee, so the directory answers 404 (a leaver deleted from HR).
func (f *FakeDirectory) Remove(email string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.employees, fakeKey(email))
}

// FailWith makes every request answer the given status with a small text body.
func (f *FakeDirectory) FailWith(status int) { f.setFault(faultStatus, status) }

// AnswerMalformedJSON makes every request answer 200 with a body that does not parse.
func (f *FakeDirectory) AnswerMalformedJSON() { f.setFault(faultMalformed, 0) }

// AnswerMissingFields makes every request answer 200 with valid JSON lacking the
// required full_name and active.
func (f *FakeDirectory) AnswerMissingFields() { f.setFault(faultMissingFields, 0) }

// AnswerOversize makes every request answer 200 with a well-formed employee padded to
// at least n bytes.
func (f *FakeDirectory) AnswerOversize(n int) { f.setFault(faultOversize, n) }

// FailNext makes the next n requests answer status, then answers normally again: a
// directory that recovers while the client retries.
func (f *FakeDirectory) FailNext(n, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failNext, f.failCode = n, status
}

// SetDelay makes every answer wait d first; the wait ends early when the client goes
// away, so a slow fake never holds up the end of a test.
func (f *FakeDirectory) SetDelay(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.delay = d
}

// RequireToken makes the fake answer 401 unless "Authorization: Bearer token" is sent
// ("" accepts anything, the default).
func (f *FakeDirectory) RequireToken(token string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.token = token
}

// Heal clears every fault and delay; employees and recorded requests stay.
func (f *FakeDirectory) Heal() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fault, f.faultArg, f.failNext, f.delay = faultNone, 0, 0, 0
}

// Requests returns a copy of the requests received so far, oldest first.
func (f *FakeDirectory) Requests() []FakeDirectoryRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]FakeDirectoryRequest(nil), f.requests...)
}

// RefusedURL returns an http URL on loopback where nothing listens, so connecting is
// refused at once: the port was just bound and released. (Another process could take
// the port in between; on loopback in a test run that is rare enough.)
func RefusedURL(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("refused URL: %v", err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatalf("refused URL: %v", err)
	}
	return "http://" + addr
}

func (f *FakeDirectory) setFault(k fakeFault, arg int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fault, f.faultArg = k, arg
}

// fakeKey compares e-mails as the contract says: case-insensitively, after trimming.
func fakeKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

func (f *FakeDirectory) serve(w http.ResponseWriter, r *http.Request) {
	email := r.URL.Query().Get("email")
	f.mu.Lock()
	f.requests = append(f.requests, FakeDirectoryRequest{
		Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Email: email,
		Authorization: r.Header.Get("Authorization"), Accept: r.Header.Get("Accept"),
	})
	delay, fault, arg, token := f.delay, f.fault, f.faultArg, f.token
	failCode := 0
	if f.failNext > 0 {
		f.failNext--
		failCode = f.failCode
	}
	obj, known := f.employees[fakeKey(email)]
	f.mu.Unlock()

	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	switch {
	case r.Method != http.MethodGet || r.URL.Path != "/employees":
		http.Error(w, "not the directory API", http.StatusNotFound)
		return
	case email == "":
		http.Error(w, "email query parameter is required", http.StatusBadRequest)
		return
	case token != "" && r.Header.Get("Authorization") != "Bearer "+token:
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	case failCode != 0:
		http.Error(w, "failing on purpose", failCode)
		return
	}
	switch fault {
	case faultStatus:
		http.Error(w, "failing on purpose", arg)
		return
	case faultMalformed:
		writeJSON(w, []byte(`{"employee_id": "E-1", "email": `))
		return
	case faultMissingFields:
		writeJSON(w, fmt.Appendf(nil, `{"employee_id": "E-1", "email": %q}`, email))
		return
	case faultOversize:
		obj := map[string]any{
			"employee_id": "E-1", "email": email, "full_name": "Big Answer", "active": true,
			"position": strings.Repeat("x", arg),
		}
		body, _ := json.Marshal(obj)
		writeJSON(w, body)
		return
	}
	if !known {
		http.Error(w, "no such employee", http.StatusNotFound)
		return
	}
	body, err := json.Marshal(obj)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeJSON(w, body)
}

func writeJSON(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}
