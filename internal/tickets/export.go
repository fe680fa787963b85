package tickets

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/csvsafe"
	"smartservice/internal/users"
)

// exportPage is how many rows ExportCSV reads per query: keyset pages keep each
// read short (SQLite's writer is never starved by one long read). A variable so
// that a test can export several pages of a few tickets.
var exportPage = 500

// ExportHeader is the first line of ExportCSV. Times are UTC.
var ExportHeader = []string{"number", "created_utc", "status", "class", "type", "problem", "device", "device_code",
	"inventory_number", "location", "department", "assignee", "assignee_email", "reporter", "reporter_email",
	"followers", "comment", "resolution", "cancel_reason", "done_utc", "cancelled_utc"}

// ExportCSV writes every ticket actor may see that matches f (all pages, newest
// first) as CSV with a header row. Names are in actor's language. Every cell goes
// through csvsafe, so no spreadsheet finds a formula whichever separator it uses.
func (s *Service) ExportCSV(ctx context.Context, actor *users.User, f Filter, out io.Writer) error {
	if err := requireLogin(actor); err != nil {
		return err
	}
	ru := actor.Language == "ru"
	name := func(en, rus string) string {
		if ru && rus != "" || en == "" {
			return rus
		}
		return en
	}
	stamp := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04:05")
	}
	w := csvsafe.NewWriter(out)
	if err := w.Write(ExportHeader); err != nil {
		return err
	}
	f.Cursor, f.Limit = "", 0
	for {
		var fields apperr.Fields
		var wh where
		wh.scope(actor)
		wh.filter(&f, &fields)
		wh.statuses(f.Statuses, &fields)
		if f.Cursor != "" {
			after, _ := decodeCursor(f.Cursor)
			wh.add("t.id < " + wh.arg(after))
		}
		if err := fields.Err(); err != nil {
			return err
		}
		p, err := s.page(ctx, &wh, exportPage)
		if err != nil {
			return err
		}
		for _, r := range p.Items {
			rec := []string{r.Number(), stamp(&r.CreatedAt), string(r.Status), name(r.ClassEN, r.ClassRU), name(r.TypeEN, r.TypeRU),
				name(r.ProblemEN, r.ProblemRU), r.AssetName, r.AssetCode, r.InventoryNumber, r.Location,
				name(r.DepartmentEN, r.DepartmentRU), r.AssigneeName, r.AssigneeEmail, r.ReporterName, r.ReporterEmail,
				strconv.Itoa(r.FollowersCount), r.Comment, r.Resolution, r.CancelReason, stamp(r.DoneAt), stamp(r.CancelledAt)}
			if err := w.Write(rec); err != nil {
				return err
			}
		}
		w.Flush()
		if err := w.Error(); err != nil {
			return fmt.Errorf("tickets: unable to write the export: %w", err)
		}
		if p.NextCursor == "" {
			return nil
		}
		f.Cursor = p.NextCursor
	}
}
