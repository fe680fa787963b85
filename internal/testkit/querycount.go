package testkit

// Counting the SQL statements one request runs. CountQueries wraps a database's
// connectors (db.Options.Wrap, testserver.Options.WrapDB); a statement is counted
// only when its context carries a counter from WithQueryCount, so the job queue's
// polling and other tests' requests on the same server never enter the count.
// database/sql hands the caller's context down to the driver on every statement
// (in or out of a transaction), which is what makes the attribution exact.

import (
	"context"
	"database/sql/driver"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
)

// QueryCount is what one counted piece of work sent to the database.
type QueryCount struct {
	// Statements are queries and execs, each statement once (BEGIN and COMMIT not included).
	Statements int64
	// Transactions are the transactions begun, read-only ones included.
	Transactions int64
	// SQL holds the statements' texts, whitespace folded, in order: what to read
	// when a count changes.
	SQL []string
}

type queryCounter struct {
	statements, transactions atomic.Int64
	mu                       sync.Mutex
	sql                      []string
}

type counterKey struct{}

// WithQueryCount returns a context whose statements are counted, and the function
// that reads the count so far.
func WithQueryCount(ctx context.Context) (context.Context, func() QueryCount) {
	c := &queryCounter{}
	return context.WithValue(ctx, counterKey{}, c), func() QueryCount {
		c.mu.Lock()
		defer c.mu.Unlock()
		return QueryCount{Statements: c.statements.Load(), Transactions: c.transactions.Load(), SQL: append([]string(nil), c.sql...)}
	}
}

func countStatement(ctx context.Context, query string) {
	if c, ok := ctx.Value(counterKey{}).(*queryCounter); ok {
		c.statements.Add(1)
		c.mu.Lock()
		c.sql = append(c.sql, strings.Join(strings.Fields(query), " "))
		c.mu.Unlock()
	}
}

// CountQueries wraps a connector so that statements run under a WithQueryCount
// context are counted; use it as db.Options.Wrap.
func CountQueries(c driver.Connector) driver.Connector { return countingConnector{c} }

type countingConnector struct{ driver.Connector }

func (c countingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &countingConn{conn}, nil
}

// countingConn passes everything to the driver's connection; it implements the
// optional interfaces both drivers offer, so database/sql uses the same paths
// (argument conversion included) as it does without the wrapper.
type countingConn struct{ driver.Conn }

// errNoContextForm: the wrapped driver lacks a context form of a method.
var errNoContextForm = errors.New("testkit: the wrapped driver has no context form of this method")

func (c *countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if cc, ok := ctx.Value(counterKey{}).(*queryCounter); ok {
		cc.transactions.Add(1)
	}
	if b, ok := c.Conn.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	// Both our drivers (modernc, pgx) have the context forms; the deprecated ones are
	// not worth wrapping.
	return nil, errNoContextForm
}

func (c *countingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	var st driver.Stmt
	var err error
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		st, err = p.PrepareContext(ctx, query)
	} else {
		st, err = c.Conn.Prepare(query)
	}
	if err != nil {
		return nil, err
	}
	return &countingStmt{Stmt: st, conn: c.Conn, query: query}, nil
}

func (c *countingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	e, ok := c.Conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	res, err := e.ExecContext(ctx, query, args)
	if err != driver.ErrSkip {
		countStatement(ctx, query)
	}
	return res, err
}

func (c *countingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	q, ok := c.Conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	rows, err := q.QueryContext(ctx, query, args)
	if err != driver.ErrSkip {
		countStatement(ctx, query)
	}
	return rows, err
}

func (c *countingConn) CheckNamedValue(nv *driver.NamedValue) error {
	if n, ok := c.Conn.(driver.NamedValueChecker); ok {
		return n.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

func (c *countingConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *countingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *countingConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

// countingStmt counts a prepared statement each time it runs.
type countingStmt struct {
	driver.Stmt
	conn  driver.Conn
	query string
}

func (s *countingStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	countStatement(ctx, s.query)
	if e, ok := s.Stmt.(driver.StmtExecContext); ok {
		return e.ExecContext(ctx, args)
	}
	return nil, errNoContextForm
}

func (s *countingStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	countStatement(ctx, s.query)
	if q, ok := s.Stmt.(driver.StmtQueryContext); ok {
		return q.QueryContext(ctx, args)
	}
	return nil, errNoContextForm
}

// CheckNamedValue asks the statement, then the connection, as database/sql would
// ask them without the wrapper.
func (s *countingStmt) CheckNamedValue(nv *driver.NamedValue) error {
	if n, ok := s.Stmt.(driver.NamedValueChecker); ok {
		return n.CheckNamedValue(nv)
	}
	if n, ok := s.conn.(driver.NamedValueChecker); ok {
		return n.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}
