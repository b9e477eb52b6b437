package server

import (
	"slices"

	"github.com/jihat/jihat/store"
)

// Channels lists every notification channel.
var Channels = []string{ChannelSMS, ChannelEmail, ChannelInApp}

// NotifyKind is one kind of notification: the channels it uses unless its
// recipient chose otherwise.
type NotifyKind struct {
	Name     string
	Defaults []string // channels on by default
	// Fixed kinds cannot be changed by their recipient (the login of a new
	// employee always goes by e-mail).
	Fixed bool
}

// The default channels: people who opened a case hear of every public step
// of it by SMS, e-mail and in the app; staff by e-mail and in the app.
var (
	requesterChannels = []string{ChannelSMS, ChannelEmail, ChannelInApp}
	staffChannels     = []string{ChannelEmail, ChannelInApp}
)

// NotifyKinds lists every kind the services queue, with its defaults. Each
// has texts notify.<kind>.title, .body and .sms in the message catalogue
// (messages_notify.go).
var NotifyKinds = []NotifyKind{
	{Name: "case.created", Defaults: requesterChannels},
	{Name: "case.assigned_requester", Defaults: requesterChannels},
	{Name: "case.reply", Defaults: requesterChannels},
	{Name: "case.awaiting_citizen", Defaults: requesterChannels},
	{Name: "case.postponed", Defaults: requesterChannels},
	{Name: "case.resolved", Defaults: requesterChannels},
	{Name: "case.objection_received", Defaults: requesterChannels},
	{Name: "case.final_decision", Defaults: requesterChannels},
	{Name: "case.assigned", Defaults: staffChannels},
	{Name: "case.citizen_reply", Defaults: staffChannels},
	{Name: "case.postponement_requested", Defaults: staffChannels},
	{Name: "case.postponement_approved", Defaults: staffChannels},
	{Name: "case.postponement_refused", Defaults: staffChannels},
	{Name: "case.objection", Defaults: staffChannels},
	{Name: "case.reassignment_requested", Defaults: staffChannels},
	{Name: "case.reassignment_approved", Defaults: staffChannels},
	{Name: "case.reassignment_refused", Defaults: staffChannels},
	{Name: "case.deadline_approaching", Defaults: staffChannels},
	{Name: "case.late", Defaults: staffChannels},
	{Name: "meeting.invitation", Defaults: staffChannels},
	{Name: "meeting.vote_opened", Defaults: staffChannels},
	{Name: KindCredentials, Defaults: []string{ChannelEmail}, Fixed: true},
	{Name: KindWeeklyReport, Defaults: staffChannels}, // stats_weekly.go
}

// KindCredentials is the kind of the message that gives a new employee
// their generated password.
const KindCredentials = "employee.credentials"

// notifyKind returns the kind called name. A kind this node does not know
// (queued by a newer node) is sent by e-mail and in the app with the
// generic texts.
func notifyKind(name string) (NotifyKind, bool) {
	for _, k := range NotifyKinds {
		if k.Name == name {
			return k, true
		}
	}
	return NotifyKind{Name: name, Defaults: staffChannels}, false
}

// channelsFor returns the channels of kind for a person with prefs, in a
// fixed order.
func channelsFor(kind string, prefs []store.NotificationPref) []string {
	k, _ := notifyKind(kind)
	if k.Fixed {
		return k.Defaults
	}
	var out []string
	for _, ch := range Channels {
		on := slices.Contains(k.Defaults, ch)
		for _, p := range prefs {
			if p.Kind == kind && p.Channel == ch {
				on = p.Enabled
			}
		}
		if on {
			out = append(out, ch)
		}
	}
	return out
}
