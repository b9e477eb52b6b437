package server

// meetingOperations are the meeting endpoints of the OpenAPI document.
var meetingOperations = []op{
	{"post", "/api/v1/entities/{id}/boards", "Create a board or committee with members and rules (entity admin)", "meetings", true, "BoardRequest", "201", "BoardAnswer"},
	{"get", "/api/v1/entities/{id}/boards", "The entity's boards and committees (entity admin)", "meetings", true, "", "200", "BoardList"},
	{"get", "/api/v1/boards", "The boards in which the caller holds a seat, with my_role (anyone signed in)", "meetings", true, "", "200", "BoardList"},
	{"get", "/api/v1/boards/{id}", "One board (its members, entity admin)", "meetings", true, "", "200", "BoardAnswer"},
	{"patch", "/api/v1/boards/{id}", "Change a board's name, rules or members (entity admin)", "meetings", true, "BoardRequest", "200", "BoardAnswer"},
	{"post", "/api/v1/meetings", "Schedule a meeting of a board or of member_ids; members are invited (e-mail with .ics, SMS)", "meetings", true, "MeetingRequest", "201", "MeetingAnswer"},
	{"get", "/api/v1/meetings", "The caller's meetings (all of the entity's for its admins); with q, those whose title or agenda items' titles hold the words, ranked like the case search, with highlights and next_cursor (cursor, limit)", "meetings", true, "", "200", "MeetingList"},
	{"get", "/api/v1/meetings/{id}", "A meeting with agenda, members, attendance, live state and motions with tallies", "meetings", true, "", "200", "MeetingAnswer"},
	{"patch", "/api/v1/meetings/{id}", "Change title, times, place or agenda; members get an updated invitation", "meetings", true, "MeetingRequest", "200", "MeetingAnswer"},
	{"post", "/api/v1/meetings/{id}/start", "Start the meeting (chair, secretary, admin; idempotent)", "meetings", true, "", "200", "MeetingAnswer"},
	{"post", "/api/v1/meetings/{id}/close", "Close the meeting and its open motions (idempotent)", "meetings", true, "", "200", "MeetingAnswer"},
	{"post", "/api/v1/meetings/{id}/cancel", "Cancel the meeting; members get a cancellation (.ics METHOD:CANCEL)", "meetings", true, "", "200", "MeetingAnswer"},
	{"put", "/api/v1/meetings/{id}/agenda/current", "Move to an agenda item (live for everyone)", "meetings", true, "CurrentItemRequest", "200", "MeetingAnswer"},
	{"post", "/api/v1/meetings/{id}/rsvp", "Answer the invitation: attend, decline or tentative", "meetings", true, "RSVPRequest", "200", "MeetingAnswer"},
	{"post", "/api/v1/meetings/{id}/attendance", "Check in (the caller, in person)", "meetings", true, "", "200", "AttendanceAnswer"},
	{"delete", "/api/v1/meetings/{id}/attendance", "Check out (the caller)", "meetings", true, "", "200", "AttendanceAnswer"},
	{"post", "/api/v1/meetings/{id}/motions", "Draft a motion, optionally on an agenda item, open or secret ballot", "meetings", true, "MotionRequest", "201", "MotionAnswer"},
	{"get", "/api/v1/motions/{id}", "A motion with its tally (who voted what for an open ballot only)", "meetings", true, "", "200", "MotionAnswer"},
	{"post", "/api/v1/motions/{id}/open", "Open the vote (idempotent)", "meetings", true, "", "200", "MotionAnswer"},
	{"post", "/api/v1/motions/{id}/close", "Close the vote: freeze eligible, present and tally; compute the result (idempotent)", "meetings", true, "", "200", "MotionAnswer"},
	{"post", "/api/v1/motions/{id}/vote", "Vote accept, reject or abstain (voting members present); again to change it until the close; a secret ballot's change needs its receipt", "meetings", true, "VoteRequest", "200", "VoteAnswer"},
	{"post", "/api/v1/meetings/{id}/notes", "Keep a private note; shared, the chair and secretary may read it", "meetings", true, "NoteRequest", "201", "NoteAnswer"},
	{"get", "/api/v1/meetings/{id}/notes", "One's own notes, and notes shared with the chair and secretary", "meetings", true, "", "200", "NoteList"},
	{"patch", "/api/v1/notes/{id}", "Change one's note or share it", "meetings", true, "NotePatch", "200", "NoteAnswer"},
	{"get", "/api/v1/meetings/{id}/minutes", "The latest minutes, or the draft filled in automatically", "meetings", true, "", "200", "MinutesAnswer"},
	{"put", "/api/v1/meetings/{id}/minutes", "Save the minutes' text (a new draft version once approved); version guards against a stale edit", "meetings", true, "MinutesRequest", "200", "MinutesAnswer"},
	{"post", "/api/v1/meetings/{id}/minutes/approve", "Approve the draft (the chair or an admin); approved minutes are frozen", "meetings", true, "", "200", "MinutesAnswer"},
	{"get", "/api/v1/meetings/{id}/minutes.html", "The minutes as a printable right-to-left page", "meetings", true, "", "200", ""},
	{"post", "/api/v1/meetings/{id}/minutes/access", "Let a non-member read the minutes", "meetings", true, "UserRef", "204", ""},
	{"get", "/api/v1/meetings/{id}/recordings", "The meeting's audio recordings, one Ogg/Opus file per speaker (the minutes' readers)", "meetings", true, "", "200", "RecordingList"},
	{"get", "/api/v1/recordings/{id}", "One recording's Ogg/Opus bytes (Range supported; the minutes' readers)", "meetings", true, "", "200", ""},
}

