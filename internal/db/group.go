package db

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// Group commits the writes of concurrent callers together: one transaction and
// one fsync for every caller waiting when the previous commit finished (group
// commit). On SQLite the writer is one connection and each commit is an fsync
// (synchronous=FULL), so one transaction per request caps filing at the disk's
// fsync rate no matter how little each request writes; sharing the commit lets a
// burst of filings cost about one fsync.
//
// Each caller's function runs inside its own savepoint: an error (or a panic)
// rolls back that caller's writes only, and its neighbours commit. Every caller
// is answered after the shared commit, so an acknowledged write is durable, and a
// failed commit fails every caller of that batch (none of them was written).
// There is no timer: a batch is whatever queued while the previous one committed,
// so a lone request waits for nobody.
type Group struct {
	d   *DB
	max int

	mu      sync.Mutex
	queue   []*groupCall
	running bool
}

type groupCall struct {
	ctx  context.Context
	fn   func(*sql.Tx) error
	err  error
	pan  any
	done chan struct{}
}

// NewGroup returns a group committer over d's writer; max bounds a batch (0: 64).
func NewGroup(d *DB, max int) *Group {
	if max <= 0 {
		max = 64
	}
	return &Group{d: d, max: max}
}

// Do runs fn in a transaction shared with concurrent callers and returns once
// that transaction committed (nil) or fn's writes were rolled back (fn's error,
// or the commit's). fn must use tx for every statement, as in InTx. A panic in
// fn is re-raised here, in the caller, after its writes were rolled back.
func (g *Group) Do(ctx context.Context, fn func(tx *sql.Tx) error) error {
	c := &groupCall{ctx: ctx, fn: fn, done: make(chan struct{})}
	g.mu.Lock()
	g.queue = append(g.queue, c)
	if !g.running {
		g.running = true
		go g.loop()
	}
	g.mu.Unlock()
	<-c.done
	if c.pan != nil {
		panic(c.pan)
	}
	return c.err
}

// loop commits batches until the queue is empty, then ends (no goroutine idles).
func (g *Group) loop() {
	for {
		g.mu.Lock()
		n := min(len(g.queue), g.max)
		if n == 0 {
			g.running = false
			g.mu.Unlock()
			return
		}
		batch := g.queue[:n:n]
		g.queue = g.queue[n:]
		g.mu.Unlock()
		g.run(batch)
	}
}

// run commits one batch.
func (g *Group) run(batch []*groupCall) {
	finish := func(err error) {
		for _, c := range batch {
			if c.err == nil && c.pan == nil {
				c.err = err
			}
			close(c.done)
		}
	}
	// The transaction outlives any one caller's context (a caller that gives up
	// fails its own statements, not the batch); it keeps the first caller's
	// values, so a request's query count sees it.
	tx, err := g.d.W.BeginTx(context.WithoutCancel(batch[0].ctx), nil)
	if err != nil {
		finish(fmt.Errorf("db: begin: %w", err))
		return
	}
	// Each call runs in a savepoint, released before the next one is taken; the
	// commit releases the last. On PostgreSQL the release and the next savepoint
	// go in one round trip (a multi-statement simple query), as a round trip
	// inside the batch delays every filing behind it.
	open := false
	for _, c := range batch {
		if err := c.ctx.Err(); err != nil {
			c.err = err
			continue
		}
		begin := "SAVEPOINT group_call"
		if open {
			if g.d.Dialect == Postgres {
				begin = "RELEASE SAVEPOINT group_call; SAVEPOINT group_call"
			} else if _, err := tx.Exec("RELEASE SAVEPOINT group_call"); err != nil {
				_ = tx.Rollback()
				finish(fmt.Errorf("db: release savepoint: %w", err))
				return
			}
		}
		if _, err := tx.Exec(begin); err != nil {
			_ = tx.Rollback()
			finish(fmt.Errorf("db: savepoint: %w", err))
			return
		}
		open = true
		c.pan, c.err = callIn(c, tx)
		if c.err != nil || c.pan != nil {
			if _, err := tx.Exec("ROLLBACK TO SAVEPOINT group_call"); err != nil {
				_ = tx.Rollback()
				finish(fmt.Errorf("db: roll back to savepoint: %w", err))
				return
			}
		}
	}
	if err := tx.Commit(); err != nil {
		finish(fmt.Errorf("db: commit: %w", err))
		return
	}
	finish(nil)
}

// callIn runs one caller's function, catching a panic for the caller to re-raise.
func callIn(c *groupCall, tx *sql.Tx) (pan any, err error) {
	defer func() {
		if p := recover(); p != nil {
			pan = p
		}
	}()
	return nil, c.fn(tx)
}
