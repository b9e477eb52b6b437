// Package notify sends notifications to people: e-mail over SMTP
// (go-mail), SMS through an HTTP gateway, the log where neither is
// configured, and the texts they carry: the kinds of notification and their
// default channels, Go text/template texts with their checks, and iCalendar
// (.ics) invitations.
//
// It holds no server state and reads no database: the server's outbox
// worker (server/notify_worker.go) claims queued messages, renders them with
// Render and DefaultTemplate, and hands each e-mail and SMS to a Notifier
// that cmd/jihat builds with NewDelivery.
package notify