// meetingSchemas are the OpenAPI schemas of the meeting endpoints.
func meetingSchemas() map[string]any {
	nullableID := map[string]any{"type": "string", "format": "uuid", "nullable": true}
	seat := object([]string{"user_id", "role"}, map[string]any{"user_id": strFmt("uuid"), "name": str(),
		"role": map[string]any{"type": "string", "enum": []string{"chair", "secretary", "member", "observer"}},
		"rsvp": map[string]any{"type": "string", "enum": []string{"attend", "decline", "tentative"}}})
	tally := object([]string{"accept", "reject", "abstain", "voted", "eligible"}, map[string]any{"accept": integer(), "reject": integer(),
		"abstain": integer(), "voted": integer(), "eligible": integer(), "present": integer(), "version": integer()})
	motion := object([]string{"id", "meeting_id", "title", "secret", "status", "tally"}, map[string]any{"id": strFmt("uuid"),
		"meeting_id": strFmt("uuid"), "agenda_item_id": nullableID, "title": str(), "secret": boolean(),
		"status": map[string]any{"type": "string", "enum": []string{"draft", "open", "closed"}}, "tally": tally,
		"votes":     map[string]any{"type": "object", "description": "user ID → choice; open ballots only", "additionalProperties": str()},
		"result":    map[string]any{"type": "string", "enum": []string{"approved", "rejected", "no_quorum"}},
		"opened_at": strFmt("date-time"), "closed_at": strFmt("date-time"), "created_at": strFmt("date-time")})
	agenda := object([]string{"id", "position", "title"}, map[string]any{"id": strFmt("uuid"), "position": integer(), "title": str(),
		"file_ids": arrayOf(strFmt("uuid"))})
	meeting := object([]string{"id", "entity_id", "title", "starts_at", "ends_at", "status", "agenda", "members"}, map[string]any{
		"id": strFmt("uuid"), "entity_id": strFmt("uuid"), "board_id": nullableID, "title": str(), "starts_at": strFmt("date-time"),
		"ends_at": strFmt("date-time"), "time_zone": str(), "remote": boolean(), "location": str(), "status": str(), "sequence": integer(),
		"quorum_rule": str(), "result_rule": str(), "agenda": arrayOf(agenda), "members": arrayOf(seat), "my_role": str(),
		"created_at": strFmt("date-time"), "updated_at": strFmt("date-time"), "live": map[string]any{"type": "object"},
		"attendance": arrayOf(map[string]any{"type": "object"}), "motions": arrayOf(motion), "current_item": agenda,
		"highlights": object(nil, map[string]any{"title": arrayOf(ref("Span")), "agenda": arrayOf(object(nil, map[string]any{
			"id": strFmt("uuid"), "title": arrayOf(ref("Span"))}))})})
	board := object([]string{"id", "entity_id", "name", "members"}, map[string]any{"id": strFmt("uuid"), "entity_id": strFmt("uuid"),
		"name": str(), "kind": str(), "quorum_rule": str(), "result_rule": str(), "members": arrayOf(seat), "my_role": str(),
		"created_at": strFmt("date-time"), "updated_at": strFmt("date-time")})
	note := object([]string{"id", "meeting_id", "author_id", "body", "shared"}, map[string]any{"id": strFmt("uuid"), "meeting_id": strFmt("uuid"),
		"author_id": strFmt("uuid"), "body": str(), "shared": boolean(), "created_at": strFmt("date-time"), "updated_at": strFmt("date-time")})
	minutes := object([]string{"meeting_id", "version", "status", "body"}, map[string]any{"meeting_id": strFmt("uuid"), "version": integer(),
		"status": str(), "body": str(), "generated": boolean(), "updated_by": str(), "updated_at": str(), "approved_by": str(), "approved_at": str()})
	recording := object([]string{"id", "meeting_id", "speaker", "content_type", "size", "duration_ms", "url"}, map[string]any{
		"id": strFmt("uuid"), "meeting_id": strFmt("uuid"), "speaker": object([]string{"id"}, map[string]any{"id": strFmt("uuid"), "name": str()}),
		"started_by": strFmt("uuid"), "content_type": str(), "size": integer(), "duration_ms": integer(),
		"started_at": strFmt("date-time"), "ended_at": strFmt("date-time"), "url": str()})
	seatIn := object([]string{"user_id"}, map[string]any{"user_id": strFmt("uuid"), "role": str()})
	return map[string]any{
		"BoardRequest": object(nil, map[string]any{"name": str(), "kind": map[string]any{"type": "string", "enum": []string{"board", "committee"}},
			"quorum_rule": map[string]any{"type": "string", "enum": []string{"majority", "two_thirds", "all"}},
			"result_rule": map[string]any{"type": "string", "enum": []string{"majority", "two_thirds", "unanimous"}},
			"members":     arrayOf(seatIn)}),
		"BoardAnswer": object([]string{"board"}, map[string]any{"board": board}),
		"BoardList":   object([]string{"boards"}, map[string]any{"boards": arrayOf(board)}),
		"MeetingRequest": object(nil, map[string]any{"entity_id": strFmt("uuid"), "board_id": strFmt("uuid"), "title": str(),
			"starts_at": strFmt("date-time"), "ends_at": strFmt("date-time"), "time_zone": str(), "remote": boolean(), "location": str(),
			"member_ids": arrayOf(strFmt("uuid")), "members": arrayOf(seatIn), "quorum_rule": str(), "result_rule": str(),
			"agenda": arrayOf(object([]string{"title"}, map[string]any{"title": str(), "file_ids": arrayOf(strFmt("uuid"))}))}),
		"MeetingAnswer": object([]string{"meeting"}, map[string]any{"meeting": meeting}),
		"MeetingList": object([]string{"meetings"}, map[string]any{"meetings": arrayOf(meeting),
			"next_cursor": map[string]any{"type": "string", "nullable": true, "description": "with q"}}),
		"CurrentItemRequest": object([]string{"agenda_item_id"}, map[string]any{"agenda_item_id": strFmt("uuid")}),
		"RSVPRequest":        object([]string{"answer"}, map[string]any{"answer": map[string]any{"type": "string", "enum": []string{"attend", "decline", "tentative"}}}),
		"AttendanceAnswer":   object([]string{"meeting_id", "user_id", "present"}, map[string]any{"meeting_id": strFmt("uuid"), "user_id": strFmt("uuid"), "present": boolean()}),
		"MotionRequest":      object([]string{"title"}, map[string]any{"agenda_item_id": strFmt("uuid"), "title": str(), "secret": boolean()}),
		"MotionAnswer":       object([]string{"motion"}, map[string]any{"motion": motion}),
		"VoteRequest": object([]string{"choice"}, map[string]any{"choice": map[string]any{"type": "string", "enum": []string{"accept", "reject", "abstain"}},
			"receipt": map[string]any{"type": "string", "description": "secret ballots: the receipt of one's previous vote, to change it"}}),
		"VoteAnswer": object([]string{"motion_id"}, map[string]any{"motion_id": strFmt("uuid"),
			"choice":  map[string]any{"type": "string", "description": "open ballots only"},
			"receipt": map[string]any{"type": "string", "description": "secret ballots: keep it to change one's vote; never stored by the server"}}),
		"NoteRequest":    object([]string{"body"}, map[string]any{"body": str(), "shared": boolean()}),
		"NotePatch":      object(nil, map[string]any{"body": str(), "shared": boolean()}),
		"NoteAnswer":     object([]string{"note"}, map[string]any{"note": note}),
		"NoteList":       object([]string{"notes"}, map[string]any{"notes": arrayOf(note)}),
		"MinutesRequest": object([]string{"body"}, map[string]any{"body": str(), "version": integer()}),
		"MinutesAnswer":  object([]string{"minutes"}, map[string]any{"minutes": minutes, "recordings": arrayOf(recording)}),
		"RecordingList":  object([]string{"recordings"}, map[string]any{"recordings": arrayOf(recording)}),
		"UserRef":        object([]string{"user_id"}, map[string]any{"user_id": strFmt("uuid")}),
	}
}
