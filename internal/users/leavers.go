package users

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"smartservice/internal/apperr"
	"smartservice/internal/audit"
	"smartservice/internal/directory"
)

// LeaversArgs is the job that runs CheckLeavers, on a schedule or when an admin asks.
type LeaversArgs struct{}

// Kind names the job in the queue.
func (LeaversArgs) Kind() string { return "users_leavers_check" }

// InsertOpts keeps one check queued at a time, so "run now" twice does not run it twice.
func (LeaversArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateScheduled,
	}}}
}

// RequestLeaversCheck queues a leavers check now (admin).
func (s *Service) RequestLeaversCheck(ctx context.Context, actor *User) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	if err := s.opts.Jobs.Insert(ctx, LeaversArgs{}, nil); err != nil {
		return apperr.Wrap(apperr.Internal, "error.internal_title", err)
	}
	s.log.Info("leavers check requested", "admin_id", actor.ID)
	return nil
}

// LeaversResult tells what a leavers check did.
type LeaversResult struct {
	Checked     int
	Deactivated []string
	// Unavailable is true when the directory could not answer; the check then
	// stopped and changed nothing more.
	Unavailable bool
}

// CheckLeavers asks the directory about every active account that came from it and
// deactivates those it reports as unknown or inactive. Accounts made with the CLI
// without a directory record (the first administrator, service accounts) are not
// asked: the directory never vouched for them. An unavailable directory stops the
// run and changes nothing more; the next run tries again.
func (s *Service) CheckLeavers(ctx context.Context) (*LeaversResult, error) {
	rows, err := s.db.R.QueryContext(ctx, "SELECT id, email FROM users WHERE active = $1 AND employee_id IS NOT NULL ORDER BY id", true)
	if err != nil {
		return nil, fmt.Errorf("users: unable to list accounts: %w", err)
	}
	type acct struct {
		id    int64
		email string
	}
	var accts []acct
	for rows.Next() {
		var a acct
		if err := rows.Scan(&a.id, &a.email); err != nil {
			rows.Close()
			return nil, err
		}
		accts = append(accts, a)
	}
	rows.Close()
	res := &LeaversResult{}
	for _, a := range accts {
		emp, err := s.opts.Directory.Lookup(ctx, a.email)
		switch {
		case err == nil && emp.Active:
			res.Checked++
			continue
		case errors.Is(err, directory.ErrNotFound), err == nil && !emp.Active:
			res.Checked++
			err := s.db.InTx(ctx, func(tx *sql.Tx) error {
				if err := setActiveTx(ctx, tx, a.id, false, s.now().UTC()); err != nil {
					return err
				}
				// The system's change, by no account: the directory decided.
				return s.record(ctx, tx, nil, audit.UserUpdated, fmt.Sprintf("user %d %s", a.id, a.email),
					map[string]bool{"active": true}, map[string]any{"active": false, "by": "directory"})
			})
			if err != nil {
				return res, err
			}
			res.Deactivated = append(res.Deactivated, a.email)
			s.log.Info("account deactivated: the directory no longer lists an active employee", "user_id", a.id, "email", a.email)
		default:
			res.Unavailable = true
			s.log.Warn("leavers check stopped: the directory is unavailable; nothing more changed", "checked", res.Checked, "err", err)
			return res, nil
		}
	}
	return res, nil
}
