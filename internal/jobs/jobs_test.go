package jobs_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"smartservice/internal/db"
	"smartservice/internal/jobs"
	"smartservice/internal/testkit"
)

// wait bounds every wait for a job so that a broken queue fails the test instead
// of hanging it.
const wait = 15 * time.Second

// TestMain fails the run when River goroutines outlive the tests: every client
// must be stopped, or a server restart would leak workers.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 && os.Getenv(helperEnv) == "" {
		if leaked := riverGoroutines(3 * time.Second); leaked != "" {
			fmt.Fprintf(os.Stderr, "River goroutines still running after the tests:\n%s\n", leaked)
			code = 1
		}
	}
	os.Exit(code)
}

// riverGoroutines waits up to timeout for River's goroutines to end and returns
// the stacks of those still running.
func riverGoroutines(timeout time.Duration) string {
	deadline := time.Now().Add(timeout)
	for {
		buf := make([]byte, 8<<20)
		buf = buf[:runtime.Stack(buf, true)]
		var leaked []string
		for g := range strings.SplitSeq(string(buf), "\n\n") {
			if strings.Contains(g, "github.com/riverqueue/river") {
				leaked = append(leaked, g)
			}
		}
		if len(leaked) == 0 || time.Now().After(deadline) {
			return strings.Join(leaked, "\n\n")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// recordArgs is a job whose worker reports its tag on a channel.
type recordArgs struct {
	Tag string `json:"tag"`
}

func (recordArgs) Kind() string { return "jobs_test_record" }

type recordWorker struct {
	river.WorkerDefaults[recordArgs]
	ran chan string
}

func (w *recordWorker) Work(ctx context.Context, job *river.Job[recordArgs]) error {
	select {
	case w.ran <- job.Args.Tag:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func newRecordWorkers() (*river.Workers, chan string) {
	ran := make(chan string, 100)
	workers := jobs.NewWorkers()
	river.AddWorker(workers, &recordWorker{ran: ran})
	return workers, ran
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// newClient builds a client that the test's cleanup stops (before the database
// closes: cleanups run last-registered first).
func newClient(t testing.TB, d *db.DB, workers *river.Workers, opts jobs.Options) *jobs.Client {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = testLogger(t)
	}
	c, err := jobs.New(d, workers, opts)
	if err != nil {
		t.Fatalf("jobs.New: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := c.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return c
}

func startClient(t testing.TB, d *db.DB, workers *river.Workers, opts jobs.Options) *jobs.Client {
	t.Helper()
	c := newClient(t, d, workers, opts)
	if err := c.Start(t.Context()); err != nil {
		t.Fatalf("start: %v", err)
	}
	return c
}

func waitTag(t testing.TB, ran <-chan string, want string) {
	t.Helper()
	timeout := time.After(wait)
	for {
		select {
		case got := <-ran:
			if got == want {
				return
			}
			t.Fatalf("job %q ran while waiting for %q", got, want)
		case <-timeout:
			t.Fatalf("job %q did not run within %s", want, wait)
		}
	}
}

func jobStates(t testing.TB, d *db.DB, kind string) []string {
	t.Helper()
	rows, err := d.R.QueryContext(context.Background(), "SELECT state FROM river_job WHERE kind = $1 ORDER BY id", kind)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var states []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		states = append(states, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return states
}

// waitState polls until every job of kind is in state, for River's completer,
// which records outcomes a little after the worker returns.
func waitState(t testing.TB, d *db.DB, kind string, state rivertype.JobState) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		states := jobStates(t, d, kind)
		if len(states) > 0 && !slices.ContainsFunc(states, func(s string) bool { return s != string(state) }) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s jobs: states %v, want all %s", kind, states, state)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func insertDepartment(ctx context.Context, tx *sql.Tx, code string) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO departments (code, name_en, created_at) VALUES ($1, $2, $3)", code, "Dept "+code, time.Now().UTC())
	return err
}

func TestCommittedJobRuns(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		workers, ran := newRecordWorkers()
		c := startClient(t, d, workers, jobs.Options{})

		// A deadline turns a deadlock on SQLite's single writer connection (an
		// insert that wanted a second connection) into a failure, not a hang.
		ctx, cancel := context.WithTimeout(t.Context(), wait)
		defer cancel()
		start := time.Now()
		err := d.InTx(ctx, func(tx *sql.Tx) error {
			if err := insertDepartment(ctx, tx, "committed"); err != nil {
				return err
			}
			return c.InsertTx(ctx, tx, recordArgs{Tag: "committed"}, nil)
		})
		if err != nil {
			t.Fatalf("transaction: %v", err)
		}
		waitTag(t, ran, "committed")
		t.Logf("committed job ran %v after the insert began", time.Since(start).Round(time.Millisecond))
		waitState(t, d, recordArgs{}.Kind(), rivertype.JobStateCompleted)
	})
}

func TestRolledBackJobNeverExists(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		workers, ran := newRecordWorkers()
		c := startClient(t, d, workers, jobs.Options{})
		ctx, cancel := context.WithTimeout(t.Context(), wait)
		defer cancel()

		boom := errors.New("the change failed")
		err := d.InTx(ctx, func(tx *sql.Tx) error {
			if err := insertDepartment(ctx, tx, "lost"); err != nil {
				return err
			}
			if err := c.InsertTx(ctx, tx, recordArgs{Tag: "rolled-back"}, nil); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("transaction: got %v, want the callback's error", err)
		}
		if states := jobStates(t, d, recordArgs{}.Kind()); len(states) != 0 {
			t.Fatalf("river_job after rollback: %v, want no row", states)
		}

		// The sentinel is inserted later, so a surviving rolled-back job would be
		// fetched first (River fetches by priority, then scheduled_at, then id):
		// once the sentinel has run, the worker loop has had its chance.
		if err := d.InTx(ctx, func(tx *sql.Tx) error {
			return c.InsertTx(ctx, tx, recordArgs{Tag: "sentinel"}, nil)
		}); err != nil {
			t.Fatal(err)
		}
		waitTag(t, ran, "sentinel") // fails if "rolled-back" arrives instead
		waitState(t, d, recordArgs{}.Kind(), rivertype.JobStateCompleted)
		select {
		case tag := <-ran:
			t.Fatalf("unexpected job %q ran", tag)
		default:
		}
		if states := jobStates(t, d, recordArgs{}.Kind()); len(states) != 1 {
			t.Fatalf("river_job rows: %v, want only the sentinel", states)
		}
	})
}

// uniqueArgs asks River for a unique job by default.
type uniqueArgs struct{}

func (uniqueArgs) Kind() string { return "jobs_test_unique" }

func (uniqueArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// InsertManyTx inserts a batch in the caller's transaction: all its jobs run
// after a commit, none exists after a rollback, and a unique job (which the
// batch's insert could skip without saying so) is refused.
func TestInsertManyTx(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		workers, ran := newRecordWorkers()
		river.AddWorker(workers, river.WorkFunc(func(context.Context, *river.Job[uniqueArgs]) error { return nil }))
		c := startClient(t, d, workers, jobs.Options{})
		ctx, cancel := context.WithTimeout(t.Context(), wait)
		defer cancel()
		batch := func(tags ...string) []river.InsertManyParams {
			var ps []river.InsertManyParams
			for _, tag := range tags {
				ps = append(ps, river.InsertManyParams{Args: recordArgs{Tag: tag}})
			}
			return ps
		}

		boom := errors.New("the change failed")
		err := d.InTx(ctx, func(tx *sql.Tx) error {
			if err := c.InsertManyTx(ctx, tx, batch("lost 1", "lost 2")); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("transaction: got %v, want the callback's error", err)
		}
		if states := jobStates(t, d, recordArgs{}.Kind()); len(states) != 0 {
			t.Fatalf("river_job after rollback: %v, want no row", states)
		}

		if err := d.InTx(ctx, func(tx *sql.Tx) error {
			if err := c.InsertManyTx(ctx, tx, nil); err != nil {
				return err
			}
			return c.InsertManyTx(ctx, tx, batch("one", "two", "three"))
		}); err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for range 3 {
			select {
			case tag := <-ran:
				got[tag] = true
			case <-time.After(wait):
				t.Fatalf("ran %v, want one, two and three", got)
			}
		}
		if !got["one"] || !got["two"] || !got["three"] {
			t.Errorf("ran %v, want one, two and three", got)
		}

		err = d.InTx(ctx, func(tx *sql.Tx) error {
			return c.InsertManyTx(ctx, tx, []river.InsertManyParams{{Args: recordArgs{Tag: "with a unique one"}}, {Args: uniqueArgs{}}})
		})
		if err == nil || !strings.Contains(err.Error(), "unique") {
			t.Errorf("a batch with a unique job: %v, want a refusal", err)
		}
		err = d.InTx(ctx, func(tx *sql.Tx) error {
			return c.InsertManyTx(ctx, tx, []river.InsertManyParams{{Args: recordArgs{Tag: "unique by option"},
				InsertOpts: &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByQueue: true}}}})
		})
		if err == nil || !strings.Contains(err.Error(), "unique") {
			t.Errorf("a batch with a job unique by its options: %v, want a refusal", err)
		}
		if states := jobStates(t, d, uniqueArgs{}.Kind()); len(states) != 0 {
			t.Errorf("unique jobs inserted: %v", states)
		}
	})
}

// flakyArgs is a job that fails its first attempt.
type flakyArgs struct{}

func (flakyArgs) Kind() string { return "jobs_test_flaky" }

type flakyAttempt struct {
	job *rivertype.JobRow // as fetched for this attempt
	at  time.Time
}

type flakyWorker struct {
	river.WorkerDefaults[flakyArgs]
	attempts chan flakyAttempt
}

const flakyError = "first attempt fails on purpose"

func (w *flakyWorker) Work(ctx context.Context, job *river.Job[flakyArgs]) error {
	w.attempts <- flakyAttempt{job: job.JobRow, at: time.Now()}
	if job.Attempt == 1 {
		return errors.New(flakyError)
	}
	return nil
}

// fixedDelay retries after a constant delay, to keep the retry test fast.
type fixedDelay time.Duration

func (p fixedDelay) NextRetry(*rivertype.JobRow) time.Time { return time.Now().Add(time.Duration(p)) }

func TestFailedJobIsRetriedAfterDelay(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		const delay = 200 * time.Millisecond
		// SQLite stores River's times to the millisecond.
		const slack = 5 * time.Millisecond
		attempts := make(chan flakyAttempt, 10)
		workers := jobs.NewWorkers()
		river.AddWorker(workers, &flakyWorker{attempts: attempts})
		c := newClient(t, d, workers, jobs.Options{RetryPolicy: fixedDelay(delay)})
		failed, cancelSub := c.River().Subscribe(river.EventKindJobFailed)
		defer cancelSub()
		if err := c.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		if err := c.Insert(t.Context(), flakyArgs{}, nil); err != nil {
			t.Fatal(err)
		}

		var first flakyAttempt
		select {
		case first = <-attempts:
		case <-time.After(wait):
			t.Fatal("the first attempt did not run")
		}
		if first.job.Attempt != 1 {
			t.Fatalf("first attempt numbered %d", first.job.Attempt)
		}

		// The failure as River recorded it (the row its UPDATE returned).
		var ev *river.Event
		select {
		case ev = <-failed:
		case <-time.After(wait):
			t.Fatal("no job_failed event")
		}
		j := ev.Job
		// Retries sooner than River's scheduler interval (5 s, not configurable)
		// are written as "available" with a future scheduled_at instead of
		// "retryable"; either way the job must wait out its delay.
		if j.State != rivertype.JobStateAvailable && j.State != rivertype.JobStateRetryable {
			t.Fatalf("state after the failure: %s, want available or retryable", j.State)
		}
		if len(j.Errors) != 1 || !strings.Contains(j.Errors[0].Error, flakyError) || j.Errors[0].Attempt != 1 {
			t.Fatalf("recorded errors: %+v, want the first attempt's", j.Errors)
		}
		if j.AttemptedAt == nil {
			t.Fatal("attempted_at not recorded")
		}
		// The upper bound tells the configured policy from River's default (1 s).
		if got := j.ScheduledAt.Sub(*j.AttemptedAt); got < delay-slack || got > delay+500*time.Millisecond {
			t.Fatalf("retry scheduled %v after the failed attempt began, want about %v", got, delay)
		}

		var second flakyAttempt
		select {
		case second = <-attempts:
		case <-time.After(wait):
			t.Fatal("the job was not retried")
		}
		if second.job.Attempt != 2 {
			t.Fatalf("second attempt numbered %d", second.job.Attempt)
		}
		if len(second.job.Errors) != 1 || !strings.Contains(second.job.Errors[0].Error, flakyError) {
			t.Fatalf("errors seen by the retry: %+v", second.job.Errors)
		}
		if gap := second.at.Sub(first.at); gap < delay-slack {
			t.Fatalf("retried %v after the first attempt, want at least %v", gap, delay)
		}
		if second.at.Before(second.job.ScheduledAt.Add(-slack)) {
			t.Fatalf("retried at %v, before its scheduled_at %v", second.at, second.job.ScheduledAt)
		}
		waitState(t, d, flakyArgs{}.Kind(), rivertype.JobStateCompleted)
		t.Logf("retried %v after the first attempt", second.at.Sub(first.at).Round(time.Millisecond))
	})
}

