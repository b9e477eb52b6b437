package server

// routes is the one route table of the JSON API. Every route here must be in
// the OpenAPI document (openapi.go); a test checks it.
func (s *Server) routes() {
	app := s.app
	app.Use(withRequestContext, s.authenticate, s.trackActivity)
	v1 := app.Group("/api/v1")
	v1.Get("/openapi.json", s.openAPI)

	v1.Post("/auth/register", s.register)
	v1.Post("/auth/login", s.login)
	v1.Post("/auth/logout", s.logout)
	v1.Get("/me", s.me)
	v1.Patch("/me", s.updateMe)
	v1.Post("/me/password", s.changePassword)

	v1.Post("/entities", s.createEntity)
	v1.Get("/entities", s.listEntities)
	v1.Get("/entities/:id", s.getEntity)
	v1.Patch("/entities/:id", s.updateEntity)
	v1.Post("/entities/:id/departments", s.createDepartment)
	v1.Get("/entities/:id/departments", s.listDepartments)
	v1.Post("/entities/:id/case-types", s.createCaseType)
	v1.Get("/entities/:id/case-types", s.listCaseTypes)
	v1.Post("/entities/:id/employees", s.createEmployee)
	v1.Get("/entities/:id/employees", s.listEmployees)
	v1.Put("/entities/:id/employees/:user_id/permissions", s.setPermissions)
	v1.Post("/entities/:id/employees/:user_id/disable", s.setEmployeeActive(false))
	v1.Post("/entities/:id/employees/:user_id/enable", s.setEmployeeActive(true))

	v1.Post("/cases", s.createCase)
	v1.Get("/cases", s.listCases)
	v1.Get("/cases/:id", s.getCase)
	v1.Get("/cases/:id/events", s.caseEvents)
	v1.Post("/cases/:id/comments", s.addComment)
	v1.Post("/cases/:id/assign", s.assignCase)
	v1.Post("/cases/:id/postpone", s.postponeCase)
	v1.Get("/cases/:id/postponements", s.pendingPostponements)
	v1.Post("/cases/:id/postponements/:request_id/approve", s.decidePostponement(true))
	v1.Post("/cases/:id/postponements/:request_id/refuse", s.decidePostponement(false))
	// Reassignment requests (an employee without case.reassign asks; a supervisor decides).
	v1.Get("/cases/:id/reassignments", s.pendingReassignments)
	v1.Post("/cases/:id/reassignments/:request_id/approve", s.decideReassignment(true))
	v1.Post("/cases/:id/reassignments/:request_id/refuse", s.decideReassignment(false))
	v1.Post("/cases/:id/resolve", s.resolveCase)
	v1.Post("/cases/:id/object", s.objectCase)
	v1.Post("/cases/:id/rating", s.rateCase)
	v1.Post("/cases/:id/transition", s.transitionCase)

	v1.Get("/attachments", s.listAttachments)

	// Service guide (issue 19): public reads, entity admins edit and publish.
	v1.Post("/entities/:id/services", s.createService)
	v1.Get("/entities/:id/services", s.listEntityServices)
	v1.Get("/services", s.listServices)
	v1.Get("/services/:id", s.getService)
	v1.Patch("/services/:id", s.updateService)
	v1.Post("/services/:id/publish", s.publishService)
	v1.Get("/services/:id/versions", s.serviceVersions)
	v1.Get("/stats/services", s.serviceStats)

	v1.Get("/audit", s.auditLog)

	v1.Get("/notifications", s.listNotifications)
	v1.Post("/notifications/read-all", s.readAllNotifications)
	v1.Post("/notifications/:id/read", s.readNotification)
	v1.Get("/me/notification-preferences", s.getPreferences)
	v1.Put("/me/notification-preferences", s.putPreferences)
	v1.Get("/entities/:id/templates/:kind", s.getTemplates)
	v1.Put("/entities/:id/templates/:kind", s.putTemplates)

	// Statistics, hours worked, performance, indicators and reports
	// (stats_*.go). Every route is a read but the report schedule's PUT.
	v1.Get("/stats/entities", getAllEntities(s))
	v1.Get("/stats/entities/:id", getEntityStats(s))
	v1.Get("/stats/entities/:id/breakdown", getBreakdown(s))
	v1.Get("/stats/entities/:id/indicators", getIndicators(s))
	v1.Get("/stats/entities/:id/counters", getCounters(s))
	v1.Get("/stats/entities/:id/report", s.statsReport)
	v1.Get("/stats/employees/:id", getEmployeeStats(s))
	v1.Get("/stats/employees/:id/hours", getHours(s))
	v1.Get("/stats/departments/:id/performance", getPerformance(s))
	v1.Get("/stats/cases", s.statsCases)
	v1.Get("/entities/:id/report-schedule", s.getReportSchedule)
	v1.Put("/entities/:id/report-schedule", s.putReportSchedule)
}
