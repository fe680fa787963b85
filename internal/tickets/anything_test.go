package tickets_test

import (
	"testing"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
)

// TestSomethingElse: the problem type marked everywhere ends every device's
// list, is filed with a comment only, and is routed by the rules like any other.
func TestSomethingElse(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		acc := testkit.Accounts(t, d)
		emptyTicketsDB(t, d)
		t.Cleanup(func() { emptyTicketsDB(t, d) })
		e := newTenv(t, d, acc)
		other := must(e.cat.CreateProblem(e.ctx, e.admin, assets.SomethingElse))(t)
		if _, err := d.W.ExecContext(e.ctx, "UPDATE problem_types SET everywhere = $1 WHERE id = $2", true, other.ID); err != nil {
			t.Fatal(err)
		}
		v := must(e.cat.ViewByID(e.ctx, e.emp, e.printer.ID))(t)
		last := v.Type.Problems[len(v.Type.Problems)-1]
		if len(v.Type.Problems) != 4 || last.ID != other.ID || !last.Anything || v.Type.Problems[0].Anything {
			t.Fatalf("the printer offers %+v", v.Type.Problems)
		}
		// The catalogue's own offer list (what the editor edits) does not list it.
		if ty := must(e.cat.TypeWithProblems(e.ctx, e.typeID))(t); len(ty.Problems) != 3 {
			t.Fatalf("the type lists %+v", ty.Problems)
		}
		ae := wantErr(t, first(e.svc.File(e.ctx, e.emp, tickets.FileInput{AssetID: e.printer.ID, ProblemID: other.ID, Comment: "  "})), apperr.Invalid, "")
		if len(ae.Fields) != 1 || ae.Fields[0].Field != "comment" || ae.Fields[0].Key != "loop.comment_required_anything" {
			t.Fatalf("without a comment: %+v", ae)
		}
		// No rule names it: unrouted, then a rule sends it to fac.
		tk := must(e.svc.File(e.ctx, e.emp, tickets.FileInput{AssetID: e.printer.ID, ProblemID: other.ID, Comment: "The lid is cracked"}))(t)
		if tk.DepartmentID != 0 || tk.ProblemID != other.ID {
			t.Fatalf("filed: %+v", tk)
		}
		must(e.rules.Create(e.ctx, e.admin, tickets.RuleInput{ProblemID: other.ID, DepartmentID: e.fac}))(t)
		tk = must(e.svc.File(e.ctx, e.emp, tickets.FileInput{AssetID: e.printer.ID, ProblemID: other.ID, Comment: "Strange noise"}))(t)
		if tk.DepartmentID != e.fac || tk.AssigneeID != e.other.ID {
			t.Fatalf("routed: %+v", tk)
		}
	})
}
