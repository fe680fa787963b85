package web

import (
	"encoding/json"
	"net/http"
)

// healthz answers while the process can serve HTTP at all.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz answers 200 only when this instance can do real work: the database answers,
// its schema is this binary's, and the job client runs. A load balancer sends
// traffic elsewhere on 503.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := ctxTimeout(r.Context())
	defer cancel()
	checks := map[string]string{"database": "ok", "migrations": "ok", "jobs": "ok"}
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
	status := http.StatusOK
	if !ready {
		status = http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"ready": ready, "checks": checks})
}
