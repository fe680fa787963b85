package tickets

// The journal by service level: a filter by state (sla.State, computed in SQL at
// the reader's now, the same rules as sla.Clocks.StateAt) and an order by due
// time (done_by, soonest first, on the index tickets_done_by). Ordered by due
// time, the journal lists only tickets that have one, and its cursor holds the
// last due time and id.

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/sla"
)

// Journal orders.
const (
	// SortNewest is the default: newest first.
	SortNewest = ""
	// SortDue: soonest completion due time first; tickets without one are left out.
	SortDue = "due"
)

const slaOpen = "t.status IN ('new', 'assigned', 'in_progress')"

// slaBreached is the SQL of "breached at now" (now is a parameter placeholder).
func slaBreached(now string) string {
	return `(t.status <> 'cancelled' AND (
	(t.take_by IS NOT NULL AND ((t.taken_at IS NOT NULL AND t.taken_at > t.take_by)
		OR (t.taken_at IS NULL AND ` + slaOpen + ` AND t.take_by <= ` + now + `)
		OR (t.taken_at IS NULL AND t.done_at IS NOT NULL AND t.done_at > t.take_by)))
	OR (t.done_by IS NOT NULL AND ((t.done_at IS NOT NULL AND t.done_at > t.done_by)
		OR (` + slaOpen + ` AND t.done_by <= ` + now + `)))))`
}

// slaAtRisk is "an open ticket past an at-risk time" (not yet breached).
func slaAtRisk(now string) string {
	return `(` + slaOpen + ` AND ((t.taken_at IS NULL AND t.take_warn_at IS NOT NULL AND t.take_warn_at <= ` + now + `)
		OR (t.done_warn_at IS NOT NULL AND t.done_warn_at <= ` + now + `)))`
}

const slaHasTarget = "(t.take_by IS NOT NULL OR t.done_by IS NOT NULL)"

// slaFilter adds the condition of state st at now.
func (w *where) slaFilter(st sla.State, now time.Time, fields *apperr.Fields) {
	if st == sla.StateNone {
		return
	}
	p := w.arg(now.UTC())
	switch st {
	case sla.StateBreached:
		w.add(slaBreached(p))
	case sla.StateAtRisk:
		w.add(slaAtRisk(p) + " AND NOT " + slaBreached(p))
	case sla.StateOnTrack:
		w.add(slaOpen + " AND " + slaHasTarget + " AND NOT " + slaAtRisk(p) + " AND NOT " + slaBreached(p))
	case sla.StateMet:
		w.add("t.status = 'done' AND " + slaHasTarget + " AND NOT " + slaBreached(p))
	default:
		fields.Add("sla", "ticket.list_sla_invalid")
	}
}

// encodeDueCursor and decodeDueCursor are the cursor of the order by due time.
func encodeDueCursor(due time.Time, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("d" + strconv.FormatInt(due.UnixNano(), 10) + ":" + strconv.FormatInt(id, 10)))
}

func decodeDueCursor(c string) (time.Time, int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < 2 || b[0] != 'd' {
		return time.Time{}, 0, false
	}
	ns, idText, ok := strings.Cut(string(b[1:]), ":")
	if !ok {
		return time.Time{}, 0, false
	}
	n, err1 := strconv.ParseInt(ns, 10, 64)
	id, err2 := strconv.ParseInt(idText, 10, 64)
	if err1 != nil || err2 != nil || id <= 0 {
		return time.Time{}, 0, false
	}
	due := time.Unix(0, n).UTC()
	if encodeDueCursor(due, id) != c {
		return time.Time{}, 0, false
	}
	return due, id, true
}

// duePage reads up to limit rows of w ordered by due time, and the cursor after
// them.
func (s *Service) duePage(w *where, f *Filter, fields *apperr.Fields) (string, func(items []Row, limit int) string) {
	w.add("t.done_by IS NOT NULL")
	if f.Cursor != "" {
		if due, id, ok := decodeDueCursor(f.Cursor); ok {
			d := w.arg(due)
			w.add("(t.done_by > " + d + " OR (t.done_by = " + d + " AND t.id > " + w.arg(id) + "))")
		} else {
			fields.Add("cursor", "ticket.list_cursor_invalid")
		}
	}
	return "t.done_by, t.id", func(items []Row, limit int) string {
		last := items[limit-1]
		return encodeDueCursor(*last.DoneBy, last.ID)
	}
}
