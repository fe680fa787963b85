package audit

import (
	"context"
	"encoding/base64"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"smartservice/internal/csvsafe"
	"smartservice/internal/db"
)

// Filter chooses entries; zero fields do not filter.
type Filter struct {
	// ActorEmail keeps the entries of one person (exact, case-insensitive).
	ActorEmail string
	// Kind keeps one kind; a kind's prefix ending in "." ("rule.") keeps a family.
	Kind string
	// From and To bound the time: From ≤ at < To.
	From, To time.Time
	// Cursor continues a listing after the page that returned it.
	Cursor string
	// Limit is the page size (default 50, at most 500).
	Limit int
}

// Row is one entry as read back.
type Row struct {
	ID         int64
	At         time.Time
	ActorID    int64
	ActorEmail string
	Addr       string
	Kind       string
	Subject    string
	Before     string
	After      string
}

// Page is one page of entries, newest first.
type Page struct {
	Rows []Row
	// Next is the cursor of the following page ("" on the last).
	Next string
}

// Query reads a page of entries, newest first, keyset-paged on the id so entries
// added meanwhile never shift a page. The caller checks who may read the trail.
func Query(ctx context.Context, d *db.DB, f Filter) (*Page, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.ActorEmail != "" {
		where = append(where, "actor_email = "+arg(strings.ToLower(strings.TrimSpace(f.ActorEmail))))
	}
	if k := f.Kind; k != "" {
		if strings.HasSuffix(k, ".") {
			where = append(where, "substr(kind, 1, "+strconv.Itoa(len(k))+") = "+arg(k))
		} else {
			where = append(where, "kind = "+arg(k))
		}
	}
	if !f.From.IsZero() {
		where = append(where, "at >= "+arg(f.From.UTC()))
	}
	if !f.To.IsZero() {
		where = append(where, "at < "+arg(f.To.UTC()))
	}
	if id, ok := decodeCursor(f.Cursor); ok {
		where = append(where, "id < "+arg(id))
	}
	q := "SELECT id, at, COALESCE(actor_id, 0), actor_email, addr, kind, subject, before_json, after_json FROM audit_log"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC LIMIT " + strconv.Itoa(limit+1)
	rows, err := d.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	p := &Page{}
	for rows.Next() {
		var r Row
		var at db.NullTime
		if err := rows.Scan(&r.ID, &at, &r.ActorID, &r.ActorEmail, &r.Addr, &r.Kind, &r.Subject, &r.Before, &r.After); err != nil {
			return nil, err
		}
		r.At = at.Time
		p.Rows = append(p.Rows, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(p.Rows) > limit {
		p.Rows = p.Rows[:limit]
		p.Next = base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(p.Rows[limit-1].ID, 10)))
	}
	return p, nil
}

func decodeCursor(c string) (int64, bool) {
	if c == "" {
		return 0, false
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, false
	}
	id, err := strconv.ParseInt(string(b), 10, 64)
	return id, err == nil && id > 0
}

// WriteCSV writes every entry the filter chooses (the cursor and limit aside) as
// CSV, newest first, every text cell through csvsafe: the subject and the JSON hold
// what admins typed.
func WriteCSV(ctx context.Context, d *db.DB, f Filter, w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"id", "at", "actor_email", "addr", "kind", "subject", "before", "after"}); err != nil {
		return err
	}
	f.Cursor, f.Limit = "", 500
	for {
		p, err := Query(ctx, d, f)
		if err != nil {
			return err
		}
		for _, r := range p.Rows {
			if err := cw.Write([]string{strconv.FormatInt(r.ID, 10), r.At.UTC().Format(time.RFC3339), csvsafe.Escape(r.ActorEmail),
				csvsafe.Escape(r.Addr), r.Kind, csvsafe.Escape(r.Subject), csvsafe.Escape(r.Before), csvsafe.Escape(r.After)}); err != nil {
				return err
			}
		}
		if p.Next == "" {
			break
		}
		f.Cursor = p.Next
	}
	cw.Flush()
	return cw.Error()
}