// alwaysFailArgs is a job whose every attempt fails.
type alwaysFailArgs struct{}

func (alwaysFailArgs) Kind() string { return "jobs_test_always_fails" }

type alwaysFailWorker struct {
	river.WorkerDefaults[alwaysFailArgs]
	attempts chan int
}

func (w *alwaysFailWorker) Work(_ context.Context, job *river.Job[alwaysFailArgs]) error {
	w.attempts <- job.Attempt
	return fmt.Errorf("attempt %d fails on purpose", job.Attempt)
}

// TestDefaultRetryPolicyBacksOff runs a failing job on the production settings (no
// RetryPolicy): the second delay must be longer than the first, and a job waiting
// in "retryable" must come back through River's scheduler.
func TestDefaultRetryPolicyBacksOff(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		attempts := make(chan int, 10)
		workers := jobs.NewWorkers()
		river.AddWorker(workers, &alwaysFailWorker{attempts: attempts})
		c := newClient(t, d, workers, jobs.Options{})
		failed, cancelSub := c.River().Subscribe(river.EventKindJobFailed)
		defer cancelSub()
		if err := c.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		if err := c.Insert(t.Context(), alwaysFailArgs{}, nil); err != nil {
			t.Fatal(err)
		}

		delays := make([]time.Duration, 0, 2)
		var last *rivertype.JobRow
		for i := range 2 {
			select {
			case ev := <-failed:
				last = ev.Job
			case <-time.After(wait):
				t.Fatalf("failure %d not reported", i+1)
			}
			if len(last.Errors) != i+1 {
				t.Fatalf("after failure %d: %d errors recorded", i+1, len(last.Errors))
			}
			delays = append(delays, last.ScheduledAt.Sub(last.Errors[i].At))
		}
		t.Logf("default policy delays: %v", delays)
		// attempt⁴ seconds ± 10 %: about 1 s, then about 16 s.
		if delays[0] < 800*time.Millisecond || delays[0] > 1200*time.Millisecond {
			t.Errorf("first retry delay %v, want about 1 s", delays[0])
		}
		if delays[1] <= delays[0] || delays[1] < 14*time.Second || delays[1] > 18*time.Second {
			t.Errorf("second retry delay %v, want about 16 s and more than the first (%v)", delays[1], delays[0])
		}

		// A delay beyond the scheduler interval leaves the job "retryable" in the
		// database, not picked up again until then.
		row, err := c.River().JobGet(t.Context(), last.ID)
		if err != nil {
			t.Fatal(err)
		}
		if row.State != rivertype.JobStateRetryable || row.Attempt != 2 {
			t.Fatalf("after two failures: state %s attempt %d, want retryable after 2", row.State, row.Attempt)
		}
		select {
		case n := <-attempts:
			if n != 1 {
				t.Fatalf("attempt %d, want 1", n)
			}
		default:
			t.Fatal("the first attempt was not recorded")
		}
		if n := <-attempts; n != 2 {
			t.Fatalf("attempt %d, want 2", n)
		}

		// Skip the 16 s wait by moving its time, not its state: the leader's
		// scheduler must still bring it back to "available" and a worker run it.
		due := any(time.Now().UTC().Add(-time.Second))
		if d.Dialect == db.SQLite {
			due = time.Now().UTC().Add(-time.Second).Format("2006-01-02 15:04:05.000") // River's SQLite time format
		}
		if _, err := d.W.ExecContext(t.Context(), "UPDATE river_job SET scheduled_at = $1 WHERE id = $2", due, last.ID); err != nil {
			t.Fatal(err)
		}
		select {
		case n := <-attempts:
			if n != 3 {
				t.Fatalf("attempt %d, want 3", n)
			}
		case <-time.After(wait):
			t.Fatal("the retryable job did not run again once due")
		}
	})
}

