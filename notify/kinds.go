package notify

// Channels lists every notification channel.
var Channels = []string{ChannelSMS, ChannelEmail, ChannelInApp}

// Kind is one kind of notification: the channels it uses unless its
// recipient chose otherwise.
type Kind struct {
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

// Kinds lists every kind the services queue, with its defaults. Each
// has texts notify.<kind>.title, .body and .sms in the message catalogue
// (messages_notify.go).
var Kinds = []Kind{
	{Name: "case.created", Defaults: requesterChannels},
	{Name: "case.assigned_requester", Defaults: requesterChannels},
	{Name: "case.reply", Defaults: requesterChannels},
	{Name: "case.attachment", Defaults: requesterChannels},
	{Name: "case.voice", Defaults: requesterChannels},
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
	{Name: KindPasswordReset, Defaults: []string{ChannelEmail, ChannelSMS}, Fixed: true},
	{Name: KindVerifyEmail, Defaults: []string{ChannelEmail}, Fixed: true},
	{Name: KindVerifyMobile, Defaults: []string{ChannelSMS}, Fixed: true},
	{Name: KindWeeklyReport, Defaults: staffChannels},
}

// KindCredentials is the kind of the message that gives a new employee
// their generated password.
const KindCredentials = "employee.credentials"

// KindPasswordReset is the kind of the message carrying a password reset
// code (server/password_reset.go); the code travels in the Password field.
const KindPasswordReset = "account.password_reset"

// KindVerifyEmail and KindVerifyMobile carry a contact verification code
// (server/contacts.go) to the address being verified, in the Password
// field: the only messages sent to an address not yet verified.
const (
	KindVerifyEmail  = "account.verify_email"
	KindVerifyMobile = "account.verify_mobile"
)

// VerifiesContact reports whether a message of kind may go on channel to an
// address that is not verified: only the code that verifies it.
func VerifiesContact(kind, channel string) bool {
	return kind == KindVerifyEmail && channel == ChannelEmail || kind == KindVerifyMobile && channel == ChannelSMS
}

// KindWeeklyReport is the kind of an entity's weekly report to its
// supervisors (server/stats_weekly.go).
const KindWeeklyReport = "stats.weekly"

// LookupKind returns the kind called name. A kind this node does not know
// (queued by a newer node) is sent by e-mail and in the app with the
// generic texts.
func LookupKind(name string) (Kind, bool) {
	for _, k := range Kinds {
		if k.Name == name {
			return k, true
		}
	}
	return Kind{Name: name, Defaults: staffChannels}, false
}

// Allowed returns the channels kind k can be sent on (a fixed kind only on
// its own).
func (k Kind) Allowed() []string {
	if k.Fixed {
		return k.Defaults
	}
	return Channels
}
