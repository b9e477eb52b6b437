package server

import "net/http"

// routes is the one route table: every path the server answers. Every route
// is in the OpenAPI document (openapi.go); a test checks it.
//
// Two routers share the port. The net/http front serves what needs the raw
// request or answers without a session: health checks, metrics, the live
// socket, and files streamed in and out. Everything else goes through the
// bridge to the Fiber JSON API, whose middleware sets the request context
// and authenticates the caller.
func (s *Server) routes(ws http.Handler) {
	front := s.mux

	// operations (health.go, metrics.go)
	front.HandleFunc("GET /healthz", s.healthz)
	front.HandleFunc("GET /readyz", s.readyz)
	front.Handle("GET /metrics", s.metrics.handler())

	// live (the hub's WebSocket endpoint)
	front.Handle("GET /ws", ws)

	// files, streamed (attachments.go, downloads.go)
	front.HandleFunc("POST /api/v1/cases/{id}/attachments", s.upload(false))
	front.HandleFunc("POST /api/v1/cases/{id}/voice", s.upload(true))
	front.HandleFunc("GET /api/v1/attachments/{id}", s.download)
	front.HandleFunc("GET /api/v1/recordings/{id}", s.downloadRecording) // meeting audio (meeting_recordings.go)

	app := s.app
	app.Use(withRequestContext, s.authenticate, s.trackActivity)
	v1 := app.Group("/api/v1")
	v1.Get("/openapi.json", s.openAPI)

	// accounts (accounts.go)
	v1.Post("/auth/register", s.register)
	v1.Post("/auth/login", s.login)
	v1.Post("/auth/logout", s.logout)
	v1.Get("/me", s.me)
	v1.Patch("/me", s.updateMe)
	v1.Post("/me/password", s.changePassword)

	// Contact verification: a code sent to a new e-mail or mobile (contacts.go).
	v1.Post("/me/contacts/verify", s.verifyContact)
	v1.Post("/me/contacts/resend", s.resendContactCode)

	// Password reset by a code sent by e-mail or SMS (password_reset.go).
	v1.Post("/auth/password-reset", s.requestPasswordReset)
	v1.Post("/auth/password-reset/confirm", s.confirmPasswordReset)

	// entities, departments, case types (entities.go)
	v1.Post("/entities", s.createEntity)
	v1.Get("/entities", s.listEntities)
	v1.Get("/entities/:id", s.getEntity)
	v1.Patch("/entities/:id", s.updateEntity)
	v1.Post("/entities/:id/departments", s.createDepartment)
	v1.Get("/entities/:id/departments", s.listDepartments)
	v1.Post("/entities/:id/case-types", s.createCaseType)
	v1.Get("/entities/:id/case-types", s.listCaseTypes)

	// employees (employees.go)
	v1.Post("/entities/:id/employees", s.createEmployee)
	v1.Get("/entities/:id/employees", s.listEmployees)
	v1.Put("/entities/:id/employees/:user_id/permissions", s.setPermissions)
	v1.Post("/entities/:id/employees/:user_id/disable", s.setEmployeeActive(false))
	v1.Post("/entities/:id/employees/:user_id/enable", s.setEmployeeActive(true))

	// cases (cases.go, case_actions.go)
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

	// the document archive (archive.go)
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

	// Open311 GeoReport v2 over the guide's public view (open311.go).
	app.Get("/open311/v2/services.json", s.open311Services)
	app.Get("/open311/v2/services/:code", s.open311Definition)

	// the audit log (auditlog.go)
	v1.Get("/audit", s.auditLog)

	// notifications (notify_handlers.go, notify_template_handlers.go)
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
	v1.Get("/stats/entities/:id/dashboard", getDashboard(s))
	v1.Get("/stats/entities/:id/report", s.statsReport)
	v1.Get("/stats/employees/:id", getEmployeeStats(s))
	v1.Get("/stats/employees/:id/hours", getHours(s))
	v1.Get("/stats/departments/:id/performance", getPerformance(s))
	v1.Get("/stats/cases", s.statsCases)
	v1.Get("/entities/:id/report-schedule", s.getReportSchedule)
	v1.Put("/entities/:id/report-schedule", s.putReportSchedule)

	// Meetings: boards and committees, meetings, attendance, motions and
	// votes, notes and minutes (meeting_handlers.go, meeting_minutes.go).
	v1.Post("/entities/:id/boards", s.createBoard)
	v1.Get("/entities/:id/boards", s.listBoards)
	v1.Get("/boards", s.myBoards)
	v1.Get("/boards/:id", s.getBoard)
	v1.Patch("/boards/:id", s.updateBoard)
	v1.Post("/meetings", s.createMeeting)
	v1.Get("/meetings", s.listMeetings)
	v1.Get("/meetings/:id", s.getMeeting)
	v1.Patch("/meetings/:id", s.updateMeeting)
	v1.Post("/meetings/:id/start", s.meetingStatus("start"))
	v1.Post("/meetings/:id/close", s.meetingStatus("close"))
	v1.Post("/meetings/:id/cancel", s.meetingStatus("cancel"))
	v1.Put("/meetings/:id/agenda/current", s.setCurrentItem)
	v1.Post("/meetings/:id/rsvp", s.rsvp)
	v1.Post("/meetings/:id/attendance", s.checkIn(true))
	v1.Delete("/meetings/:id/attendance", s.checkIn(false))
	v1.Post("/meetings/:id/motions", s.createMotion)
	v1.Get("/motions/:id", s.getMotion)
	v1.Post("/motions/:id/open", s.motionAction("open"))
	v1.Post("/motions/:id/close", s.motionAction("close"))
	v1.Post("/motions/:id/vote", s.vote)
	v1.Post("/meetings/:id/notes", s.addNote)
	v1.Get("/meetings/:id/notes", s.listNotes)
	v1.Patch("/notes/:id", s.updateNote)
	v1.Get("/meetings/:id/minutes", s.getMinutes)
	v1.Put("/meetings/:id/minutes", s.putMinutes)
	v1.Post("/meetings/:id/minutes/approve", s.approveMinutes)
	v1.Get("/meetings/:id/minutes.html", s.minutesHTML)
	v1.Post("/meetings/:id/minutes/access", s.grantMinutes)

	// Meeting audio recordings, with the minutes' access (meeting_recordings.go;
	// the chair records with rtc.record on /ws, rtc_record.go).
	v1.Get("/meetings/:id/recordings", s.listRecordings)

	// the web app and the JSON API serve every other path of the front
	// (last: the bridge takes the Fiber app's routes as they are now)
	front.Handle("/", s.serveApp(s.bridge(s.app, s.cfg.MaxBodyBytes)))
}
