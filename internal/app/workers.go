package app

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"smartservice/internal/db"
	"smartservice/internal/jobs"
)

// registerWorkers adds every module's job workers to the registry. New modules
// add their line here.
func registerWorkers(w *river.Workers, a *App) {
	river.AddWorker(w, &maintenanceWorker{db: a.DB})
}

// periodicJobs are the jobs every deployment runs on a schedule. River runs
// periodic jobs on its elected leader only, so several instances do not repeat them.
func periodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(6*time.Hour), func() (river.JobArgs, *river.InsertOpts) {
			return maintenanceArgs{}, nil
		}, &river.PeriodicJobOpts{RunOnStart: false}),
	}
}

// maintenanceArgs asks for the database's routine upkeep.
type maintenanceArgs struct{}

// Kind names the job in the queue.
func (maintenanceArgs) Kind() string { return "db_maintenance" }

// maintenanceWorker refreshes the query planner's statistics on SQLite (PostgreSQL's
// autovacuum does this by itself).
type maintenanceWorker struct {
	river.WorkerDefaults[maintenanceArgs]
	db *db.DB
}

// Work runs the upkeep.
func (w *maintenanceWorker) Work(ctx context.Context, _ *river.Job[maintenanceArgs]) error {
	if w.db.Dialect != db.SQLite {
		return nil
	}
	_, err := w.db.W.ExecContext(ctx, "PRAGMA optimize")
	return err
}

var _ = jobs.DefaultMaxWorkers
