package tickets

import (
	"context"
	"database/sql"
	"fmt"

	"smartservice/internal/audit"
	"smartservice/internal/users"
)

// record appends an audit entry for a change to the routing rules, in its tx.
func (s *Rules) record(ctx context.Context, tx *sql.Tx, actor *users.User, kind, subject string, before, after any) error {
	return audit.Record(ctx, tx, audit.Entry{At: s.now(), ActorID: actor.ID, ActorEmail: actor.Email, Kind: kind, Subject: subject, Before: before, After: after})
}

func ruleSubject(id int64) string { return fmt.Sprintf("rule %d", id) }
