package users_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/users"
)

func init() {
	dbCases = append(dbCases, dbCase{"CheckLeavers", testCheckLeavers})
	dbCases = append(dbCases, dbCase{"CheckLeaversDirectoryDown", testCheckLeaversDirectoryDown})
}

// leaversWorld is a set of accounts the directory answers differently about, each
// holding a personal token and a login token.
type leaversWorld struct {
	stays, unknown, inactive, operator, alreadyOff *users.User
	tokens                                         map[int64][]string
}

func newLeaversWorld(e *env) *leaversWorld {
	e.t.Helper()
	ctx := context.Background()
	mk := func(email, employeeID string) *users.User {
		u, err := e.svc.CreateUser(ctx, users.CreateInput{Email: email, FullName: "N " + email, Roles: []users.Role{users.RoleEmployee},
			Password: goodPassword, EmployeeID: employeeID})
		ok(e.t, err)
		return u
	}
	w := &leaversWorld{
		stays:      mk("stays@example.com", "E-1"),
		unknown:    mk("unknown@example.com", "E-2"),
		inactive:   mk("inactive@example.com", "E-3"),
		operator:   mk("operator@example.com", ""),
		alreadyOff: mk("off@example.com", "E-5"),
		tokens:     map[int64][]string{},
	}
	e.dir.AddActive("stays@example.com", "Stays")
	e.dir.AddInactive("inactive@example.com", "Left")
	e.dir.AddActive("off@example.com", "Off") // asked about, it would stay; it must not be asked
	// unknown@ and operator@ are not in the directory: 404.
	admin := e.mkUser("admin@example.com", users.RoleAdmin) // operator-made too
	_, err := e.svc.UpdateUser(ctx, admin, w.alreadyOff.ID, users.UserPatch{Active: ptr(false)})
	ok(e.t, err)
	for _, u := range []*users.User{w.stays, w.unknown, w.inactive, w.operator} {
		p, _, err := e.svc.CreateToken(ctx, u, "ci", 24*time.Hour)
		ok(e.t, err)
		l, _, err := e.svc.IssueLoginToken(ctx, u)
		ok(e.t, err)
		w.tokens[u.ID] = []string{p, l}
	}
	return w
}

// live reports whether u's session made before the check and both tokens work.
func (w *leaversWorld) live(e *env, u *users.User) (session, tokens bool) {
	e.t.Helper()
	_, err := e.svc.Authenticate(context.Background(), u.ID, u.AuthEpoch, e.clock.Now())
	session = err == nil
	tokens = true
	for _, tok := range w.tokens[u.ID] {
		tokens = tokens && e.alive(tok, u)
	}
	return session, tokens
}

func testCheckLeavers(t *testing.T, d *db.DB) {
	e := newEnv(t, d)
	w := newLeaversWorld(e)
	res, err := e.svc.CheckLeavers(context.Background())
	ok(t, err)
	if res.Unavailable || res.Checked != 3 {
		t.Errorf("result %+v, want 3 checked", res)
	}
	slices.Sort(res.Deactivated)
	if !slices.Equal(res.Deactivated, []string{"inactive@example.com", "unknown@example.com"}) {
		t.Errorf("deactivated %v", res.Deactivated)
	}
	var asked []string
	for _, r := range e.dir.Requests() {
		asked = append(asked, r.Email)
	}
	slices.Sort(asked)
	if !slices.Equal(asked, []string{"inactive@example.com", "stays@example.com", "unknown@example.com"}) {
		t.Errorf("the directory was asked about %v; operator-made and inactive accounts must not be asked", asked)
	}
	for _, c := range []struct {
		u      *users.User
		active bool
	}{{w.stays, true}, {w.operator, true}, {w.unknown, false}, {w.inactive, false}} {
		if got := e.reload(c.u.ID).Active; got != c.active {
			t.Errorf("%s active=%v, want %v", c.u.Email, got, c.active)
		}
		s, tk := w.live(e, c.u)
		if s != c.active || tk != c.active {
			t.Errorf("%s: session alive %v, tokens alive %v; want %v", c.u.Email, s, tk, c.active)
		}
	}
	// A second run finds nothing more to do.
	res, err = e.svc.CheckLeavers(context.Background())
	ok(t, err)
	if res.Checked != 1 || len(res.Deactivated) != 0 {
		t.Errorf("second run %+v", res)
	}
}

// testCheckLeaversDirectoryDown: an unavailable directory changes nothing.
func testCheckLeaversDirectoryDown(t *testing.T, d *db.DB) {
	e := newEnv(t, d)
	w := newLeaversWorld(e)
	refused := newEnvWithDirectory(t, d, nil, fastDirectory(t, testkit.RefusedURL(t)))
	for _, c := range []struct {
		name  string
		svc   *users.Service
		fault func()
	}{
		{"500", e.svc, func() { e.dir.FailWith(http.StatusInternalServerError) }},
		{"503", e.svc, func() { e.dir.FailWith(http.StatusServiceUnavailable) }},
		{"malformed", e.svc, e.dir.AnswerMalformedJSON},
		{"slow", e.svc, func() { e.dir.SetDelay(5 * time.Second) }},
		{"refused", refused.svc, func() {}},
		// Down for the first account asked (both attempts), fine again for the
		// next: the run stops at the first failure rather than go on.
		{"down, then back mid-run", e.svc, func() { e.dir.FailNext(2, http.StatusBadGateway) }},
	} {
		e.dir.Heal()
		c.fault()
		res, err := c.svc.CheckLeavers(context.Background())
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !res.Unavailable || len(res.Deactivated) != 0 {
			t.Errorf("%s: result %+v", c.name, res)
		}
		for _, u := range []*users.User{w.stays, w.unknown, w.inactive, w.operator} {
			if !e.reload(u.ID).Active {
				t.Fatalf("%s: %s was deactivated while the directory was down", c.name, u.Email)
			}
			if s, tk := w.live(e, u); !s || !tk {
				t.Fatalf("%s: %s lost its session or tokens", c.name, u.Email)
			}
		}
	}
}
