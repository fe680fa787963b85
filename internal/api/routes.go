package api

// routes lists every route of the API, in one place. Routes wrapped in authed need
// "Authorization: Bearer <token>"; the domain checks what the caller may do.
func (a *API) routes() {
	a.handle("GET /api/v1/openapi.json", a.openAPI)

	a.handle("POST /api/v1/auth/register", a.register)
	a.handle("POST /api/v1/auth/login", a.login)
	a.handle("POST /api/v1/auth/logout", a.authed(a.logout))

	a.handle("GET /api/v1/me", a.authed(a.me))
	a.handle("PATCH /api/v1/me", a.authed(a.updateMe))
	a.handle("GET /api/v1/me/tokens", a.authed(a.listTokens))
	a.handle("POST /api/v1/me/tokens", a.authed(a.createToken))
	a.handle("DELETE /api/v1/me/tokens/{id}", a.authed(a.revokeToken))

	a.handle("GET /api/v1/departments", a.authed(a.listDepartments))
	a.handle("POST /api/v1/departments", a.authed(a.createDepartment))
	a.handle("GET /api/v1/departments/{id}", a.authed(a.department))
	a.handle("PATCH /api/v1/departments/{id}", a.authed(a.updateDepartment))
	a.handle("DELETE /api/v1/departments/{id}", a.authed(a.deleteDepartment))

	a.handle("GET /api/v1/users", a.authed(a.listUsers))
	a.handle("PATCH /api/v1/users/{id}", a.authed(a.updateUser))
}
