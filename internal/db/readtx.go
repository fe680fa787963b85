package db

import (
	"context"
	"database/sql"
	"fmt"
)

// InReadTx runs fn in a read-only transaction, so that every read of fn sees one
// snapshot: a page built from several reads never mixes two states of the data.
// On SQLite it runs on the read pool R (query_only): a deferred transaction in WAL
// mode keeps the snapshot of its first read and never waits for the writer. On
// PostgreSQL it is READ ONLY and REPEATABLE READ (one snapshot for the whole
// transaction, where READ COMMITTED takes one per statement). fn must use tx for
// every query.
func (d *DB) InReadTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if d.Dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := d.R.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("db: begin read: %w", err)
	}
	// Nothing was written: ending it either way is the same, and a rollback cannot
	// fail on a commit's checks.
	defer func() { _ = tx.Rollback() }()
	return fn(tx)
}
