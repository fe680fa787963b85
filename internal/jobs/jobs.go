// Package jobs runs Smart Service's background jobs with River, on SQLite and on
// PostgreSQL alike, and ties the job queue's life to the server's.
//
// Jobs that announce a change are inserted with InsertTx in the transaction that
// makes the change, so a committed change always has its job and a rolled-back one
// never does. The River client is a *river.Client[*sql.Tx] on both engines so that
// the *sql.Tx handed out by db.DB.InTx can be passed straight to InsertTx.
//
// On SQLite every River query goes through the database's single writer
// connection. Inside an InTx callback, use InsertTx with the callback's tx: Insert
// (or any other query on d.W) would wait for the connection the callback holds
// and never get it.
//
// Stop the client before closing the database: River's queries and, on
// PostgreSQL, its LISTEN connection use the database's handles until then.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"smartservice/internal/db"
)

// DefaultMaxWorkers is how many jobs of the default queue run at once when
// Options.Queues is nil: notification sends wait on the network, not on the CPU,
// so a handful in flight keeps latency low without flooding Telegram or SMTP.
const DefaultMaxWorkers = 10

// maxCancelGrace caps the part of Stop's deadline kept back for cancelled jobs to
// return; most of the deadline goes to letting jobs finish on their own.
const maxCancelGrace = 5 * time.Second

// Options tune the job client. The zero value is a sensible production setup.
type Options struct {
	// Queues maps each queue this process works to how many of its jobs run at
	// once. Nil works only River's default queue with DefaultMaxWorkers; jobs in a
	// queue not listed here are never worked by this client.
	Queues map[string]int

	// FetchPollInterval is the longest a runnable job waits before a fetch finds
	// it when no insert notification arrives (another process inserted it, or the
	// notification was lost). Zero keeps River's default (1 s).
	FetchPollInterval time.Duration

	// FetchCooldown is the shortest time between two fetches of one queue, which
	// bounds the query rate under a burst of inserts. Zero keeps River's default
	// (100 ms); it must not exceed FetchPollInterval.
	FetchCooldown time.Duration

	// JobTimeout cancels a job's context after this long so a hung send cannot
	// hold a worker slot forever. Zero keeps River's default (1 min); -1 disables.
	JobTimeout time.Duration

	// RescueStuckJobsAfter is how long a job may stay "running" before it is
	// considered abandoned (its process was killed mid-job) and retried. Zero
	// keeps River's default (1 h, or JobTimeout + 1 h); it must exceed JobTimeout.
	RescueStuckJobsAfter time.Duration

	// RetryPolicy decides when a failed job runs again. Nil keeps River's
	// default: exponential backoff, attempt⁴ seconds with ±10 % jitter. Tests set
	// a short fixed delay to stay fast.
	RetryPolicy river.ClientRetryPolicy

	// PeriodicJobs run on a schedule; River runs them on its elected leader only,
	// so several instances do not repeat them.
	PeriodicJobs []*river.PeriodicJob

	// InsertOnly marks a client that only inserts (tools and tests that build the
	// domain without running workers): jobs of kinds it has no worker for are accepted.
	InsertOnly bool

	// Logger receives River's logs (failed jobs at error level). Nil discards
	// them rather than letting River print to stdout.
	Logger *slog.Logger
}

// Client is the job queue of one server process: it inserts jobs and, between
// Start and Stop, works them.
type Client struct {
	rc *river.Client[*sql.Tx]
	d  *db.DB

	// startStop serialises Start and Stop; Running does not take it so that a
	// readiness probe never waits behind a draining Stop.
	startStop sync.Mutex
	// stopped is River's "client stopped" channel while started, nil otherwise.
	stopped atomic.Pointer[<-chan struct{}]
}

// NewWorkers returns an empty worker registry. Each module adds its workers with
// river.AddWorker before the registry is handed to New; River refuses to Start a
// client whose registry is empty.
func NewWorkers() *river.Workers {
	return river.NewWorkers()
}

