package users_test

import (
	"fmt"
	"testing"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/db"
	"smartservice/internal/users"
)

func init() {
	dbCases = append(dbCases, dbCase{"LoginNoLockoutButton", testLoginNoLockoutButton})
	dbCases = append(dbCases, dbCase{"LoginOfficeBehindOneAddress", testLoginOfficeBehindOneAddress})
}

// testLoginNoLockoutButton: an attacker who keeps sending wrong passwords for the
// administrator's account, from one address or from many, never stops the owner
// from logging in from an address of their own with the right password.
func testLoginNoLockoutButton(t *testing.T, d *db.DB) {
	e := newEnv(t, d) // the documented defaults
	e.mkUser("admin@example.com", users.RoleAdmin)
	// One address, one wrong password every 20 seconds for an hour; the owner tries
	// every five minutes from the office.
	for i := range 180 {
		_, err := e.login("admin@example.com", "wrong passphrase here", "203.0.113.7")
		if ae := apperr.As(err); ae == nil || (ae.Key != "login.failed" && ae.Key != "login.throttled") {
			t.Fatalf("attempt %d: %v", i, err)
		}
		if i%15 == 14 {
			if _, err := e.login("admin@example.com", goodPassword, "198.51.100.1"); err != nil {
				t.Fatalf("after %d attacks the owner is refused: %v", i+1, err)
			}
		}
		e.clock.Add(20 * time.Second)
	}
	// Many addresses, each one wrong password: the owner still gets in.
	for i := range 200 {
		_, _ = e.login("admin@example.com", "wrong passphrase here", fmt.Sprintf("10.1.%d.%d", i/250, i%250))
	}
	if _, err := e.login("admin@example.com", goodPassword, "198.51.100.2"); err != nil {
		t.Fatalf("after a spread attack the owner is refused: %v", err)
	}
}

// testLoginOfficeBehindOneAddress: an office whose people share one NAT address,
// where many mistype within a quarter of an hour, does not lock itself out.
func testLoginOfficeBehindOneAddress(t *testing.T, d *db.DB) {
	e := newEnv(t, d)
	for i := range 60 {
		e.mkUser(fmt.Sprintf("p%d@example.com", i))
	}
	for i := range 60 {
		_, err := e.login(fmt.Sprintf("p%d@example.com", i), "wrong passphrase here", "192.0.2.10")
		wantCode(t, err, apperr.Unauthenticated, "login.failed")
		e.clock.Add(10 * time.Second)
	}
	for i := range 60 {
		if _, err := e.login(fmt.Sprintf("p%d@example.com", i), goodPassword, "192.0.2.10"); err != nil {
			t.Fatalf("p%d behind the office's address: %v", i, err)
		}
	}
}
