package web

import "net/http"

// routes lists every route of the HTML face and the operator endpoints, in one place.
func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("GET /{$}", s.home)
	m.HandleFunc("POST /lang", s.setLanguage)

	m.HandleFunc("GET /login", s.loginPage)
	m.HandleFunc("POST /login", s.login)
	m.HandleFunc("POST /logout", s.logout)
	m.HandleFunc("GET /register", s.registerPage)
	m.HandleFunc("POST /register", s.register)
	m.HandleFunc("GET /register/confirm", s.confirmPage)
	m.HandleFunc("POST /register/confirm", s.confirm)

	m.HandleFunc("GET /a/{code}", s.device)
	m.Handle("GET /static/{file}", http.HandlerFunc(s.serveStatic))

	m.HandleFunc("GET /healthz", s.healthz)
	m.HandleFunc("GET /readyz", s.readyz)
	m.Handle("GET /metrics", s.metricsHandler())
}
