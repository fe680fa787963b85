package api

import (
	"net/http"

	"smartservice/internal/httpx"
)

// routes lists every route of the API, in one place. Routes wrapped in authed need
// "Authorization: Bearer <token>"; the domain checks what the caller may do.
func (a *API) routes() {
	a.handle("GET /api/v1/openapi.json", http.HandlerFunc(a.openAPI))

	a.handle("POST /api/v1/auth/register", http.HandlerFunc(a.register))
	a.handle("POST /api/v1/auth/register/complete", http.HandlerFunc(a.completeRegistration))
	a.handle("POST /api/v1/auth/password-reset", http.HandlerFunc(a.requestPasswordReset))
	a.handle("POST /api/v1/auth/password-reset/complete", http.HandlerFunc(a.completePasswordReset))
	a.handle("POST /api/v1/auth/login", http.HandlerFunc(a.login))
	a.handle("POST /api/v1/auth/logout", a.authed(a.logout))

	a.handle("GET /api/v1/me", a.authed(a.me))
	a.handle("PATCH /api/v1/me", a.authed(a.updateMe))
	a.handle("GET /api/v1/me/tokens", a.authed(a.listTokens))
	a.handle("POST /api/v1/me/tokens", a.authed(a.createToken))
	a.handle("DELETE /api/v1/me/tokens/{id}", a.authed(a.revokeToken))
	a.handle("GET /api/v1/me/notification-settings", a.authed(a.notificationSettings))
	a.handle("PUT /api/v1/me/notification-settings", a.authed(a.updateNotificationSettings))
	a.handle("POST /api/v1/me/telegram-link", a.authed(a.createTelegramLink))

	a.handle("GET /api/v1/departments", a.authed(a.listDepartments))
	a.handle("POST /api/v1/departments", a.authed(a.createDepartment))
	a.handle("GET /api/v1/departments/{id}", a.authed(a.department))
	a.handle("PATCH /api/v1/departments/{id}", a.authed(a.updateDepartment))
	a.handle("DELETE /api/v1/departments/{id}", a.authed(a.deleteDepartment))

	a.handle("GET /api/v1/service-classes", a.authed(a.listTerms(classesVocabulary)))
	a.handle("POST /api/v1/service-classes", a.authed(a.createTerm(classesVocabulary)))
	a.handle("GET /api/v1/service-classes/{id}", a.authed(a.term(classesVocabulary)))
	a.handle("PATCH /api/v1/service-classes/{id}", a.authed(a.updateTerm(classesVocabulary)))
	a.handle("DELETE /api/v1/service-classes/{id}", a.authed(a.deleteTerm(classesVocabulary)))

	a.handle("GET /api/v1/service-types", a.authed(a.listTypes))
	a.handle("POST /api/v1/service-types", a.authed(a.createType))
	a.handle("GET /api/v1/service-types/{id}", a.authed(a.serviceType))
	a.handle("PATCH /api/v1/service-types/{id}", a.authed(a.updateType))
	a.handle("DELETE /api/v1/service-types/{id}", a.authed(a.deleteType))
	a.handle("PUT /api/v1/service-types/{id}/problem-types", a.authed(a.setOffers))

	a.handle("GET /api/v1/problem-types", a.authed(a.listTerms(problemsVocabulary)))
	a.handle("POST /api/v1/problem-types", a.authed(a.createTerm(problemsVocabulary)))
	a.handle("GET /api/v1/problem-types/{id}", a.authed(a.term(problemsVocabulary)))
	a.handle("PATCH /api/v1/problem-types/{id}", a.authed(a.updateTerm(problemsVocabulary)))
	a.handle("DELETE /api/v1/problem-types/{id}", a.authed(a.deleteTerm(problemsVocabulary)))

	a.handle("GET /api/v1/assets", a.authed(a.listAssets))
	a.handle("POST /api/v1/assets", a.authed(a.createAsset))
	a.handle("GET /api/v1/assets/by-code/{code}", a.authed(a.assetByCode))
	a.handle("GET /api/v1/assets/{id}", a.authed(a.asset))
	a.handle("PATCH /api/v1/assets/{id}", a.authed(a.updateAsset))
	a.handle("DELETE /api/v1/assets/{id}", a.authed(a.deleteAsset))
	// GET /api/v1/assets/{id}/qr.svg and …/qr.png would overlap by-code/{code}.
	a.handleShared("GET /api/v1/assets/{id}/{file}", "file", map[string]http.HandlerFunc{
		"qr.svg": a.authed(a.assetQRSVG),
		"qr.png": a.authed(a.assetQRPNG),
	})

	a.handle("GET /api/v1/routing-rules", a.authed(a.listRules))
	a.handle("POST /api/v1/routing-rules", a.authed(a.createRule))
	a.handle("GET /api/v1/routing-rules/resolve", a.authed(a.resolveRule))
	a.handle("PUT /api/v1/routing-rules/{id}", a.authed(a.updateRule))
	a.handle("DELETE /api/v1/routing-rules/{id}", a.authed(a.deleteRule))

	a.handle("GET /api/v1/audit", a.authed(a.listAudit))

	a.handle("GET /api/v1/upkeep-plans", a.authed(a.listUpkeepPlans))
	a.handle("POST /api/v1/upkeep-plans", a.authed(a.createUpkeepPlan))
	a.handle("GET /api/v1/upkeep-plans/{id}", a.authed(a.upkeepPlan))
	a.handle("PUT /api/v1/upkeep-plans/{id}", a.authed(a.updateUpkeepPlan))
	a.handle("DELETE /api/v1/upkeep-plans/{id}", a.authed(a.deleteUpkeepPlan))

	a.handle("GET /api/v1/service-levels", a.authed(a.serviceLevels))
	a.handle("PUT /api/v1/service-levels/hours", a.authed(a.setOfficeHours))
	a.handle("PUT /api/v1/service-levels/holidays/{day}", a.authed(a.putHoliday))
	a.handle("DELETE /api/v1/service-levels/holidays/{day}", a.authed(a.deleteHoliday))
	a.handle("PUT /api/v1/service-levels/problem-types/{id}", a.authed(a.setProblemTarget))
	a.handle("PUT /api/v1/service-levels/rules/{id}", a.authed(a.setRuleTarget))
	a.handle("GET /api/v1/tickets", a.authed(a.listTickets))
	// Filing alone may carry a photo: its body limit is the upload limit.
	a.handle("POST /api/v1/tickets", httpx.Upload(a.Config.MaxUploadBytes, nil, a.authed(a.createTicket)))
	a.handle("GET /api/v1/tickets/counts", a.authed(a.countTickets))
	a.handle("GET /api/v1/tickets/{id}", a.authed(a.ticket))
	a.handle("GET /api/v1/tickets/{id}/events", a.authed(a.ticketEvents))
	a.handle("GET /api/v1/tickets/{id}/photo", a.authed(a.ticketPhoto))
	a.handle("POST /api/v1/tickets/{id}/take", a.authed(a.takeTicket))
	a.handle("POST /api/v1/tickets/{id}/start", a.authed(a.startTicket))
	a.handle("POST /api/v1/tickets/{id}/complete", a.authed(a.completeTicket))
	a.handle("POST /api/v1/tickets/{id}/cancel", a.authed(a.cancelTicket))
	a.handle("POST /api/v1/tickets/{id}/reassign", a.authed(a.reassignTicket))
	a.handle("POST /api/v1/tickets/{id}/send", a.authed(a.sendTicket))
	a.handle("POST /api/v1/tickets/{id}/reopen", a.authed(a.reopenTicket))
	a.handle("POST /api/v1/tickets/{id}/follow", a.authed(a.followTicket))
	a.handle("DELETE /api/v1/tickets/{id}/follow", a.authed(a.unfollowTicket))
	a.handle("POST /api/v1/tickets/{id}/comments", a.authed(a.commentTicket))

	a.handle("GET /api/v1/reports/summary", a.authed(a.reportsSummary))

	a.handle("GET /api/v1/users", a.authed(a.listUsers))
	a.handle("PATCH /api/v1/users/{id}", a.authed(a.updateUser))
}
