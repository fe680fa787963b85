package audit

import (
	"context"
	"io"
	"reflect"

	"smartservice/internal/apperr"
	"smartservice/internal/db"
)

// Reader is who asks to read the trail; *users.User is one. The audit package
// cannot import users (users records into it), so it asks only this.
type Reader interface{ IsAdmin() bool }

// allowed: administrators only read the trail.
func allowed(r Reader) error {
	if r == nil || (reflect.ValueOf(r).Kind() == reflect.Pointer && reflect.ValueOf(r).IsNil()) {
		return apperr.New(apperr.Unauthenticated, "login.required")
	}
	if !r.IsAdmin() {
		return apperr.New(apperr.Forbidden, "error.forbidden")
	}
	return nil
}

// List is Query for an administrator; anyone else is refused.
func List(ctx context.Context, d *db.DB, r Reader, f Filter) (*Page, error) {
	if err := allowed(r); err != nil {
		return nil, err
	}
	return Query(ctx, d, f)
}

// ExportCSV is WriteCSV for an administrator; anyone else is refused before a byte
// is written.
func ExportCSV(ctx context.Context, d *db.DB, r Reader, f Filter, w io.Writer) error {
	if err := allowed(r); err != nil {
		return err
	}
	return WriteCSV(ctx, d, f, w)
}

// Log is the trail as the faces read it: List and ExportCSV on one database.
type Log struct{ db *db.DB }

// NewLog returns the trail on d.
func NewLog(d *db.DB) *Log { return &Log{db: d} }

// List is List on the log's database.
func (l *Log) List(ctx context.Context, r Reader, f Filter) (*Page, error) {
	return List(ctx, l.db, r, f)
}

// ExportCSV is ExportCSV on the log's database.
func (l *Log) ExportCSV(ctx context.Context, r Reader, f Filter, w io.Writer) error {
	return ExportCSV(ctx, l.db, r, f, w)
}
