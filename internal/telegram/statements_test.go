package telegram_test

import (
	"errors"
	"strings"
	"testing"

	"smartservice/internal/notify"
	"smartservice/internal/testkit"
	"smartservice/internal/users"
)

// A message's delivery reads the recipient's account from the accounts' cache
// under the auth version it reads first, as a request does: once the account
// was read, a delivery to a linked chat runs the versions, whether the
// notification was sent already, the link, the ticket, its events, its rule and
// the record of the message: seven (the account and its roles and departments
// were three more). An account deactivated after it was kept is gone at the
// very next delivery.
func TestDeliveryStatements(t *testing.T) {
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			d := testkit.NewCountedDB(t, dialect)
			e := newEnv(t, d)
			e.link(t, e.a)
			tk := e.file(t, "jam")
			deliver := func() (testkit.QueryCount, error) {
				ctx, count := testkit.WithQueryCount(e.ctx)
				_, err := e.deliverIn(ctx, t, notify.KindAssigned, e.a, 0, tk.ID, 0)
				return count(), err
			}
			if _, err := deliver(); err != nil { // the account is read and kept
				t.Fatal(err)
			}
			sent := len(e.fake.SentTo(chatOf(e.a)))
			n, err := deliver()
			if err != nil {
				t.Fatal(err)
			}
			if n.Statements != 7 {
				t.Errorf("a delivery ran %d statements, want 7:\n%s", n.Statements, strings.Join(n.SQL, "\n"))
			}
			for _, s := range n.SQL {
				if strings.Contains(s, "FROM users") || strings.Contains(s, "FROM user_roles") {
					t.Errorf("the kept account was read again: %s", s)
				}
			}
			if got := len(e.fake.SentTo(chatOf(e.a))); got != sent+1 {
				t.Fatalf("%d messages sent, want %d", got, sent+1)
			}

			off := false
			if _, err := e.acc.UpdateUser(e.ctx, e.admin, e.a.ID, users.UserPatch{Active: &off}); err != nil {
				t.Fatal(err)
			}
			if _, err := deliver(); !errors.Is(err, notify.ErrRecipientGone) {
				t.Fatalf("to an account deactivated after it was kept: %v, want the recipient gone", err)
			}
			if got := len(e.fake.SentTo(chatOf(e.a))); got != sent+1 {
				t.Errorf("a message went to a deactivated account")
			}
		})
	}
}
