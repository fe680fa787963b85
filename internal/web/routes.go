package web

import "net/http"

// routes lists every route of the HTML face and the operator endpoints, in one place.
func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("GET /{$}", s.home)
	m.HandleFunc("POST /lang", s.setLanguage)
	m.Handle("GET /static/{file}", http.HandlerFunc(s.serveStatic))

	m.HandleFunc("GET /healthz", s.healthz)
	m.HandleFunc("GET /readyz", s.readyz)
	m.Handle("GET /metrics", s.metricsHandler())
}
