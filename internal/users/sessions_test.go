package users_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/users"
)

func init() {
	dbCases = append(dbCases, dbCase{"SessionStore", testSessionStore})
}

// testSessionStore: a session is found until its expiry, a commit replaces it,
// Delete and PruneSessions remove it, with the one SQL text on both databases.
func testSessionStore(t *testing.T, d *db.DB) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	st := users.NewSessionStore(d, func() time.Time { return now })
	if err := st.CommitCtx(ctx, "live", []byte("a"), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := st.Commit("old", []byte("b"), now.Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := st.CommitCtx(ctx, "live", []byte("a2"), now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if b, ok, err := st.FindCtx(ctx, "live"); err != nil || !ok || !bytes.Equal(b, []byte("a2")) {
		t.Fatalf("live: %q %v %v", b, ok, err)
	}
	if _, ok, err := st.Find("old"); err != nil || ok {
		t.Fatalf("an expired session was found: %v %v", ok, err)
	}
	if _, ok, err := st.Find("never"); err != nil || ok {
		t.Fatalf("an unknown token: %v %v", ok, err)
	}
	if err := users.PruneSessions(ctx, d, now); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := d.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM sessions").Scan(&n); err != nil || n != 1 {
		t.Fatalf("after pruning %d sessions (%v), want the live one only", n, err)
	}
	if err := st.Delete("live"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := st.FindCtx(ctx, "live"); ok {
		t.Fatal("a deleted session was found")
	}
}
