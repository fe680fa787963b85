package tickets_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/tickets"
)

// recorder is this test's own Notifier: it keeps what it hears and, through the
// transaction it is handed, reads what the change has written so far, which only
// the change's own transaction can see before the commit.
type recorder struct {
	mu     sync.Mutex
	heard  []heard
	failOn string // the event kind it refuses, failing the change
}

// heard is one event as the notifier was told of it.
type heard struct {
	tickets.Event
	// status is the ticket's status read through the transaction.
	status string
	// stored tells whether the event's row, by the ID it was given, was there.
	stored bool
}

var errRefused = errors.New("the recorder refuses this event")

func (r *recorder) Notify(ctx context.Context, tx *sql.Tx, e tickets.Event) error {
	h := heard{Event: e}
	if err := tx.QueryRowContext(ctx, "SELECT status FROM tickets WHERE id = $1", e.TicketID).Scan(&h.status); err != nil {
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM ticket_events WHERE id = $1 AND kind = $2 AND ticket_id = $3",
		e.ID, e.Kind, e.TicketID).Scan(&n); err != nil {
		return err
	}
	h.stored = n == 1
	r.mu.Lock()
	defer r.mu.Unlock()
	r.heard = append(r.heard, h)
	if e.Kind == r.failOn {
		return errRefused
	}
	return nil
}

// take returns what was heard since the last take.
func (r *recorder) take() []heard {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.heard
	r.heard = nil
	return out
}

