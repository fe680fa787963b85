package app

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"smartservice/internal/audit"
	"smartservice/internal/backup"
	"smartservice/internal/db"
	"smartservice/internal/httpx"
	"smartservice/internal/jobs"
)

// setupOps registers the operational metrics and warns about options that do not
// apply to the database in use.
func (a *App) setupOps(now func() time.Time) {
	if a.Config.BackupDir != "" && a.DB.Dialect == db.Postgres {
		a.Logger.Warn("SMARTSERVICE_BACKUP_DIR is ignored on PostgreSQL: back it up with pg_dump (see the README)")
	}
	a.Metrics.MustRegister(&opsCollector{db: a.DB, now: now})
	// The audit trail finds the client's address in the request context the
	// domain functions get.
	audit.SetAddrSource(httpx.ClientAddrFrom)
}

// opsCollector reads the operational state from the database at each scrape, so
// every instance reports the same numbers whichever of them did the work: the job
// queue's depth, tickets by status and the scheduled backups.
type opsCollector struct {
	db  *db.DB
	now func() time.Time

	// Tickets by status are counted at most once per TicketCountsEvery and the
	// last count is served in between: the count is a GROUP BY over every ticket
	// (an index scan of a million entries for a year's office), and every scrape
	// of every instance would otherwise pay it. mu also makes concurrent scrapes
	// share one count.
	mu        sync.Mutex
	counted   time.Time
	byStatus  []statusCount
	countedOK bool
}

// TicketCountsEvery is how stale smartservice_tickets may be. The other
// operational metrics read a few rows by an index and are read at each scrape.
const TicketCountsEvery = time.Minute

type statusCount struct {
	status string
	n      int64
}

// ticketCounts returns the tickets by status, counted again when the last count
// is older than TicketCountsEvery; a failed count keeps the previous one and is
// tried again at the next scrape.
func (c *opsCollector) ticketCounts(ctx context.Context) ([]statusCount, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if c.countedOK && now.Sub(c.counted) < TicketCountsEvery && !now.Before(c.counted) {
		return c.byStatus, true
	}
	rows, err := c.db.R.QueryContext(ctx, "SELECT status, COUNT(*) FROM tickets GROUP BY status")
	if err != nil {
		return c.byStatus, c.countedOK
	}
	defer rows.Close()
	var out []statusCount
	for rows.Next() {
		var sc statusCount
		if err := rows.Scan(&sc.status, &sc.n); err != nil {
			return c.byStatus, c.countedOK
		}
		out = append(out, sc)
	}
	if rows.Err() != nil {
		return c.byStatus, c.countedOK
	}
	c.byStatus, c.counted, c.countedOK = out, now, true
	return out, true
}

var (
	queueDepthDesc = prometheus.NewDesc("smartservice_job_queue_depth", "Jobs waiting or running, by kind and state.", []string{"kind", "state"}, nil)
	ticketsDesc    = prometheus.NewDesc("smartservice_tickets", "Tickets by status.", []string{"status"}, nil)
	backupOKDesc   = prometheus.NewDesc("smartservice_backup_last_success_timestamp_seconds", "When the newest successful scheduled backup started (0: never).", nil, nil)
	backupSizeDesc = prometheus.NewDesc("smartservice_backup_last_success_size_bytes", "Size of the newest successful scheduled backup.", nil, nil)
	backupFailDesc = prometheus.NewDesc("smartservice_backup_failures_total", "Failed scheduled backups.", nil, nil)
	backupBadDesc  = prometheus.NewDesc("smartservice_backup_last_failed", "1 when the newest scheduled backup attempt failed.", nil, nil)
)

// Describe sends the metrics' descriptions.
func (c *opsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{queueDepthDesc, ticketsDesc, backupOKDesc, backupSizeDesc, backupFailDesc, backupBadDesc} {
		ch <- d
	}
}

// Collect reads the numbers; a failed read leaves its metrics out of this scrape
// rather than failing the whole scrape.
func (c *opsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if depth, err := jobs.QueueDepth(ctx, c.db); err == nil {
		for _, d := range depth {
			ch <- prometheus.MustNewConstMetric(queueDepthDesc, prometheus.GaugeValue, float64(d.Count), d.Kind, d.State)
		}
	}
	if counts, ok := c.ticketCounts(ctx); ok {
		for _, sc := range counts {
			ch <- prometheus.MustNewConstMetric(ticketsDesc, prometheus.GaugeValue, float64(sc.n), sc.status)
		}
	}
	st, err := backup.ReadStatus(ctx, c.db)
	if err != nil {
		return
	}
	var last, size, bad float64
	if st.LastOK != nil {
		last, size = float64(st.LastOK.StartedAt.Unix()), float64(st.LastOK.Size)
	}
	if st.Alert() {
		bad = 1
	}
	ch <- prometheus.MustNewConstMetric(backupOKDesc, prometheus.GaugeValue, last)
	ch <- prometheus.MustNewConstMetric(backupSizeDesc, prometheus.GaugeValue, size)
	ch <- prometheus.MustNewConstMetric(backupFailDesc, prometheus.CounterValue, float64(st.Failures))
	ch <- prometheus.MustNewConstMetric(backupBadDesc, prometheus.GaugeValue, bad)
}