func TestDefaultRetryPolicyGrows(t *testing.T) {
	t.Parallel()
	p := &river.DefaultClientRetryPolicy{}
	job := &rivertype.JobRow{}
	var prev time.Duration
	for attempt := 1; attempt <= 5; attempt++ {
		now := time.Now()
		delay := p.NextRetry(job).Sub(now)
		if delay <= prev {
			t.Fatalf("delay after failure %d: %v, not longer than the previous %v", attempt, delay, prev)
		}
		prev = delay
		job.Errors = append(job.Errors, rivertype.AttemptError{Attempt: attempt, At: now, Error: "x"})
	}
}

// blockArgs is a job that runs until its context ends, or until released when
// Stubborn is set (a job that ignores cancellation).
type blockArgs struct {
	Stubborn bool `json:"stubborn"`
}

func (blockArgs) Kind() string { return "jobs_test_block" }

type blockWorker struct {
	river.WorkerDefaults[blockArgs]
	started chan struct{}
	release chan struct{}
}

func (w *blockWorker) Work(ctx context.Context, job *river.Job[blockArgs]) error {
	w.started <- struct{}{}
	if job.Args.Stubborn {
		<-w.release
		return nil
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-w.release:
		return nil
	}
}

func TestStartStop(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		bw := &blockWorker{started: make(chan struct{}, 10), release: make(chan struct{})}
		workers := jobs.NewWorkers()
		river.AddWorker(workers, bw)
		c := newClient(t, d, workers, jobs.Options{})
		t.Cleanup(func() { close(bw.release) }) // runs before the client's Stop
		ctx := t.Context()

		if c.Running() {
			t.Fatal("running before Start")
		}
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if !c.Running() {
			t.Fatal("not running after Start")
		}
		if err := c.Start(ctx); err != nil || !c.Running() {
			t.Fatalf("second Start: %v, running %v", err, c.Running())
		}
		awaitStarted := func() {
			t.Helper()
			select {
			case <-bw.started:
			case <-time.After(wait):
				t.Fatal("the blocking job did not start")
			}
		}
		stop := func(timeout time.Duration) (time.Duration, error) {
			stopCtx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			start := time.Now()
			err := c.Stop(stopCtx)
			return time.Since(start), err
		}

		// A job that honours cancellation: Stop waits most of its deadline, then
		// cancels the job, which returns and is put back in the queue.
		if err := c.Insert(ctx, blockArgs{}, nil); err != nil {
			t.Fatal(err)
		}
		awaitStarted()
		took, err := stop(2 * time.Second)
		if err != nil {
			t.Fatalf("stop with a cancellable job: %v", err)
		}
		if took < time.Second || took > 2*time.Second {
			t.Fatalf("stop took %v, want between the soft phase (1.5 s) and the deadline (2 s)", took)
		}
		if c.Running() {
			t.Fatal("running after Stop")
		}
		rows, err := c.River().JobList(ctx, river.NewJobListParams().Kinds(blockArgs{}.Kind()))
		if err != nil {
			t.Fatal(err)
		}
		if len(rows.Jobs) != 1 {
			t.Fatalf("%d block jobs", len(rows.Jobs))
		}
		// River hands a job interrupted by shutdown back as "available" without
		// counting the attempt, so the next start runs it at once.
		if j := rows.Jobs[0]; j.State != rivertype.JobStateAvailable || j.Attempt != 0 || len(j.Errors) != 0 {
			t.Fatalf("interrupted job: state %s attempt %d errors %+v, want available, attempt 0, no error", j.State, j.Attempt, j.Errors)
		}
		if _, err := c.River().JobDelete(ctx, rows.Jobs[0].ID); err != nil {
			t.Fatal(err)
		}

		// It starts again after a Stop, and a graceful Stop waits for a job that
		// finishes in time.
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if !c.Running() {
			t.Fatal("not running after restart")
		}
		if err := c.Insert(ctx, blockArgs{}, nil); err != nil {
			t.Fatal(err)
		}
		awaitStarted()
		go func() {
			time.Sleep(200 * time.Millisecond)
			bw.release <- struct{}{}
		}()
		if took, err := stop(10 * time.Second); err != nil || took < 150*time.Millisecond {
			t.Fatalf("graceful stop: %v after %v, want nil after the job finished", err, took)
		}
		waitState(t, d, blockArgs{}.Kind(), rivertype.JobStateCompleted)

		// A job that ignores cancellation cannot hold Stop past its deadline.
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if err := c.Insert(ctx, blockArgs{Stubborn: true}, nil); err != nil {
			t.Fatal(err)
		}
		awaitStarted()
		took, err = stop(time.Second)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("stop with a stubborn job: %v, want the deadline error", err)
		}
		if took > 1500*time.Millisecond {
			t.Fatalf("stop took %v with a 1 s deadline", took)
		}
		if c.Running() {
			t.Fatal("running after a Stop that timed out")
		}
		// Cleanup releases the job and stops the client for good.
	})
}

