package rtc

// Signal types, as the browser names them (the live protocol prefixes them
// with "rtc.").
const (
	SignalOffer     = "offer"
	SignalAnswer    = "answer"
	SignalCandidate = "candidate"
	SignalError     = "error" // Err is set: a limit reached, a failed negotiation
)

// Signal is one message from the SFU to a participant. Signals of one
// participant are delivered in order.
type Signal struct {
	Type string
	// ID echoes the correlation id of the request this answers (an answer,
	// or an error about a request); empty for the SFU's own messages.
	ID        string
	SDP       string     // offer, answer
	Candidate *Candidate // candidate
	Err       error      // error: a *jihat.Error
}

// Candidate is an ICE candidate with the fields of the browser's
// RTCIceCandidateInit.
type Candidate struct {
	Candidate        string  `json:"candidate"`
	SDPMid           *string `json:"sdpMid,omitempty"`
	SDPMLineIndex    *uint16 `json:"sdpMLineIndex,omitempty"`
	UsernameFragment *string `json:"usernameFragment,omitempty"`
}

// Event types of a room.
const (
	EventJoined  = "joined"  // a participant connected (media flows)
	EventLeft    = "left"    // a participant left or its connection failed
	EventMuted   = "muted"   // Muted tells the new state; By who did it
	EventSpeaker = "speaker" // Participant is the active speaker ("" = nobody)
)

// Event is something the room's members should see.
type Event struct {
	Type        string
	Room        string
	Participant string
	Muted       bool
	By          string // who muted (the participant themselves, or the chair)
	Level       int    // speaker: loudness 0..127 (127 − the −dBov average)
}

// Stats counts the work of the SFU, or of one participant.
type Stats struct {
	Rooms        int
	Participants int
	Received     uint64 // RTP packets received from publishers
	Forwarded    uint64 // packets written to subscribers (one per subscriber)
	DroppedMuted uint64 // packets not forwarded because the publisher was muted
	DroppedRate  uint64 // packets dropped by the bitrate policer
}
