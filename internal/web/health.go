package web

import (
	"encoding/json"
	"net/http"

	"smartservice/internal/jobs"
)

// healthz answers while the process can serve HTTP at all.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz answers 200 only when this instance can do real work: the database answers,
// its schema is this binary's, the job client runs and no job has waited past its
// time longer than SMARTSERVICE_QUEUE_STUCK_AFTER (a queue nobody works, on any
// instance, is as bad as a stopped one). A load balancer sends
// traffic elsewhere on 503.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := ctxTimeout(r.Context())
	defer cancel()
	checks := map[string]string{"database": "ok", "migrations": "ok", "jobs": "ok", "queue": "ok"}
	ready := true
	if err := s.DB.Ping(ctx); err != nil {
		checks["database"], checks["migrations"], ready = "unreachable", "unknown", false
		s.Logger.Warn("readiness: database unreachable", "err", err)
	} else if ok, err := s.DB.Current(ctx); err != nil || !ok {
		checks["migrations"], ready = "pending", false
	}
	if s.Jobs == nil || !s.Jobs.Running() {
		checks["jobs"], ready = "stopped", false
	}
	if ready {
		if n, err := jobs.Overdue(ctx, s.DB, s.Now(), s.Config.QueueStuckAfter); err != nil || n > 0 {
			checks["queue"], ready = "stuck", false
			s.Logger.Warn("readiness: jobs overdue", "jobs", n, "after", s.Config.QueueStuckAfter, "err", err)
		}
	}
	status := http.StatusOK
	if !ready {
		status = http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"ready": ready, "checks": checks})
}
