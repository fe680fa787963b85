package db

import (
	"context"
	"database/sql"
	"net/url"
)

// OpenLegacySQLite opens the SQLite file at path the way binaries before migration
// 00008 did, without the time format options, so a test can store times as they were
// stored then.
func OpenLegacySQLite(path string) (*DB, error) {
	w, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	return &DB{Dialect: SQLite, W: w, R: w, Where: "sqlite:" + path}, nil
}

// MigrateUpTo applies our migrations up to and including version, and not River's.
func (d *DB) MigrateUpTo(ctx context.Context, version int64) error {
	p, err := d.provider(nil)
	if err != nil {
		return err
	}
	_, err = p.UpTo(ctx, version)
	return err
}

// MigrateDownTo rolls our migrations back to version.
func (d *DB) MigrateDownTo(ctx context.Context, version int64) error {
	p, err := d.provider(nil)
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, version)
	return err
}
