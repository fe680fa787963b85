package testkit

import (
	"net/url"
	"testing"

	"smartservice/internal/db"
	"smartservice/internal/directory"
	"smartservice/internal/jobs"
	"smartservice/internal/users"
)

// CheapArgon2 makes password hashing fast in tests; production uses users.DefaultArgon2.
var CheapArgon2 = users.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}

// Accounts returns an accounts service on d with cheap hashing, an unstarted job
// client (jobs are inserted, not worked) and an empty static directory.
func Accounts(t testing.TB, d *db.DB) *users.Service {
	t.Helper()
	return AccountsWith(t, d, directory.NewStatic(nil))
}

// AccountsWith is Accounts with a given directory.
func AccountsWith(t testing.TB, d *db.DB, dir directory.Directory) *users.Service {
	t.Helper()
	j, err := jobs.New(d, jobs.NewWorkers(), jobs.Options{InsertOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("http://localhost:8080")
	s, err := users.NewService(d, users.NewStore(d, nil), users.Options{BaseURL: base, Directory: dir, Jobs: j, DevMail: true, Argon2: CheapArgon2})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
