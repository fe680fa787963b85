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

	// Account pages: the profile, the administration of users and departments, and
	// the one-time setup of the first administrator.
	m.HandleFunc("GET /profile", s.profilePage)
	m.HandleFunc("POST /profile/language", s.profileLanguage)
	m.HandleFunc("POST /profile/password", s.profilePassword)
	m.HandleFunc("POST /profile/tokens", s.profileCreateToken)
	m.HandleFunc("POST /profile/tokens/{id}/revoke", s.profileRevokeToken)
	m.HandleFunc("GET /admin/users", s.adminUsers)
	m.HandleFunc("POST /admin/users/leavers-check", s.adminLeaversCheck)
	m.HandleFunc("GET /admin/users/{id}", s.adminUser)
	m.HandleFunc("POST /admin/users/{id}", s.adminUpdateUser)
	m.HandleFunc("GET /admin/departments", s.adminDepartments)
	m.HandleFunc("POST /admin/departments", s.adminCreateDepartment)
	m.HandleFunc("POST /admin/departments/{id}", s.adminUpdateDepartment)
	m.HandleFunc("POST /admin/departments/{id}/delete", s.adminDeleteDepartment)
	m.HandleFunc("GET /setup", s.setupPage)
	m.HandleFunc("POST /setup", s.setup)

	m.HandleFunc("GET /a/{code}", s.device)
	m.Handle("GET /static/{file}", http.HandlerFunc(s.serveStatic))

	if s.API != nil {
		m.Handle(apiPrefix, s.API)
	}

	m.HandleFunc("GET /healthz", s.healthz)
	m.HandleFunc("GET /readyz", s.readyz)
	m.Handle("GET /metrics", s.metricsHandler())
}
