package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// instance is one real server process of this binary.
type instance struct {
	addr string
	cmd  *exec.Cmd
	logs *bytes.Buffer
}

func (i *instance) url(path string) string { return "http://" + i.addr + path }

// startInstance runs "smartservice serve" in a process of its own on dbURL; the
// process is killed when the test ends if it still runs.
func startInstance(t *testing.T, dbURL string, extraEnv ...string) *instance {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SMARTSERVICE_TEST_RUN_MAIN=1", "SMARTSERVICE_TEST_ARGS=serve",
		"SMARTSERVICE_ADDR="+addr, "SMARTSERVICE_DATABASE_URL="+dbURL, "SMARTSERVICE_BASE_URL=http://service.example.test",
		"SMARTSERVICE_LOG_LEVEL=warn", "SMARTSERVICE_DEFAULT_LANGUAGE=en")
	cmd.Env = append(cmd.Env, extraEnv...)
	logs := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	i := &instance{addr: addr, cmd: cmd, logs: logs}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("instance %s logs:\n%s", addr, logs.String())
		}
	})
	return i
}

// client is an HTTP client that does not follow redirects: a refused session shows
// as the redirect to the login page.
var client = &http.Client{Timeout: 15 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func do(t *testing.T, method, u, token string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, u, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func apiLogin(t *testing.T, in *instance, email string) string {
	t.Helper()
	code, b := do(t, "POST", in.url("/api/v1/auth/login"), "", map[string]string{"email": email, "password": "long enough passphrase"})
	var out struct{ Token string }
	if code != 200 || json.Unmarshal(b, &out) != nil || out.Token == "" {
		t.Fatalf("login %s on %s: %d %s", email, in.addr, code, b)
	}
	return out.Token
}

// webLogin logs in through the login form and returns the session cookie.
func webLogin(t *testing.T, in *instance, email string) *http.Cookie {
	t.Helper()
	resp, err := client.PostForm(in.url("/login"), url.Values{"email": {email}, "password": {"long enough passphrase"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "ss_session" && c.Value != "" {
			return c
		}
	}
	t.Fatalf("login form on %s: %d, no session cookie", in.addr, resp.StatusCode)
	return nil
}

func profileStatus(t *testing.T, in *instance, c *http.Cookie) int {
	t.Helper()
	req, _ := http.NewRequest("GET", in.url("/profile"), nil)
	req.AddCookie(c)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// instancePeriod is the period of the frequent periodic jobs in the tests of
// several instances (SMARTSERVICE_PERIODIC_INTERVAL; a minute in production).
const instancePeriod = 5 * time.Second

// TestTwoInstancesOnOnePostgres starts two real server processes together on one
// empty PostgreSQL database and checks what several instances promise: one set of
// migrations, sessions and tokens good on both and killed on both, one winner when
// two executors take one ticket through different instances, the journal shared at
// once, and periodic jobs run once.
func TestTwoInstancesOnOnePostgres(t *testing.T) {
	dbURL := testkit.FreshDatabase(t)
	ctx := context.Background()
	// Periodic jobs that run at the leader's start make "once" observable in seconds.
	// The frequent jobs (escalation, service levels, upkeep) and the leavers check at
	// a period of a few seconds instead of a minute and a day show "once per
	// period" over two periods without waiting minutes; the period is the product's
	// option, so the same River schedule runs as in production.
	env := []string{"SMARTSERVICE_PHOTO_RETENTION=4320h",
		"SMARTSERVICE_PERIODIC_INTERVAL=" + instancePeriod.String(), "SMARTSERVICE_LEAVERS_INTERVAL=" + instancePeriod.String()}
	a, b := startInstance(t, dbURL, env...), startInstance(t, dbURL, env...)
	waitReady(t, a.addr, 90*time.Second)
	waitReady(t, b.addr, 90*time.Second)

	d := testkit.OpenURL(t, dbURL)
	var applied, distinct int
	if err := d.R.QueryRowContext(ctx, "SELECT COUNT(*), COUNT(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0").Scan(&applied, &distinct); err != nil {
		t.Fatal(err)
	}
	files, err := d.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if applied != distinct || distinct != len(files) {
		t.Fatalf("migrations recorded %d times for %d versions, want each of %d once", applied, distinct, len(files))
	}

	o := instanceOffice(t, d)

	t.Run("sessions", func(t *testing.T) {
		c := webLogin(t, a, "emp@example.com")
		if s := profileStatus(t, b, c); s != 200 {
			t.Fatalf("a session made on A is refused on B: %d", s)
		}
		req, _ := http.NewRequest("POST", a.url("/logout"), nil)
		req.AddCookie(c)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if s := profileStatus(t, b, c); s == 200 {
			t.Fatal("after logout on A, the session still works on B")
		}

		// Deactivation by an admin on A: the person's session and token die on B.
		c = webLogin(t, a, "ex2@example.com")
		tok := apiLogin(t, b, "ex2@example.com")
		if code, _ := do(t, "GET", b.url("/api/v1/me"), tok, nil); code != 200 {
			t.Fatalf("token made on B refused on B: %d", code)
		}
		admin := apiLogin(t, b, "root@example.com")
		if code, body := do(t, "PATCH", a.url(fmt.Sprintf("/api/v1/users/%d", o.ex2.ID)), admin, map[string]any{"active": false}); code != 200 {
			t.Fatalf("deactivate on A: %d %s", code, body)
		}
		if s := profileStatus(t, b, c); s == 200 {
			t.Fatal("a deactivated person's session still works on B")
		}
		if code, _ := do(t, "GET", b.url("/api/v1/me"), tok, nil); code != 401 {
			t.Fatalf("a deactivated person's token on B: %d, want 401", code)
		}
		if code, body := do(t, "PATCH", a.url(fmt.Sprintf("/api/v1/users/%d", o.ex2.ID)), admin, map[string]any{"active": true}); code != 200 {
			t.Fatalf("reactivate on A: %d %s", code, body)
		}
	})

	t.Run("journal and take", func(t *testing.T) {
		emp := apiLogin(t, a, "emp@example.com")
		code, body := do(t, "POST", a.url("/api/v1/tickets"), emp, map[string]any{"asset_id": o.asset, "problem_type_id": o.problem, "comment": "filed on A"})
		if code != 201 {
			t.Fatalf("file on A: %d %s", code, body)
		}
		var tk struct {
			ID     int64
			Status string
		}
		json.Unmarshal(body, &tk)
		if tk.Status != "new" {
			t.Fatalf("with every executor away the ticket should wait unassigned, got %q", tk.Status)
		}
		head := apiLogin(t, b, "root@example.com")
		code, body = do(t, "GET", b.url("/api/v1/tickets"), head, nil)
		if code != 200 || !bytes.Contains(body, []byte(`"filed on A"`)) {
			t.Fatalf("B's journal right after filing on A: %d %s", code, body)
		}

		tokens := []string{apiLogin(t, a, "ex1@example.com"), apiLogin(t, b, "ex2@example.com")}
		hosts := []*instance{a, b}
		codes := make([]int, 2)
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i], _ = do(t, "POST", hosts[i].url(fmt.Sprintf("/api/v1/tickets/%d/take", tk.ID)), tokens[i], nil)
			}()
		}
		wg.Wait()
		if !(codes[0] == 200 && codes[1] == 409) && !(codes[0] == 409 && codes[1] == 200) {
			t.Fatalf("two takes through two instances answered %v, want one 200 and one 409", codes)
		}
		var events int
		if err := d.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM ticket_events WHERE ticket_id = $1 AND kind = 'taken'", tk.ID).Scan(&events); err != nil || events != 1 {
			t.Fatalf("%d taken events (%v), want 1", events, err)
		}
	})

	t.Run("periodic jobs once", func(t *testing.T) {
		// Both instances run the same periodic jobs; only River's elected leader
		// enqueues them, so a job that runs at start is in the queue once.
		var n int
		deadline := time.Now().Add(30 * time.Second)
		for {
			if err := d.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM river_job WHERE kind = 'photo_retention'").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n > 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		time.Sleep(2 * time.Second) // room for a second, wrong, insertion
		if err := d.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM river_job WHERE kind = 'photo_retention'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("the photo retention job was enqueued %d times by two instances, want 1", n)
		}
	})

	// An upkeep plan made due now: the scheduler's pass runs each period on the
	// leader; with both instances up through the next subtest's two periods,
	// the device must get exactly one ticket for that due time.
	var upkeepPlan, upkeepDevice int64
	var upkeepMadeDue time.Time
	t.Run("upkeep plan due", func(t *testing.T) {
		root, err := testkit.Accounts(t, d).UserByEmail(ctx, "root@example.com")
		if err != nil {
			t.Fatal(err)
		}
		var typeID int64
		if err := d.R.QueryRowContext(ctx, "SELECT type_id FROM assets WHERE id = $1", o.asset).Scan(&typeID); err != nil {
			t.Fatal(err)
		}
		dev, err := assets.NewService(d, nil).CreateAsset(ctx, root, assets.AssetInput{Name: "Printer 2", TypeID: typeID})
		if err != nil {
			t.Fatal(err)
		}
		upkeepDevice = dev.ID
		tok := apiLogin(t, a, "root@example.com")
		code, body := do(t, "POST", b.url("/api/v1/upkeep-plans"), tok, map[string]any{"name": "Paper path check", "target": "device", "asset_id": dev.ID,
			"problem_type_id": o.problem, "note": "", "schedule": map[string]any{"every": "days", "n": 1, "at": "09:00", "start": "2026-01-01", "end": nil}})
		if code != 201 {
			t.Fatalf("create plan on B: %d %s", code, body)
		}
		var p struct{ ID int64 }
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatal(err)
		}
		upkeepPlan = p.ID
		if _, err := d.W.ExecContext(ctx, "UPDATE upkeep_plans SET next_due_at = $1 WHERE id = $2", time.Now().Add(-time.Minute).UTC(), p.ID); err != nil {
			t.Fatal(err)
		}
		upkeepMadeDue = time.Now()
	})

	t.Run("periodic jobs once per period", func(t *testing.T) {
		// The escalation and the leavers check run every period; with both instances
		// up for two more periods, each must be in the queue once per period: two
		// more runs, never two within one period.
		kinds := []string{"notify_escalate", "users_leavers_check"}
		runs := func(kind string) []time.Time {
			rows, err := d.R.QueryContext(ctx, "SELECT scheduled_at FROM river_job WHERE kind = $1 ORDER BY scheduled_at", kind)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []time.Time
			for rows.Next() {
				var at time.Time
				if err := rows.Scan(&at); err != nil {
					t.Fatal(err)
				}
				out = append(out, at)
			}
			return out
		}
		had := []int{len(runs(kinds[0])), len(runs(kinds[1]))}
		deadline := time.Now().Add(12 * instancePeriod)
		for len(runs(kinds[0])) < had[0]+2 || len(runs(kinds[1])) < had[1]+2 {
			if time.Now().After(deadline) {
				t.Fatalf("in %s: %d escalations, %d leavers checks; want 2 more each than %v", 12*instancePeriod, len(runs(kinds[0])), len(runs(kinds[1])), had)
			}
			time.Sleep(instancePeriod / 10)
		}
		for _, in := range []*instance{a, b} {
			if code, _ := do(t, "GET", in.url("/readyz"), "", nil); code != 200 {
				t.Fatalf("instance %s is not ready any more (%d): the runs were not shared by two", in.addr, code)
			}
		}
		for _, kind := range kinds {
			at := runs(kind)
			for i := 1; i < len(at); i++ {
				if gap := at[i].Sub(at[i-1]); gap < instancePeriod*5/6 {
					t.Errorf("%s ran twice within one period: %v apart (runs %v)", kind, gap, at)
				}
			}
			t.Logf("%s: %d runs, %v", kind, len(at), at)
		}
	})

	t.Run("upkeep filed once", func(t *testing.T) {
		if upkeepPlan == 0 {
			t.Skip("no plan was made")
		}
		// Two scheduler passes that began after the plan was made due, worked by
		// either instance: one of them files (or an earlier one did), none again.
		var filed, runs, passes int
		deadline := time.Now().Add(12 * instancePeriod)
		for {
			if err := d.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM river_job WHERE kind = 'upkeep_due' AND state = 'completed' AND scheduled_at > $1", upkeepMadeDue).Scan(&passes); err != nil {
				t.Fatal(err)
			}
			if passes >= 2 || time.Now().After(deadline) {
				break
			}
			time.Sleep(instancePeriod / 10)
		}
		if err := d.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM tickets WHERE upkeep_plan_id = $1 AND asset_id = $2", upkeepPlan, upkeepDevice).Scan(&filed); err != nil {
			t.Fatal(err)
		}
		if err := d.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM upkeep_runs WHERE plan_id = $1", upkeepPlan).Scan(&runs); err != nil {
			t.Fatal(err)
		}
		if filed != 1 || runs != 1 || passes < 2 {
			t.Fatalf("%d tickets and %d run rows for the due plan after %d scheduler passes; want 1 and 1 after at least 2 since it was due", filed, runs, passes)
		}
	})
}