// testNotifier: every change tells the notifier once per event it records, inside
// its transaction (the event and the new status are visible through the tx), with
// the event as stored; a notifier's error rolls the whole change back.
func testNotifier(t *testing.T, e *tenv) {
	rec := &recorder{}
	svc := tickets.NewService(e.d, e.rules, e.cat, e.clk.Now, tickets.WithNotifier(rec))
	// line is what a heard event says, in the order of the fields a message needs.
	line := func(h heard) string {
		return fmt.Sprintf("%s by %d about %d %q status=%s stored=%v at=%v", h.Kind, h.ActorID, h.SubjectID, h.Detail, h.status, h.stored,
			h.CreatedAt.Equal(e.clk.Now().UTC()))
	}
	expect := func(what string, id int64, want ...string) {
		t.Helper()
		got := rec.take()
		var lines []string
		for _, h := range got {
			lines = append(lines, line(h))
			if h.TicketID != id {
				t.Errorf("%s: heard an event of ticket %d, want %d", what, h.TicketID, id)
			}
		}
		if !slices.Equal(lines, want) {
			t.Fatalf("%s: heard\n %q\nwant\n %q", what, lines, want)
		}
		// What was heard is what the history holds now: the same ids, committed.
		events := must(svc.View(e.ctx, e.admin, id))(t).Events
		for _, h := range got {
			if !slices.ContainsFunc(events, func(ev tickets.EventRow) bool { return sameEvent(ev.Event, h.Event) }) {
				t.Errorf("%s: heard %+v, not in the history", what, h.Event)
			}
		}
	}
	tk := must(svc.File(e.ctx, e.emp, tickets.FileInput{AssetID: e.printer.ID, ProblemID: e.paper, Comment: "please"}))(t)
	expect("file", tk.ID,
		fmt.Sprintf("filed by %d about 0 \"\" status=assigned stored=true at=true", e.emp.ID),
		fmt.Sprintf("routed by 0 about 0 \"%d\" status=assigned stored=true at=true", e.paperRule),
		fmt.Sprintf("assigned by 0 about %d \"\" status=assigned stored=true at=true", e.a.ID))
	e.clk.Add(time.Minute)
	must(svc.Start(e.ctx, e.a, tk.ID))(t)
	expect("start", tk.ID, fmt.Sprintf("started by %d about 0 \"\" status=in_progress stored=true at=true", e.a.ID))
	e.clk.Add(time.Minute)
	must(svc.Comment(e.ctx, e.emp, tk.ID, "any news?"))(t)
	expect("comment", tk.ID, fmt.Sprintf("comment by %d about 0 \"any news?\" status=in_progress stored=true at=true", e.emp.ID))
	must(0, svc.Follow(e.ctx, e.emp2, tk.ID, e.printer.Code))(t)
	expect("follow", tk.ID, fmt.Sprintf("followed by %d about 0 \"\" status=in_progress stored=true at=true", e.emp2.ID))
	must(0, svc.Follow(e.ctx, e.emp2, tk.ID, ""))(t)
	expect("follow again (no event)", tk.ID)
	must(svc.Reassign(e.ctx, e.boss, tk.ID, e.b.ID))(t)
	expect("reassign", tk.ID, fmt.Sprintf("reassigned by %d about %d \"\" status=assigned stored=true at=true", e.boss.ID, e.b.ID))
	must(svc.Complete(e.ctx, e.b, tk.ID, "paper added"))(t)
	expect("complete", tk.ID, fmt.Sprintf("done by %d about 0 \"paper added\" status=done stored=true at=true", e.b.ID))
	must(svc.Reopen(e.ctx, e.emp, tk.ID))(t)
	expect("reopen", tk.ID, fmt.Sprintf("reopened by %d about 0 \"\" status=assigned stored=true at=true", e.emp.ID))
	must(svc.Cancel(e.ctx, e.admin, tk.ID, "duplicate"))(t)
	expect("cancel", tk.ID, fmt.Sprintf("cancelled by %d about 0 \"duplicate\" status=cancelled stored=true at=true", e.admin.ID))
	// Take: a queued ticket (nobody available at filing).
	e.available(t, e.a, false)
	e.available(t, e.b, false)
	q := must(svc.File(e.ctx, e.emp, tickets.FileInput{AssetID: e.printer.ID, ProblemID: e.paper}))(t)
	rec.take()
	must(svc.Take(e.ctx, e.a, q.ID))(t)
	expect("take", q.ID, fmt.Sprintf("taken by %d about %d \"\" status=assigned stored=true at=true", e.a.ID, e.a.ID))

	// A refusal rolls the change back: no event, the status as it was.
	history := func(id int64) []tickets.EventRow { return must(svc.View(e.ctx, e.admin, id))(t).Events }
	rec.failOn = tickets.EventDone
	before := history(q.ID)
	if _, err := svc.Complete(e.ctx, e.a, q.ID, "fixed"); !errors.Is(err, errRefused) || apperr.CodeOf(err) != apperr.Internal {
		t.Fatalf("complete with a refusing notifier: %v", err)
	}
	if h := rec.take(); len(h) != 1 || h[0].status != "done" || !h[0].stored {
		t.Fatalf("the notifier did not see the change inside it: %+v", h)
	}
	if got := must(svc.Get(e.ctx, e.admin, q.ID))(t); got.Status != tickets.StatusAssigned || got.DoneAt != nil || got.Resolution != "" {
		t.Fatalf("after the refusal the ticket is %+v", got)
	}
	if after := history(q.ID); len(after) != len(before) {
		t.Fatalf("after the refusal %d events, before %d", len(after), len(before))
	}
	rec.failOn = tickets.EventComment
	if _, err := svc.Comment(e.ctx, e.a, q.ID, "hm"); !errors.Is(err, errRefused) {
		t.Fatalf("comment with a refusing notifier: %v", err)
	}
	if after := history(q.ID); len(after) != len(before) {
		t.Fatalf("after a refused comment %d events, before %d", len(after), len(before))
	}
	if h := rec.take(); len(h) != 1 || h[0].Detail != "hm" || !h[0].stored {
		t.Fatalf("heard of the refused comment: %+v", h)
	}
	// Filing: the last event (assigned) refused, the ticket and its first events go too.
	e.available(t, e.a, true)
	rec.failOn = tickets.EventAssigned
	tickets0 := countRows(t, e, "tickets")
	events0 := countRows(t, e, "ticket_events")
	if _, err := svc.File(e.ctx, e.emp, tickets.FileInput{AssetID: e.printer.ID, ProblemID: e.paper, IdempotencyKey: "k-1"}); !errors.Is(err, errRefused) {
		t.Fatalf("file with a refusing notifier: %v", err)
	}
	if h := rec.take(); len(h) != 3 {
		t.Fatalf("heard %d events of the refused filing, want 3", len(h))
	}
	for table, n := range map[string]int{"tickets": tickets0, "ticket_events": events0, "ticket_idempotency": 0} {
		if got := countRows(t, e, table); got != n {
			t.Errorf("%d rows in %s after a refused filing, want %d", got, table, n)
		}
	}
	// The service without a notifier writes the same events and tells nobody.
	rec.failOn = ""
	must(e.svc.Comment(e.ctx, e.a, q.ID, "quietly"))(t)
	if h := rec.take(); len(h) != 0 {
		t.Fatalf("a service without the notifier told it %+v", h)
	}
}

// sameEvent compares two events, their times as instants (a time read back from
// the database carries another location).
func sameEvent(a, b tickets.Event) bool {
	at := a.CreatedAt.Equal(b.CreatedAt)
	a.CreatedAt, a.Ticket, b.Ticket = b.CreatedAt, nil, nil // Ticket is handed over, not stored
	return at && a == b
}

func countRows(t *testing.T, e *tenv, table string) int {
	t.Helper()
	var n int
	if err := e.d.R.QueryRowContext(e.ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
