// Package rtc is the meeting-audio SFU (selective forwarding unit) of Jihat,
// built on Pion WebRTC. Pion is imported here and nowhere else: the services
// in package server talk to the SFU through plain types (Signal, Candidate,
// Event) and never see a Pion value, as livekit keeps pkg/rtc apart from its
// service layer.
//
// A Room holds the Participants of one meeting. Each participant publishes one
// Opus track and receives the others' tracks: RTP packets are forwarded as
// they come, never decoded or mixed on the live path. Negotiation goes both
// ways: the participant's first offer is answered; afterwards, when someone
// joins or leaves, the SFU sends its own offer (renegotiation) and waits for
// the answer. ICE candidates trickle both ways. All peers share one UDP port
// (Pion's UDP mux) and optionally one TCP port.
//
// The SFU mutes server-side (a muted participant's packets are no longer
// forwarded), reports the active speaker from the RFC 6464 audio-level header
// extension at most once per SpeakerInterval, polices each publisher's
// bitrate and bounds the participants of a room; those limits fail with
// *jihat.Error codes.
//
// SFU, Room and Participant are safe for concurrent use. Outbound signals of
// one participant are delivered in order, one at a time, from a goroutine of
// the participant: an answer is always delivered before the next offer.
package rtc
