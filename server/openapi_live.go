package server

import "github.com/jihat/jihat"

// liveSchemas describe the live protocol of GET /ws in the OpenAPI document:
// the envelope and the data of each message type, so that a client written
// from the document understands every frame the server sends.
func liveSchemas() map[string]any {
	desc := func(s map[string]any, d string) map[string]any { s["description"] = d; return s }
	enum := func(vals ...string) map[string]any { return map[string]any{"type": "string", "enum": vals} }
	return map[string]any{
		"LiveEnvelope": desc(object([]string{"type"}, map[string]any{
			"type": desc(enum(
				// client → server
				"auth", "subscribe", "unsubscribe", "fetch", "typing", "ping", "comment", "vote",
				// server → client
				"ack", "error", "event", "snapshot", "presence", "position", "pong", "unsubscribed",
				// meeting audio signalling, both ways
				"rtc.join", "rtc.offer", "rtc.answer", "rtc.candidate", "rtc.leave", "rtc.mute", "rtc.hand", "rtc.floor", "rtc.record", "rtc.restart", "rtc.state"),
				"client → server: auth {token} (first message, when not authenticated at upgrade); subscribe {channel, since?} "+
					"(again on a subscribed channel: a fetch); unsubscribe; fetch {channel, since}; typing {channel, data?: {state: start|stop}}; "+
					"ping; comment {channel: case:<id>, data: {body, visibility}}; vote {channel: meeting:<id>, data: {motion_id, choice}}. "+
					"server → client: ack and error (echo the request's id; error data is Error.error); event (data: an Event of a case "+
					"channel or a feed, a notification on user:<id>); snapshot (LiveSnapshot, on subscribing to a case or meeting); "+
					"presence (LivePresence: someone joined or left the channel); position (seq: the channel's latest durable sequence "+
					"in the database, every few seconds: a client whose last seq is lower fetches since it); pong; unsubscribed "+
					"(data: Error.error; the server dropped the subscription after a permission change). rtc.*: meeting audio "+
					"signalling on meeting:<id> (data in the browser's shapes: {sdp} or an RTCIceCandidateInit); rtc.record {on} (the chair); "+
					"rtc.state (to a participant who just connected: {participants, speaker, hands, floor, recording, recorded_by})."),
			"id":      desc(map[string]any{"type": "string", "maxLength": 64}, "client correlation id; echoed by ack and error"),
			"channel": desc(map[string]any{"type": "string"}, "case:<id>, case:<id>:staff, meeting:<id>, entity:<id>:feed, feed, user:<id>"),
			"seq": desc(map[string]any{"type": "integer", "minimum": 0},
				"event: the channel's sequence number (1, 2, … per case or meeting channel; absent or 0 on feeds and user channels); "+
					"position: the latest one; subscribe and fetch: since"),
			"since": desc(map[string]any{"type": "integer"}, "subscribe, fetch: replay the durable events after this seq (case and meeting "+
				"channels; feeds ignore it and always start with their latest 50 events, oldest first, then the live tail)"),
			"data": map[string]any{"description": "the payload of the type (see the type's description)"},
		}), "One JSON text frame of /ws, either way."),
		"LivePresence": desc(object([]string{"action", "user_id"}, map[string]any{
			"action": enum("join", "leave"), "user_id": strFmt("uuid")}),
			"data of a presence frame: a user's first socket joined, or their last one left, the channel"),
		"LiveSnapshot": desc(object([]string{"presence"}, map[string]any{
			"presence": desc(arrayOf(strFmt("uuid")), "the users present on the channel"),
		}), "data of a snapshot frame, sent on subscribing to a case or meeting channel (meetings add their live state)"),
		"LiveTyping": desc(object([]string{"user_id", "state"}, map[string]any{
			"user_id": strFmt("uuid"), "state": enum("start", "stop")}), "data of a typing frame relayed to the channel's other subscribers"),
	}
}

// reportCategories lists the categories a report may carry, for the document.
func reportCategories() []string {
	out := make([]string, len(jihat.ReportCategories))
	for i, c := range jihat.ReportCategories {
		out[i] = string(c)
	}
	return out
}
