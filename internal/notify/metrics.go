package notify

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Registerer is where the metrics go; *prometheus.Registry is one.
type Registerer = prometheus.Registerer

// metrics count deliveries by channel: sent (or previewed), failed for good
// (dead, down, out of attempts) and retried (an error or a rate limit that will
// be tried again); pending is read from the table when scraped.
type metrics struct {
	sent, failed, retried *prometheus.CounterVec
}

func newMetrics(reg Registerer, pending func(context.Context) (float64, error)) (*metrics, error) {
	m := &metrics{
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "smartservice_notifications_sent_total",
			Help: "Notifications delivered (or recorded as previews), by channel."}, []string{"channel"}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "smartservice_notifications_failed_total",
			Help: "Notifications that failed for good (recipient gone, channel down, out of attempts), by channel."}, []string{"channel"}),
		retried: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "smartservice_notifications_retried_total",
			Help: "Delivery attempts that will be tried again (errors, rate limits), by channel."}, []string{"channel"}),
	}
	if reg == nil {
		return m, nil
	}
	gauge := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "smartservice_notifications_pending",
		Help: "Notifications waiting to be delivered (quiet hours included)."}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := pending(ctx)
		if err != nil {
			return -1
		}
		return n
	})
	for _, c := range []prometheus.Collector{m.sent, m.failed, m.retried, gauge} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// countPending counts the pending notifications (an index range on state).
func (s *Service) countPending(ctx context.Context) (float64, error) {
	var n int64
	err := s.db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM notifications WHERE state = $1", StatePending).Scan(&n)
	return float64(n), err
}
