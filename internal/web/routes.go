package web

import (
	"net/http"

	"smartservice/internal/httpx"
)

// routes lists every route of the HTML face and the operator endpoints, in one place.
func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("GET /{$}", s.home)
	m.HandleFunc("POST /lang", s.setLanguage)
	m.HandleFunc("POST /availability", s.homeAvailability)

	m.HandleFunc("GET /login", s.loginPage)
	m.HandleFunc("POST /login", s.login)
	m.HandleFunc("POST /logout", s.logout)
	m.HandleFunc("GET /register", s.registerPage)
	m.HandleFunc("POST /register", s.register)
	m.HandleFunc("GET /register/confirm", s.confirmPage)
	m.HandleFunc("POST /register/confirm", s.confirm)
	m.HandleFunc("GET /password-reset", s.resetPage)
	m.HandleFunc("POST /password-reset", s.reset)
	m.HandleFunc("GET /password-reset/confirm", s.resetConfirmPage)
	m.HandleFunc("POST /password-reset/confirm", s.resetConfirm)

	// Account pages: the profile, the administration of users and departments, and
	// the one-time setup of the first administrator.
	m.HandleFunc("GET /profile", s.profilePage)
	m.HandleFunc("POST /profile/language", s.profileLanguage)
	m.HandleFunc("POST /profile/password", s.profilePassword)
	m.HandleFunc("POST /profile/tokens", s.profileCreateToken)
	m.HandleFunc("POST /profile/tokens/{id}/revoke", s.profileRevokeToken)
	m.HandleFunc("POST /profile/notifications", s.profileNotifications)
	m.HandleFunc("POST /profile/telegram/link", s.profileTelegramLink)
	m.HandleFunc("POST /profile/telegram/unlink", s.profileTelegramUnlink)
	m.HandleFunc("GET /admin/users", s.adminUsers)
	m.HandleFunc("POST /admin/users/leavers-check", s.adminLeaversCheck)
	m.HandleFunc("GET /admin/users/{id}", s.adminUser)
	m.HandleFunc("POST /admin/users/{id}", s.adminUpdateUser)
	m.HandleFunc("GET /admin/departments", s.adminDepartments)
	m.HandleFunc("POST /admin/departments", s.adminCreateDepartment)
	m.HandleFunc("POST /admin/departments/{id}", s.adminUpdateDepartment)
	m.HandleFunc("POST /admin/departments/{id}/delete", s.adminDeleteDepartment)
	m.HandleFunc("GET /admin/notifications", s.adminNotifications)
	m.HandleFunc("POST /admin/notifications/{id}/retry", s.adminNotificationRetry)
	m.HandleFunc("POST /admin/notifications/channels/{channel}/resume", s.adminNotificationsResume)
	m.HandleFunc("POST /admin/departments/{id}/telegram-code", s.adminDepartmentTelegramCode)
	m.HandleFunc("POST /admin/departments/{id}/telegram-unbind", s.adminDepartmentTelegramUnbind)
	m.HandleFunc("GET /admin/service-levels", s.adminSLA)
	m.HandleFunc("POST /admin/service-levels/hours", s.adminSLAHours)
	m.HandleFunc("POST /admin/service-levels/holidays", s.adminSLAHoliday)
	m.HandleFunc("POST /admin/service-levels/holidays/{day}/delete", s.adminSLAHolidayDelete)
	m.HandleFunc("POST /admin/service-levels/problem-types/{id}", s.adminSLATarget)
	m.HandleFunc("POST /admin/service-levels/rules/{id}", s.adminSLATarget)
	m.HandleFunc("GET /admin/audit", s.adminAudit)
	m.HandleFunc("GET /admin/audit/export.csv", s.adminAuditExport)
	m.HandleFunc("GET /setup", s.setupPage)
	m.HandleFunc("POST /setup", s.setup)

	// Catalogue and devices: the page behind every QR code, the list of devices with
	// its admin forms, QR images and label sheets, and the catalogue's admin pages.
	// Import, export and the starter catalogue.
	m.HandleFunc("POST /catalogue/starter", s.catalogueStarter)
	m.HandleFunc("GET /assets/export.csv", s.assetsExport)
	m.HandleFunc("GET /assets/import", s.assetsImportPage)
	m.HandleFunc("POST /assets/import", s.assetsImport)

	m.HandleFunc("GET /a/{code}", s.device)
	// Filing: the form behind a problem's button (its POST may carry a photo and has
	// its own body limit, refused with its own page), the confirmation, the photo.
	m.HandleFunc("GET /a/{code}/report", s.filingForm)
	m.Handle("POST /a/{code}/report", httpx.Upload(s.Config.MaxUploadBytes, http.HandlerFunc(s.photoTooBig), http.HandlerFunc(s.filingPost)))
	m.HandleFunc("GET /tickets/{id}/filed", s.ticketFiled)
	m.HandleFunc("GET /tickets/{id}/photo", s.ticketPhoto)
	m.HandleFunc("GET /assets", s.assetsList)
	m.HandleFunc("GET /assets/new", s.assetNew)
	m.HandleFunc("POST /assets", s.assetCreate)
	m.HandleFunc("GET /assets/labels.pdf", s.assetLabels)
	m.HandleFunc("GET /assets/{id}", s.assetShow)
	m.HandleFunc("POST /assets/{id}", s.assetUpdate)
	m.HandleFunc("GET /assets/{id}/edit", s.assetEdit)
	m.HandleFunc("POST /assets/{id}/archive", s.assetArchive)
	m.HandleFunc("POST /assets/{id}/delete", s.assetDelete)
	m.HandleFunc("POST /assets/{id}/reissue", s.assetReissue)
	m.HandleFunc("GET /assets/{id}/qr.png", s.assetQRPNG)
	m.HandleFunc("GET /assets/{id}/qr.svg", s.assetQRSVG)
	m.HandleFunc("GET /assets/{id}/label.pdf", s.assetLabel)
	m.HandleFunc("GET /catalogue", s.cataloguePage)
	for _, kind := range []string{kindClass, kindType, kindProblem} {
		m.HandleFunc("POST /catalogue/"+kind, s.catalogueCreate(kind))
		m.HandleFunc("POST /catalogue/"+kind+"/{id}", s.catalogueUpdate(kind))
		m.HandleFunc("POST /catalogue/"+kind+"/{id}/delete", s.catalogueDelete(kind))
	}
	m.HandleFunc("GET /catalogue/types/{id}", s.catalogueType)
	m.HandleFunc("POST /catalogue/types/{id}/offers", s.catalogueOffers("add"))
	m.HandleFunc("POST /catalogue/types/{id}/offers/{problem}", s.catalogueOffers("save"))
	m.HandleFunc("POST /catalogue/types/{id}/offers/{problem}/move", s.catalogueOffers("move"))
	m.HandleFunc("POST /catalogue/types/{id}/offers/{problem}/remove", s.catalogueOffers("remove"))

	// Upkeep plans: admins and heads (internal/upkeep checks who).
	m.HandleFunc("GET /upkeep", s.upkeepList)
	m.HandleFunc("GET /upkeep/export.csv", s.upkeepExport)
	m.HandleFunc("GET /upkeep/new", s.upkeepNew)
	m.HandleFunc("POST /upkeep", s.upkeepCreate)
	m.HandleFunc("GET /upkeep/{id}", s.upkeepEdit)
	m.HandleFunc("POST /upkeep/{id}", s.upkeepUpdate)
	m.HandleFunc("POST /upkeep/{id}/active", s.upkeepPause)
	m.HandleFunc("POST /upkeep/{id}/run", s.upkeepRun)
	m.HandleFunc("POST /upkeep/{id}/delete", s.upkeepDelete)

	// The routing rules table: read by staff, edited by admins.
	m.HandleFunc("GET /rules", s.rulesPage)
	m.HandleFunc("POST /rules", s.rulesCreate)
	m.HandleFunc("POST /rules/default", s.rulesDefault)
	m.HandleFunc("POST /rules/starter", s.rulesStarter)
	m.HandleFunc("GET /rules/export.csv", s.rulesExport)
	m.HandleFunc("POST /rules/import", s.rulesImport)
	m.HandleFunc("POST /rules/{id}", s.rulesUpdate)
	m.HandleFunc("POST /rules/{id}/delete", s.rulesDelete)

	// Tickets: the journal with its CSV export, a ticket's page and its changes.
	m.HandleFunc("GET /tickets", s.ticketsList)
	m.HandleFunc("GET /tickets/export.csv", s.ticketsExport)
	m.HandleFunc("GET /tickets/{id}", s.ticketShow)
	m.HandleFunc("POST /tickets/{id}/take", s.ticketTake)
	m.HandleFunc("POST /tickets/{id}/start", s.ticketStart)
	m.HandleFunc("POST /tickets/{id}/complete", s.ticketComplete)
	m.HandleFunc("POST /tickets/{id}/cancel", s.ticketCancel)
	m.HandleFunc("POST /tickets/{id}/reassign", s.ticketReassign)
	m.HandleFunc("POST /tickets/{id}/send", s.ticketSend)
	m.HandleFunc("POST /tickets/{id}/reopen", s.ticketReopen)
	m.HandleFunc("POST /tickets/{id}/comment", s.ticketComment)
	m.HandleFunc("POST /tickets/{id}/follow", s.ticketFollow)
	m.HandleFunc("POST /tickets/{id}/unfollow", s.ticketUnfollow)

	// The period report of heads and administrators, and its exports.
	m.HandleFunc("GET /reports", s.reportsPage)
	m.HandleFunc("GET /reports/export.csv", s.reportsExport("csv"))
	m.HandleFunc("GET /reports/export.xlsx", s.reportsExport("xlsx"))

	m.Handle("GET /static/{file}", http.HandlerFunc(s.serveStatic))

	m.HandleFunc("GET /healthz", s.healthz)
	m.HandleFunc("GET /readyz", s.readyz)
	// /metrics is the host's (internal/httpx), behind a token or on its own address.
}