func TestRunningFalseWhenRiverStopsBehindItsBack(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		workers, _ := newRecordWorkers()
		c := startClient(t, d, workers, jobs.Options{})
		if !c.Running() {
			t.Fatal("not running after Start")
		}
		ctx, cancel := context.WithTimeout(t.Context(), wait)
		defer cancel()
		if err := c.River().Stop(ctx); err != nil {
			t.Fatal(err)
		}
		if c.Running() {
			t.Fatal("running although River's client has stopped")
		}
	})
}

func TestNewRejectsBadOptions(t *testing.T) {
	t.Parallel()
	d := testkit.NewDB(t, db.SQLite)
	workers, _ := newRecordWorkers()
	for name, opts := range map[string]jobs.Options{
		"empty queues":                {Queues: map[string]int{}},
		"zero workers":                {Queues: map[string]int{river.QueueDefault: 0}},
		"cooldown above poll":         {FetchCooldown: 2 * time.Second, FetchPollInterval: time.Second},
		"rescue not above jobtimeout": {JobTimeout: time.Hour, RescueStuckJobsAfter: time.Minute},
	} {
		if _, err := jobs.New(d, workers, opts); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// Crash recovery: a job pending when the process is killed runs after a restart.

const (
	helperEnv = "SMARTSERVICE_JOBS_HELPER_URL"
	readyLine = "READY"
)

// pendingArgs is the job the killed process leaves behind.
type pendingArgs struct{}

func (pendingArgs) Kind() string { return "jobs_test_pending" }

type pendingWorker struct {
	river.WorkerDefaults[pendingArgs]
	ran chan struct{}
}

func (w *pendingWorker) Work(context.Context, *river.Job[pendingArgs]) error {
	if w.ran != nil {
		w.ran <- struct{}{}
	}
	return nil
}

// TestHelperProcess is the server that TestPendingJobRunsAfterKill kills. Run
// directly it does nothing.
func TestHelperProcess(t *testing.T) {
	url := os.Getenv(helperEnv)
	if url == "" {
		t.Skip("helper process for TestPendingJobRunsAfterKill")
	}
	fail := func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "helper: "+format+"\n", args...)
		os.Exit(3)
	}
	ctx := context.Background()
	d, err := db.Open(ctx, url, db.Options{ConnectTimeout: 10 * time.Second})
	if err != nil {
		fail("open: %v", err)
	}
	bw := &blockWorker{started: make(chan struct{}, 1), release: make(chan struct{})}
	workers := jobs.NewWorkers()
	river.AddWorker(workers, bw)
	river.AddWorker(workers, &pendingWorker{})
	// One worker, occupied by the blocking job: the pending job stays runnable
	// but unworked until the kill.
	c, err := jobs.New(d, workers, jobs.Options{
		Queues: map[string]int{river.QueueDefault: 1},
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		fail("new: %v", err)
	}
	if err := c.Start(ctx); err != nil {
		fail("start: %v", err)
	}
	if err := c.Insert(ctx, blockArgs{}, nil); err != nil {
		fail("insert blocker: %v", err)
	}
	select {
	case <-bw.started:
	case <-time.After(wait):
		fail("the blocking job did not start")
	}
	if err := d.InTx(ctx, func(tx *sql.Tx) error {
		return c.InsertTx(ctx, tx, pendingArgs{}, nil)
	}); err != nil {
		fail("insert pending: %v", err)
	}
	fmt.Println(readyLine)
	// Wait to be killed; exit on our own only if the parent never does.
	time.Sleep(2 * time.Minute)
	os.Exit(4)
}

func TestPendingJobRunsAfterKill(t *testing.T) {
	t.Parallel()
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			url := testkit.FreshURL(t, dialect)
			func() {
				d := testkit.OpenURL(t, url)
				if err := d.Migrate(t.Context(), nil); err != nil {
					t.Fatalf("migrate: %v", err)
				}
				d.Close() // the "server" has the database to itself, as in production
			}()

			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), helperEnv+"="+url)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			killed := false
			t.Cleanup(func() {
				if !killed {
					_ = cmd.Process.Kill()
					_ = cmd.Wait()
				}
			})
			ready := make(chan bool, 1)
			go func() {
				sc := bufio.NewScanner(stdout)
				for sc.Scan() {
					if sc.Text() == readyLine {
						ready <- true
						return
					}
				}
				ready <- false
			}()
			select {
			case ok := <-ready:
				if !ok {
					_ = cmd.Wait()
					t.Fatalf("helper exited before it was ready: %s", stderr.String())
				}
			case <-time.After(30 * time.Second):
				t.Fatal("helper not ready within 30 s")
			}
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()
			killed = true
			if stderr.Len() > 0 {
				t.Logf("helper stderr:\n%s", stderr.String())
			}

			d := testkit.OpenURL(t, url)
			if states := jobStates(t, d, pendingArgs{}.Kind()); !slices.Equal(states, []string{string(rivertype.JobStateAvailable)}) {
				t.Fatalf("pending job after the kill: %v, want one available", states)
			}
			ran := make(chan struct{}, 1)
			workers := jobs.NewWorkers()
			river.AddWorker(workers, &pendingWorker{ran: ran})
			river.AddWorker(workers, &blockWorker{started: make(chan struct{}, 10), release: make(chan struct{})})
			startClient(t, d, workers, jobs.Options{})
			start := time.Now()
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			select {
			case <-ran:
			case <-ctx.Done():
				t.Fatal("the pending job did not run within 30 s of the restart")
			}
			t.Logf("pending job ran %v after the restart", time.Since(start).Round(time.Millisecond))
			waitState(t, d, pendingArgs{}.Kind(), rivertype.JobStateCompleted)
			// The job that was running at the kill stays "running" until River's
			// rescuer gives up on it (RescueStuckJobsAfter); it is not re-run now.
			if states := jobStates(t, d, blockArgs{}.Kind()); !slices.Equal(states, []string{string(rivertype.JobStateRunning)}) {
				t.Fatalf("job running at the kill: %v, want still running", states)
			}
		})
	}
}
