package app

import (
	"context"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"smartservice/internal/backup"
	"smartservice/internal/config"
	"smartservice/internal/db"
	"smartservice/internal/mail"
	"smartservice/internal/notify"
	"smartservice/internal/tickets"
	"smartservice/internal/upkeep"
	"smartservice/internal/users"
)

// registerWorkers adds every module's job workers to the registry. New modules
// add their line here.
func registerWorkers(w *river.Workers, a *App, sender mail.Sender) {
	river.AddWorker(w, &maintenanceWorker{db: a.DB, accounts: a.Accounts})
	river.AddWorker(w, &mail.Worker{Sender: sender})
	river.AddWorker(w, &leaversWorker{accounts: a.Accounts})
	river.AddWorker(w, &notify.Worker{Service: a.Notify})
	river.AddWorker(w, &notify.EscalateWorker{Service: a.Notify})
	river.AddWorker(w, &backup.Worker{DB: a.DB, Dir: a.Config.BackupDir, Keep: a.Config.BackupKeep, Now: time.Now})
	river.AddWorker(w, &upkeep.Worker{Service: a.upkeepService})
	river.AddWorker(w, &slaWorker{app: a})
	river.AddWorker(w, &tickets.PhotoRetentionWorker{DB: a.DB, Retention: a.Config.PhotoRetention, Now: time.Now})
}

// periodicJobs are the jobs every deployment runs on a schedule. River runs
// periodic jobs on its elected leader only, so several instances do not repeat them.
func periodicJobs(cfg *config.Config) []*river.PeriodicJob {
	return append(opsPeriodicJobs(cfg), []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(time.Hour), func() (river.JobArgs, *river.InsertOpts) {
			return maintenanceArgs{}, nil
		}, nil),
		river.NewPeriodicJob(river.PeriodicInterval(cfg.LeaversInterval), func() (river.JobArgs, *river.InsertOpts) {
			return users.LeaversArgs{}, nil
		}, nil),
		river.NewPeriodicJob(river.PeriodicInterval(cfg.PeriodicInterval), func() (river.JobArgs, *river.InsertOpts) {
			return notify.EscalateArgs{}, nil
		}, nil),
		river.NewPeriodicJob(river.PeriodicInterval(cfg.PeriodicInterval), func() (river.JobArgs, *river.InsertOpts) {
			return upkeep.Args{}, nil
		}, &river.PeriodicJobOpts{RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(cfg.PeriodicInterval), func() (river.JobArgs, *river.InsertOpts) {
			return tickets.SLAEscalateArgs{}, nil
		}, nil),
	}...)
}

// opsPeriodicJobs are the optional upkeep jobs: scheduled backups (SQLite only;
// PostgreSQL has pg_dump) and the photo retention, which also runs when the leader
// starts so that a changed retention takes effect without waiting a day.
func opsPeriodicJobs(cfg *config.Config) []*river.PeriodicJob {
	var out []*river.PeriodicJob
	if cfg.BackupDir != "" && strings.HasPrefix(cfg.DatabaseURL, "sqlite:") {
		out = append(out, river.NewPeriodicJob(river.PeriodicInterval(cfg.BackupEvery), func() (river.JobArgs, *river.InsertOpts) {
			return backup.Args{}, nil
		}, nil))
	}
	if cfg.PhotoRetention > 0 {
		out = append(out, river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour), func() (river.JobArgs, *river.InsertOpts) {
			return tickets.PhotoRetentionArgs{}, nil
		}, &river.PeriodicJobOpts{RunOnStart: true}))
	}
	return out
}

// maintenanceArgs asks for the database's routine upkeep.
type maintenanceArgs struct{}

// Kind names the job in the queue.
func (maintenanceArgs) Kind() string { return "db_maintenance" }

// maintenanceWorker prunes expired sessions and old failed logins, and refreshes
// the query planner's statistics on SQLite (PostgreSQL's autovacuum does that).
type maintenanceWorker struct {
	river.WorkerDefaults[maintenanceArgs]
	db       *db.DB
	accounts *users.Service
}

// Work runs the upkeep.
func (w *maintenanceWorker) Work(ctx context.Context, _ *river.Job[maintenanceArgs]) error {
	if err := users.PruneSessions(ctx, w.db, time.Now()); err != nil {
		return err
	}
	if err := w.accounts.PruneLoginFailures(ctx); err != nil {
		return err
	}
	if w.db.Dialect != db.SQLite {
		return nil
	}
	_, err := w.db.W.ExecContext(ctx, "PRAGMA optimize")
	return err
}

type leaversWorker struct {
	river.WorkerDefaults[users.LeaversArgs]
	accounts *users.Service
}

// Work runs the check. An unavailable directory is not a failure to retry soon:
// the next scheduled run tries again.
func (w *leaversWorker) Work(ctx context.Context, _ *river.Job[users.LeaversArgs]) error {
	_, err := w.accounts.CheckLeavers(ctx)
	return err
}

// upkeepService is the upkeep scheduler's service, read when a job runs: the
// workers are registered before a.Upkeep is built.
func (a *App) upkeepService() *upkeep.Service { return a.Upkeep }
