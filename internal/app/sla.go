package app

import (
	"context"

	"github.com/riverqueue/river"

	"smartservice/internal/tickets"
)

// slaWorker runs the service-level escalation (tickets.Service.EscalateSLA). It
// holds the App rather than the tickets service because workers are registered
// before the domain services are built.
type slaWorker struct {
	river.WorkerDefaults[tickets.SLAEscalateArgs]
	app *App
}

// Work escalates the tickets that crossed a threshold.
func (w *slaWorker) Work(ctx context.Context, _ *river.Job[tickets.SLAEscalateArgs]) error {
	_, err := w.app.Tickets.EscalateSLA(ctx)
	return err
}