// office is what the two-instance test files against.
type office struct {
	asset, problem int64
	ex2            *users.User
}

// instanceOffice arranges, directly in the shared database, an admin, an employee,
// two executors of IT who are both away (so a filing waits for someone to take it),
// and a printer routed to IT.
func instanceOffice(t *testing.T, d *db.DB) office {
	t.Helper()
	ctx := context.Background()
	acc := testkit.Accounts(t, d)
	mk := func(email string, roles []users.Role, deps ...string) *users.User {
		u, err := acc.CreateUser(ctx, users.CreateInput{Email: email, FullName: email, Roles: roles, DepartmentCodes: deps, Password: "long enough passphrase", Language: "en"})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	root := mk("root@example.com", []users.Role{users.RoleEmployee, users.RoleAdmin})
	it, err := acc.CreateDepartment(ctx, root, users.DepartmentInput{Code: "it", NameEN: "IT support"})
	if err != nil {
		t.Fatal(err)
	}
	mk("emp@example.com", []users.Role{users.RoleEmployee})
	away := false
	var ex2 *users.User
	for _, email := range []string{"ex1@example.com", "ex2@example.com"} {
		u := mk(email, []users.Role{users.RoleEmployee, users.RoleExecutor}, "it")
		if u, err = acc.UpdateUser(ctx, root, u.ID, users.UserPatch{Available: &away}); err != nil {
			t.Fatal(err)
		}
		ex2 = u
	}
	as := assets.NewService(d, nil)
	cls, _ := as.CreateClass(ctx, root, assets.Names{EN: "IT equipment"})
	typ, _ := as.CreateType(ctx, root, assets.TypeInput{ClassID: cls.ID, Names: assets.Names{EN: "Printer"}})
	jam, _ := as.CreateProblem(ctx, root, assets.Names{EN: "Paper jam"})
	if _, err := as.SetOffers(ctx, root, typ.ID, []assets.OfferInput{{ProblemID: jam.ID}}); err != nil {
		t.Fatal(err)
	}
	pr, err := as.CreateAsset(ctx, root, assets.AssetInput{Name: "Printer", TypeID: typ.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tickets.NewRules(d, nil).Create(ctx, root, tickets.RuleInput{ClassID: cls.ID, DepartmentID: it.ID}); err != nil {
		t.Fatal(err)
	}
	return office{asset: pr.ID, problem: jam.ID, ex2: ex2}
}

// TestAnInstanceKilledHoldingTheMigrationLock: the lock that serialises migrations is
// a PostgreSQL session lock, so an instance that dies while holding it releases it
// with its connection, and the next instance migrates and serves. The dying instance
// is a connection that takes the lock and is then cut off, as a killed process's is.
func TestAnInstanceKilledHoldingTheMigrationLock(t *testing.T) {
	dbURL := testkit.FreshDatabase(t)
	ctx := context.Background()
	holder := testkit.OpenURL(t, dbURL)
	conn, err := holder.W.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var pid int
	if err := conn.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", int64(0x736d617274737663)); err != nil {
		t.Fatal(err)
	}
	in := startInstance(t, dbURL)
	time.Sleep(3 * time.Second)
	// Refused, not left hanging: the port opens after the migrations.
	if resp, err := (&http.Client{Timeout: 5 * time.Second}).Get(in.url("/readyz")); err == nil {
		resp.Body.Close()
		t.Fatalf("the instance served (%d) while another held the migration lock", resp.StatusCode)
	}
	other := testkit.OpenURL(t, dbURL)
	if _, err := other.W.ExecContext(ctx, "SELECT pg_terminate_backend($1)", pid); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	waitReady(t, in.addr, 60*time.Second)
	if cur, err := other.Current(ctx); err != nil || !cur {
		t.Fatalf("migrated after the lock's holder died: %v %v", cur, err)
	}
}