// New builds the job client for d. It does not start working jobs; Start does.
func New(d *db.DB, workers *river.Workers, opts Options) (*Client, error) {
	if d == nil {
		return nil, errors.New("jobs: nil database")
	}
	if workers == nil {
		return nil, errors.New("jobs: nil worker registry")
	}
	queues := map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: DefaultMaxWorkers}}
	if opts.Queues != nil {
		if len(opts.Queues) == 0 {
			return nil, errors.New("jobs: Options.Queues is empty: list at least one queue, or leave it nil for the default queue")
		}
		queues = make(map[string]river.QueueConfig, len(opts.Queues))
		for name, n := range opts.Queues {
			queues[name] = river.QueueConfig{MaxWorkers: n}
		}
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}

	var driver riverdriver.Driver[*sql.Tx]
	switch d.Dialect {
	case db.SQLite:
		// The writer is one connection, which is what River's SQLite driver asks
		// for: its maintenance, fetch and completion queries would otherwise
		// fail with SQLITE_BUSY against the app's writes.
		driver = riversqlite.New(d.W)
	case db.Postgres:
		if d.Listener == nil {
			return nil, errors.New("jobs: PostgreSQL database without a listener pool")
		}
		// database/sql for every query so that InsertTx takes the app's *sql.Tx;
		// a pgx pool only for the LISTEN connection that wakes fetchers on insert.
		driver = riverdatabasesql.NewWithPgxListener(d.W, d.Listener)
	default:
		return nil, fmt.Errorf("jobs: unsupported dialect %q", d.Dialect)
	}

	rc, err := river.NewClient(driver, &river.Config{
		FetchCooldown:        opts.FetchCooldown,
		FetchPollInterval:    opts.FetchPollInterval,
		JobTimeout:           opts.JobTimeout,
		Logger:               logger,
		PeriodicJobs:         opts.PeriodicJobs,
		Queues:               queues,
		RescueStuckJobsAfter: opts.RescueStuckJobsAfter,
		RetryPolicy:          opts.RetryPolicy,
		SkipUnknownJobCheck:  opts.InsertOnly,
		Workers:              workers,
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return &Client{rc: rc, d: d}, nil
}

// Start begins working jobs in the background. ctx bounds only the start itself:
// the client keeps running until Stop, so that a cancelled request or signal
// context cannot abort running jobs without the grace period Stop gives them.
// Starting a running client does nothing.
func (c *Client) Start(ctx context.Context) error {
	c.startStop.Lock()
	defer c.startStop.Unlock()
	if c.Running() {
		return nil
	}
	// River's own start-up check runs on the detached context below, so check
	// reachability here where ctx can still bound it.
	if err := c.d.W.PingContext(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	if err := c.rc.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	stopped := c.rc.Stopped()
	c.stopped.Store(&stopped)
	return nil
}

// Stop stops fetching jobs and waits for the running ones to finish. When ctx has
// a deadline, the last quarter of it (at most 5 s) is kept back: if jobs are still
// running then, their contexts are cancelled so that they return and River puts
// them back as "available" (the attempt not counted) for the next start, instead
// of leaving them "running" until RescueStuckJobsAfter. Stop returns
// when ctx ends even if a job ignores cancellation, with ctx's error; a later
// Stop waits again. Without a deadline Stop waits as long as the jobs run.
func (c *Client) Stop(ctx context.Context) error {
	c.startStop.Lock()
	defer c.startStop.Unlock()
	// Not ready from the moment shutdown begins: a load balancer should stop
	// sending work while jobs drain.
	c.stopped.Store(nil)

	soft := ctx
	if deadline, ok := ctx.Deadline(); ok {
		keep := min(time.Until(deadline)/4, maxCancelGrace)
		var cancel context.CancelFunc
		soft, cancel = context.WithDeadline(ctx, deadline.Add(-keep))
		defer cancel()
	}
	if err := c.rc.Stop(soft); err == nil {
		return nil
	}
	// The soft phase is over. If ctx itself has ended, StopAndCancel still
	// cancels the jobs' contexts before it returns ctx's error.
	if err := c.rc.StopAndCancel(ctx); err != nil {
		return fmt.Errorf("jobs: stop: running jobs did not return in time: %w", err)
	}
	return nil
}

// Running reports whether the client is working jobs: true between a successful
// Start and the next Stop, false as well when River's client has stopped on its
// own. It is cheap and never blocks, for /readyz.
func (c *Client) Running() bool {
	p := c.stopped.Load()
	if p == nil {
		return false
	}
	select {
	case <-*p:
		return false
	default:
		return true
	}
}

// InsertTx inserts a job in the caller's transaction, so that the job exists if
// and only if the transaction commits. The job becomes visible to workers at
// commit; it can be called whether or not the client is started.
func (c *Client) InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error {
	if _, err := c.rc.InsertTx(ctx, tx, args, opts); err != nil {
		return fmt.Errorf("jobs: insert %s: %w", args.Kind(), err)
	}
	return nil
}

// InsertManyTx inserts several jobs in the caller's transaction in one statement,
// so that they exist if and only if the transaction commits. A change that
// queues a job per notification paid a round trip each, inside a transaction
// that holds the writer (SQLite) or a department's lock (PostgreSQL).
//
// It uses River's InsertManyFastTx, which does not read the inserted rows back
// (River's InsertTx returns every column of each job and decodes it, a quarter
// of a filing's CPU on SQLite). That variant cannot tell which jobs a unique
// conflict skipped, so jobs with unique options are refused here; insert those
// with InsertTx, which reports a skipped duplicate.
func (c *Client) InsertManyTx(ctx context.Context, tx *sql.Tx, params []river.InsertManyParams) error {
	if len(params) == 0 {
		return nil
	}
	for _, p := range params {
		if unique(p) {
			return fmt.Errorf("jobs: insert %s: a unique job cannot be inserted in a batch; use InsertTx", p.Args.Kind())
		}
	}
	if _, err := c.rc.InsertManyFastTx(ctx, tx, params); err != nil {
		return fmt.Errorf("jobs: insert %d jobs of kind %s: %w", len(params), params[0].Args.Kind(), err)
	}
	return nil
}

// unique says whether p asks River for a unique job, by its own options or by
// its args' defaults.
func unique(p river.InsertManyParams) bool {
	set := func(o river.UniqueOpts) bool {
		return o.ByArgs || o.ByPeriod != 0 || o.ByQueue || o.ByState != nil || o.ExcludeKind
	}
	if p.InsertOpts != nil && set(p.InsertOpts.UniqueOpts) {
		return true
	}
	if a, ok := p.Args.(river.JobArgsWithInsertOpts); ok {
		return set(a.InsertOpts().UniqueOpts)
	}
	return false
}

// Insert inserts a job in a transaction of its own, for work that announces no
// database change. On SQLite never call it while holding a transaction on the
// writer (inside db.DB.InTx): it needs the writer's only connection; use InsertTx.
func (c *Client) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	if _, err := c.rc.Insert(ctx, args, opts); err != nil {
		return fmt.Errorf("jobs: insert %s: %w", args.Kind(), err)
	}
	return nil
}

// River returns the underlying River client for what this package does not wrap
// (listing, cancelling or retrying jobs, subscribing to events). Start and stop
// it only through Client, or Running will not know.
func (c *Client) River() *river.Client[*sql.Tx] {
	return c.rc
}
