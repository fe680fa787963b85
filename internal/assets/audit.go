package assets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"smartservice/internal/audit"
	"smartservice/internal/users"
)

// audited runs write in one transaction between two reads of what it changes and
// records the change with both states: read returns nil for a row that does not
// exist (before a creation, after a deletion). write returns the id it touched,
// which a creation learns only by writing.
func (s *Service) audited(ctx context.Context, actor *users.User, kind, what string, id int64,
	read func(ctx context.Context, q querier, id int64) (any, error), write func(tx *sql.Tx) (int64, error)) (int64, error) {
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var before any
		if id != 0 {
			var err error
			if before, err = read(ctx, tx, id); err != nil {
				return err
			}
			if before == nil {
				return notFound
			}
		}
		got, err := write(tx)
		if err != nil {
			return err
		}
		id = got
		after, err := read(ctx, tx, id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: s.now(), ActorID: actor.ID, ActorEmail: actor.Email, Kind: kind,
			Subject: fmt.Sprintf("%s %d", what, id), Before: before, After: after})
	})
	return id, err
}

// readAsset is a device as the audit trail keeps it; nil when absent.
func readAsset(ctx context.Context, q querier, id int64) (any, error) {
	a, err := getAsset(ctx, q, "id = $1", id)
	if errors.Is(err, notFound) {
		return nil, nil
	}
	return a, err
}

// termState is a class or a problem type as the audit trail keeps it.
type termState struct {
	NameEN string `json:"name_en"`
	NameRU string `json:"name_ru"`
}

// readTerm returns a reader of the vocabulary's table.
func readTerm(table string) func(ctx context.Context, q querier, id int64) (any, error) {
	return func(ctx context.Context, q querier, id int64) (any, error) {
		var t termState
		err := q.QueryRowContext(ctx, "SELECT name_en, name_ru FROM "+table+" WHERE id = $1", id).Scan(&t.NameEN, &t.NameRU)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		return t, err
	}
}

// readType is a type with its offered problems; nil when absent.
func readType(ctx context.Context, q querier, id int64) (any, error) {
	t, err := typeWithProblems(ctx, q, id)
	if errors.Is(err, notFound) {
		return nil, nil
	}
	return t, err
}
