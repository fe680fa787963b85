package db

import (
	"context"
	"database/sql/driver"
	"errors"

	"modernc.org/sqlite"
)

// SQLite statements are compiled again on every call through database/sql's
// ExecContext and QueryContext: the profiles of the device page and of filing
// showed sqlite3Prepare at a fifth to a third of the CPU. The SQLite connections
// therefore keep each statement text they ran compiled (stmtCachingConn), the way
// pgx already does on PostgreSQL; SQLite recompiles a cached statement by itself
// when a migration changes the schema under it. Call sites stay plain SQL.

// maxCachedStmts bounds one connection's cache: our statements are a few hundred
// texts; lists built with a variable number of placeholders add some more.
const maxCachedStmts = 512

type stmtCachingConnector struct{ driver.Connector }

func (c stmtCachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &stmtCachingConn{Conn: conn, stmts: make(map[string]*cachedStmt)}, nil
}

// stmtCachingConn is one SQLite connection with its compiled statements. A
// connection is used by one goroutine at a time (database/sql's rule), so the map
// needs no lock; a statement whose rows are still open is busy, and a second use
// of the same text meanwhile (a query inside a loop over the same query) is run
// uncached.
type stmtCachingConn struct {
	driver.Conn
	stmts map[string]*cachedStmt
}

type cachedStmt struct {
	st   driver.Stmt
	busy bool
}

var errNoContextForms = errors.New("db: the SQLite driver lacks a context form")

// stmt is the cached statement for query, nil when it is busy.
func (c *stmtCachingConn) stmt(ctx context.Context, query string) (*cachedStmt, error) {
	if cs, ok := c.stmts[query]; ok {
		if cs.busy {
			return nil, nil
		}
		return cs, nil
	}
	p, ok := c.Conn.(driver.ConnPrepareContext)
	if !ok {
		return nil, errNoContextForms
	}
	st, err := p.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if len(c.stmts) >= maxCachedStmts {
		c.closeIdle()
	}
	cs := &cachedStmt{st: st}
	c.stmts[query] = cs
	return cs, nil
}

// closeIdle drops every statement not in use.
func (c *stmtCachingConn) closeIdle() {
	for q, cs := range c.stmts {
		if !cs.busy {
			_ = cs.st.Close()
			delete(c.stmts, q)
		}
	}
}

// ExecContext runs query through its cached statement.
func (c *stmtCachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	cs, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		if e, ok := c.Conn.(driver.ExecerContext); ok {
			return e.ExecContext(ctx, query, args)
		}
		return nil, driver.ErrSkip
	}
	e, ok := cs.st.(driver.StmtExecContext)
	if !ok {
		return nil, errNoContextForms
	}
	return e.ExecContext(ctx, args)
}

// QueryContext runs query through its cached statement, busy until its rows close.
func (c *stmtCachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cs, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		if q, ok := c.Conn.(driver.QueryerContext); ok {
			return q.QueryContext(ctx, query, args)
		}
		return nil, driver.ErrSkip
	}
	q, ok := cs.st.(driver.StmtQueryContext)
	if !ok {
		return nil, errNoContextForms
	}
	cs.busy = true
	rows, err := q.QueryContext(ctx, args)
	if err != nil {
		cs.busy = false
		return nil, err
	}
	return &cachedRows{Rows: rows, cs: cs}, nil
}

type cachedRows struct {
	driver.Rows
	cs *cachedStmt
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.cs.busy = false
	return err
}

// Close closes the cached statements, then the connection.
func (c *stmtCachingConn) Close() error {
	for q, cs := range c.stmts {
		_ = cs.st.Close()
		delete(c.stmts, q)
	}
	return c.Conn.Close()
}

// The optional interfaces of the driver's connection, passed through so that
// database/sql treats the wrapped connection as it treats the driver's.

func (c *stmtCachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := c.Conn.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	return nil, errNoContextForms
}

func (c *stmtCachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		return p.PrepareContext(ctx, query)
	}
	return c.Conn.Prepare(query)
}

func (c *stmtCachingConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *stmtCachingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *stmtCachingConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (c *stmtCachingConn) CheckNamedValue(nv *driver.NamedValue) error {
	if n, ok := c.Conn.(driver.NamedValueChecker); ok {
		return n.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

// NewBackup and NewRestore keep the driver's online backup reachable through
// sql.Conn.Raw.
func (c *stmtCachingConn) NewBackup(dstURI string) (*sqlite.Backup, error) {
	b, ok := c.Conn.(interface {
		NewBackup(string) (*sqlite.Backup, error)
	})
	if !ok {
		return nil, errNoContextForms
	}
	return b.NewBackup(dstURI)
}

// NewRestore: see NewBackup.
func (c *stmtCachingConn) NewRestore(srcURI string) (*sqlite.Backup, error) {
	b, ok := c.Conn.(interface {
		NewRestore(string) (*sqlite.Backup, error)
	})
	if !ok {
		return nil, errNoContextForms
	}
	return b.NewRestore(srcURI)
}

// Unwrap is the driver's own connection.
func (c *stmtCachingConn) Unwrap() driver.Conn { return c.Conn }
