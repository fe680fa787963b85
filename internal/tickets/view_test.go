package tickets_test

import (
	"errors"
	"reflect"
	"testing"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// testFileByCode: a filing names its device by the code of its label or by its
// id, never both; the domain reads it and answers for it as the faces expect.
func testFileByCode(t *testing.T, e *tenv) {
	byCode := func(u *users.User, code, comment, key string) (*tickets.Ticket, error) {
		return e.svc.File(e.ctx, u, tickets.FileInput{AssetCode: code, ProblemID: e.paper, Comment: comment, IdempotencyKey: key})
	}
	tk := must(byCode(e.emp, e.printer.Code, "by code", "key-1"))(t)
	if tk.AssetID != e.printer.ID || tk.ProblemID != e.paper || tk.AssigneeID != e.a.ID || tk.Comment != "by code" {
		t.Fatalf("filed by code: %+v", tk)
	}
	// A repeat naming the same device by id is the same request: the same ticket.
	again := must(e.svc.File(e.ctx, e.emp, tickets.FileInput{AssetID: e.printer.ID, ProblemID: e.paper, Comment: "by code", IdempotencyKey: "key-1"}))(t)
	if again.ID != tk.ID {
		t.Fatalf("the repeat by id filed %d besides %d", again.ID, tk.ID)
	}
	wantErr(t, first(byCode(e.emp, e.printer.Code, "another text", "key-1")), apperr.Conflict, "ticket.idempotency_mismatch")
	filed := countRows(t, e, "tickets")

	field := func(err error, name, key string) {
		t.Helper()
		ae := wantErr(t, err, apperr.Invalid, "")
		if len(ae.Fields) != 1 || ae.Fields[0].Field != name || ae.Fields[0].Key != key {
			t.Fatalf("fields %+v, want %s: %s", ae.Fields, name, key)
		}
	}
	field(first(e.svc.File(e.ctx, e.emp, tickets.FileInput{AssetID: e.printer.ID, AssetCode: e.printer.Code, ProblemID: e.paper})),
		"asset_code", "ticket.asset_one")
	field(first(e.svc.File(e.ctx, e.emp, tickets.FileInput{ProblemID: e.paper})), "asset_id", "ticket.asset_required")
	for _, code := range []string{"nope", "../../etc/passwd", "aaaaaaaaaaaaaaaa", "AAAABBBBCCCCDDDD"} {
		wantErr(t, first(byCode(e.emp, code, "", "")), apperr.NotFound, "")
	}
	wantErr(t, first(byCode(e.emp, e.archived.Code, "", "")), apperr.Conflict, "ticket.asset_archived")
	// Someone else's personal device is absent, by code as by id.
	mine := must(e.cat.CreateAsset(e.ctx, e.admin, assets.AssetInput{Name: "Emp2's laptop printer", TypeID: e.typeID, OwnerID: e.emp2.ID}))(t)
	wantErr(t, first(byCode(e.emp, mine.Code, "", "")), apperr.NotFound, "")
	wantErr(t, first(e.svc.File(e.ctx, e.emp, tickets.FileInput{AssetID: mine.ID, ProblemID: e.paper})), apperr.NotFound, "")
	// A re-issued label says so; the new one files.
	fresh := must(e.cat.ReissueCode(e.ctx, e.admin, e.printer.ID))(t)
	if _, err := byCode(e.emp, e.printer.Code, "", ""); !errors.Is(err, assets.ErrReplaced) {
		t.Fatalf("the old label: %v, want ErrReplaced", err)
	}
	if n := countRows(t, e, "tickets"); n != filed {
		t.Fatalf("%d tickets after refused filings, want %d", n, filed)
	}
	if got := must(byCode(e.emp2, fresh.Code, "", ""))(t); got.AssetID != e.printer.ID {
		t.Fatalf("filed by the new code on %d", got.AssetID)
	}
	if got := must(byCode(e.emp2, mine.Code, "", ""))(t); got.AssetID != mine.ID {
		t.Fatalf("the owner filed on %d", got.AssetID)
	}
}

// testView: one read of a ticket gives the row Row gives, the actions, the
// history with names, the reassign choices and the routing rule, each only to
// whom it is for.
func testView(t *testing.T, e *tenv) {
	tk := e.file(t, e.paper)
	for _, u := range []*users.User{e.emp, e.a, e.boss, e.admin} {
		v := must(e.svc.View(e.ctx, u, tk.ID))(t)
		if row := must(e.svc.Row(e.ctx, u, tk.ID))(t); !reflect.DeepEqual(v.Row, *row) {
			t.Errorf("%s: the view's row %+v, Row %+v", u.Email, v.Row, *row)
		}
		staff := u.IsStaff()
		if got := v.Rule != nil && v.Rule.ID == e.paperRule; got != staff || v.RuleDeleted {
			t.Errorf("%s: rule %+v (deleted %v), want it shown: %v", u.Email, v.Rule, v.RuleDeleted, staff)
		}
		if len(v.Events) != 3 || v.Events[2].Kind != tickets.EventAssigned || v.Events[2].SubjectName != e.a.FullName {
			t.Errorf("%s: history %+v", u.Email, v.Events)
		}
		if (v.Executors != nil) != v.Actions.Reassign || v.Actions.Reassign != (u == e.boss || u == e.admin) {
			t.Errorf("%s: reassign %v with choices %+v", u.Email, v.Actions.Reassign, v.Executors)
		}
	}
	for _, u := range []*users.User{e.emp2, e.other} {
		wantErr(t, first(e.svc.View(e.ctx, u, tk.ID)), apperr.NotFound, "")
	}
	wantErr(t, first(e.svc.View(e.ctx, e.admin, 999999)), apperr.NotFound, "")
	wantErr(t, first(e.svc.View(e.ctx, nil, tk.ID)), apperr.Unauthenticated, "")
	// A follower sees it, and the view says so.
	must(0, e.svc.Follow(e.ctx, e.emp2, tk.ID, e.printer.Code))(t)
	if v := must(e.svc.View(e.ctx, e.emp2, tk.ID))(t); !v.Actions.Unfollow || v.Actions.Follow || v.Rule != nil {
		t.Fatalf("a follower's view: %+v", v.Actions)
	}
	// The rule deleted since: staff are told so, nobody else.
	must(0, e.rules.Delete(e.ctx, e.admin, e.paperRule))(t)
	if v := must(e.svc.View(e.ctx, e.a, tk.ID))(t); v.Rule != nil || !v.RuleDeleted {
		t.Fatalf("staff on a deleted rule: %+v %v", v.Rule, v.RuleDeleted)
	}
	if v := must(e.svc.View(e.ctx, e.emp, tk.ID))(t); v.Rule != nil || v.RuleDeleted {
		t.Fatalf("the reporter on a deleted rule: %+v %v", v.Rule, v.RuleDeleted)
	}
	// Routed otherwise: no rule to show.
	u := must(e.svc.File(e.ctx, e.emp, tickets.FileInput{AssetID: e.printer.ID, ProblemID: e.smoke}))(t)
	if v := must(e.svc.View(e.ctx, e.admin, u.ID))(t); v.Rule != nil || v.RuleDeleted || v.Row.RoutedBy != tickets.RoutedByNone {
		t.Fatalf("an unrouted ticket's rule: %+v %v", v.Rule, v.RuleDeleted)
	}
}
