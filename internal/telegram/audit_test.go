package telegram_test

import (
	"context"
	"strings"
	"testing"

	"smartservice/internal/apperr"
	"smartservice/internal/audit"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

// TestGroupChangesAreAudited: a group code made, a group bound with it (by a
// linked admin, then by a stranger replacing it), and the group unbound each
// leave one entry in their own transaction, never with the code in it; a refused
// code, a head's attempt, an unknown department and an unbind with no group
// leave none.
func TestGroupChangesAreAudited(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := audit.WithAddr(e.ctx, "203.0.113.9")
		trail := func() []audit.Row {
			p, err := audit.List(context.Background(), d, e.admin, audit.Filter{Kind: "department."})
			if err != nil {
				t.Fatal(err)
			}
			// Oldest first, and only the Telegram kinds of the departments' family.
			var out []audit.Row
			for i := len(p.Rows) - 1; i >= 0; i-- {
				if strings.HasPrefix(p.Rows[i].Kind, "department.telegram_") {
					out = append(out, p.Rows[i])
				}
			}
			return out
		}

		if _, _, err := e.bot.NewDepartmentCode(ctx, e.boss, e.it); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("a head made a code: %v", err)
		}
		if _, _, err := e.bot.NewDepartmentCode(ctx, e.admin, 999999); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("a code for an absent department: %v", err)
		}
		if err := e.bot.UnbindDepartment(ctx, e.admin, e.it); err != nil {
			t.Fatal(err)
		}
		if got := trail(); len(got) != 0 {
			t.Fatalf("refused or empty changes were recorded: %+v", got)
		}

		code, expires, err := e.bot.NewDepartmentCode(ctx, e.admin, e.it)
		if err != nil {
			t.Fatal(err)
		}
		e.link(t, e.admin)
		group := int64(-100777)
		e.handle(t, e.text(group, chatOf(e.admin), "/link "+code))
		e.handle(t, e.text(group, chatOf(e.admin), "/link "+code)) // spent: refused, no entry
		code2, _, err := e.bot.NewDepartmentCode(ctx, e.admin, e.it)
		if err != nil {
			t.Fatal(err)
		}
		e.handle(t, e.text(-100778, 4242, "/link "+code2)) // someone with no account
		if err := e.bot.UnbindDepartment(ctx, e.admin, e.it); err != nil {
			t.Fatal(err)
		}

		got := trail()
		var kinds []string
		for _, r := range got {
			kinds = append(kinds, r.Kind)
			if r.Subject != "department it" {
				t.Errorf("%s names %q", r.Kind, r.Subject)
			}
			if strings.Contains(r.Before+r.After, code) || strings.Contains(r.Before+r.After, code2) {
				t.Errorf("%s keeps the code itself: %s → %s", r.Kind, r.Before, r.After)
			}
		}
		want := []string{audit.TelegramCode, audit.TelegramBound, audit.TelegramCode, audit.TelegramBound, audit.TelegramUnbound}
		if strings.Join(kinds, " ") != strings.Join(want, " ") {
			t.Fatalf("recorded %v, want %v", kinds, want)
		}
		if r := got[0]; r.ActorID != e.admin.ID || r.Addr != "203.0.113.9" || r.Before != "" || !strings.Contains(r.After, expires.UTC().Format("2006-01-02T15:04")) {
			t.Errorf("code entry: %+v", r)
		}
		if r := got[1]; r.ActorID != e.admin.ID || r.ActorEmail != e.admin.Email || r.Before != "" || !strings.Contains(r.After, `"chat_id":-100777`) {
			t.Errorf("the admin's binding: %+v", r)
		}
		if r := got[3]; r.ActorID != 0 || r.ActorEmail != "" || !strings.Contains(r.Before, `"chat_id":-100777`) ||
			!strings.Contains(r.After, `"chat_id":-100778`) || !strings.Contains(r.After, `"telegram_user_id":4242`) {
			t.Errorf("the stranger's binding replacing the group: %+v", r)
		}
		if r := got[4]; r.ActorID != e.admin.ID || !strings.Contains(r.Before, `"chat_id":-100778`) || r.After != "" {
			t.Errorf("unbinding: %+v", r)
		}
	})
}
