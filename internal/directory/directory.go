// Package directory asks the company's employee directory whether a person is an
// employee (design/DIRECTORY-API.md). Registration and the recurring leavers check
// depend on its answer, so the package is strict about what counts as a "yes": only a
// well-formed 200 answer yields an Employee; every doubtful answer is ErrUnavailable,
// which callers must treat as "cannot confirm now", never as a confirmation.
//
// Two implementations share the Directory interface: HTTPClient speaks the HTTP
// contract to the company's server, and FileDirectory answers from a CSV or JSON file
// of employees for a single office and the demo.
package directory

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Employee is the directory's answer about one person. Email is normalised (trimmed,
// lower-case); Roles is never empty (a directory that names no known role yields
// ["employee"]) and holds only known roles; Departments holds only well-formed codes.
type Employee struct {
	EmployeeID  string
	Email       string
	FullName    string
	Position    string
	Active      bool
	Roles       []string
	Departments []string
}

// Directory looks up an employee by e-mail.
//
// Lookup returns the employee, active or not: an inactive employee is an answer
// (Active is false), not an error, so that callers can tell "not active" apart from
// "unknown". Errors match, with errors.Is, exactly one of ErrInvalidEmail,
// ErrNotFound or ErrUnavailable (an ErrUnavailable caused by ctx may also match
// context.Canceled or context.DeadlineExceeded).
type Directory interface {
	Lookup(ctx context.Context, email string) (*Employee, error)
}

var (
	// ErrNotFound means the directory knows no employee with that e-mail (HTTP 404,
	// or not in the file). Callers refuse registration and deactivate leavers on it.
	ErrNotFound = errors.New("directory: no such employee")

	// ErrUnavailable means the directory could not give a trustworthy answer: another
	// status, a body that does not parse or lacks required fields, a timeout, a
	// refused connection. It never means yes or no; the wrapped cause is for logs.
	ErrUnavailable = errors.New("directory: unavailable")

	// ErrInvalidEmail means the address is obviously malformed, so it was not sent to
	// the directory at all.
	ErrInvalidEmail = errors.New("directory: invalid e-mail address")
)

// maxEmailLen is the longest address SMTP can carry (RFC 5321 path limit less the
// angle brackets), so anything longer cannot be a mailbox we could confirm.
const maxEmailLen = 254

// NormalizeEmail trims spaces and lower-cases an address the way the directory
// compares it, and rejects obviously malformed input (empty, longer than 254 bytes,
// invalid UTF-8, control characters or spaces, not exactly one '@' with text on both
// sides) with an error matching ErrInvalidEmail. It is exported so that accounts are
// stored under the same form the directory is asked about.
func NormalizeEmail(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("%w: not valid UTF-8", ErrInvalidEmail)
	}
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "":
		return "", fmt.Errorf("%w: empty", ErrInvalidEmail)
	case len(s) > maxEmailLen:
		return "", fmt.Errorf("%w: longer than %d bytes", ErrInvalidEmail, maxEmailLen)
	case strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0:
		return "", fmt.Errorf("%w: contains a control character or a space", ErrInvalidEmail)
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || domain == "" || strings.Contains(domain, "@") {
		return "", fmt.Errorf("%w: %q is not of the form name@domain", ErrInvalidEmail, s)
	}
	return s, nil
}

// knownRoles lists the roles Smart Service understands, in the order they are
// reported; anything else from a directory is dropped so that a typo there cannot
// invent a role.
var knownRoles = []string{"employee", "executor", "head", "admin"}

// defaultRole is what a directory that names no (known) role grants: being in the
// directory at all is what makes someone an employee.
const defaultRole = "employee"

// departmentCode is the shape of a department code (lower-case letters, digits, '-'
// and '_'), as used in URLs and the routing rules; anything else cannot match a
// department and is dropped.
var departmentCode = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// wireEmployee is one employee as the contract spells it. Active is a pointer because
// a missing "active" must be told apart from false: guessing either way is wrong.
type wireEmployee struct {
	EmployeeID  string   `json:"employee_id"`
	Email       string   `json:"email"`
	FullName    string   `json:"full_name"`
	Active      *bool    `json:"active"`
	Position    string   `json:"position"`
	Roles       []string `json:"roles"`
	Departments []string `json:"departments"`
}

// dropped lists what normalisation removed from an answer, so the HTTP client can log
// it and the file loader can refuse it.
type dropped struct {
	roles, departments []string
}

// normalize checks the required fields and cleans roles and departments.
func (w wireEmployee) normalize() (Employee, dropped, error) {
	var d dropped
	e := Employee{
		EmployeeID: strings.TrimSpace(w.EmployeeID),
		FullName:   strings.TrimSpace(w.FullName),
		Position:   strings.TrimSpace(w.Position),
	}
	var missing []string
	if e.EmployeeID == "" {
		missing = append(missing, "employee_id")
	}
	if strings.TrimSpace(w.Email) == "" {
		missing = append(missing, "email")
	}
	if e.FullName == "" {
		missing = append(missing, "full_name")
	}
	if w.Active == nil {
		missing = append(missing, "active")
	}
	if len(missing) > 0 {
		return Employee{}, d, fmt.Errorf("missing %s", strings.Join(missing, ", "))
	}
	email, err := NormalizeEmail(w.Email)
	if err != nil {
		return Employee{}, d, fmt.Errorf("email: %w", err)
	}
	e.Email = email
	e.Active = *w.Active
	e.Roles, d.roles = cleanRoles(w.Roles)
	e.Departments, d.departments = cleanDepartments(w.Departments)
	return e, d, nil
}

// cleanRoles keeps the known roles (case-insensitively, once each, in knownRoles
// order) and returns the rest as dropped.
func cleanRoles(in []string) (kept, bad []string) {
	have := make(map[string]bool, len(in))
	for _, r := range in {
		n := strings.ToLower(strings.TrimSpace(r))
		if slices.Contains(knownRoles, n) {
			have[n] = true
		} else {
			bad = append(bad, r)
		}
	}
	for _, r := range knownRoles {
		if have[r] {
			kept = append(kept, r)
		}
	}
	if len(kept) == 0 {
		kept = []string{defaultRole}
	}
	return kept, bad
}

// cleanDepartments keeps well-formed codes (trimmed, lower-cased, once each, sorted)
// and returns the rest as dropped.
func cleanDepartments(in []string) (kept, bad []string) {
	for _, c := range in {
		n := strings.ToLower(strings.TrimSpace(c))
		if !departmentCode.MatchString(n) {
			bad = append(bad, c)
			continue
		}
		if !slices.Contains(kept, n) {
			kept = append(kept, n)
		}
	}
	slices.Sort(kept)
	return kept, bad
}

// clone returns a copy that shares no slices with e, so callers cannot change what
// a FileDirectory holds.
func (e Employee) clone() *Employee {
	e.Roles = slices.Clone(e.Roles)
	e.Departments = slices.Clone(e.Departments)
	return &e
}
