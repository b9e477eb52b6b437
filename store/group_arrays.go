package store

import (
	"time"
)

// Array items of the group's WITH statement (PostgreSQL, group_flush.go).
// The rows every comment writes — its event, its audit entry, its search
// row, its channel's counter and its case's times — go as one array
// parameter per column and unnest(...) instead of a VALUES list of one
// placeholder per value. The statement's text then no longer depends on
// how many rows a group has: pgx prepares it once per connection and
// PostgreSQL plans it once (a generic plan after five runs) instead of
// parsing and planning a new statement of up to thousands of parameters
// for each group (pg_stat_statements: a plan per call, 0.38 ms each, and
// hundreds of distinct statements).

// sqlPart is one item of that statement: its SQL with placeholders $1…$n
// and its parameters.
type sqlPart struct {
	sql  string
	vars []any
}

// column gathers one column's values of rows into a slice.
func column[R, V any](rows []R, get func(*R) V) []V {
	out := make([]V, len(rows))
	for i := range rows {
		out[i] = get(&rows[i])
	}
	return out
}

func eventsPart(rows []caseEventRow) sqlPart {
	return sqlPart{`INSERT INTO case_events (id, case_id, entity_id, channel, seq, type, actor_id, visibility, data, created_at)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int8[], $6::text[], $7::text[], $8::text[], $9::text[], $10::timestamptz[])`,
		[]any{
			column(rows, func(r *caseEventRow) string { return r.ID }),
			column(rows, func(r *caseEventRow) string { return r.CaseID }),
			column(rows, func(r *caseEventRow) string { return r.EntityID }),
			column(rows, func(r *caseEventRow) string { return r.Channel }),
			column(rows, func(r *caseEventRow) int64 { return r.Seq }),
			column(rows, func(r *caseEventRow) string { return r.Type }),
			column(rows, func(r *caseEventRow) string { return r.ActorID }),
			column(rows, func(r *caseEventRow) string { return r.Visibility }),
			column(rows, func(r *caseEventRow) string { return r.Data }),
			column(rows, func(r *caseEventRow) time.Time { return r.CreatedAt }),
		}}
}

// auditPart inserts in the rows' order (WITH ORDINALITY): their IDs, drawn
// as they are inserted, are the chain's order.
func auditPart(rows []auditPendingRow) sqlPart {
	return sqlPart{`INSERT INTO audit_pending (actor_id, action, target, ip, user_agent, details, at)
SELECT a, b, c, d, e, f, g FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
WITH ORDINALITY AS u(a, b, c, d, e, f, g, n) ORDER BY n`,
		[]any{
			column(rows, func(r *auditPendingRow) string { return r.ActorID }),
			column(rows, func(r *auditPendingRow) string { return r.Action }),
			column(rows, func(r *auditPendingRow) string { return r.Target }),
			column(rows, func(r *auditPendingRow) string { return r.IP }),
			column(rows, func(r *auditPendingRow) string { return r.UserAgent }),
			column(rows, func(r *auditPendingRow) string { return r.Details }),
			column(rows, func(r *auditPendingRow) time.Time { return r.At }),
		}}
}

func wordsPart(rows []commentWordsRow) sqlPart {
	return sqlPart{`INSERT INTO case_comment_words (event_id, case_id, search_reply, search_reply_stem, search_note, search_note_stem)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
		[]any{
			column(rows, func(r *commentWordsRow) string { return r.EventID }),
			column(rows, func(r *commentWordsRow) string { return r.CaseID }),
			column(rows, func(r *commentWordsRow) string { return r.SearchReply }),
			column(rows, func(r *commentWordsRow) string { return r.SearchReplyStem }),
			column(rows, func(r *commentWordsRow) string { return r.SearchNote }),
			column(rows, func(r *commentWordsRow) string { return r.SearchNoteStem }),
		}}
}

// countersPart upserts the channels' counted last sequences.
func countersPart(rows []channelSeqRow) sqlPart {
	return sqlPart{`INSERT INTO channel_seqs (channel, last_seq) SELECT * FROM unnest($1::text[], $2::int8[])
ON CONFLICT (channel) DO UPDATE SET last_seq = excluded.last_seq`,
		[]any{
			column(rows, func(r *channelSeqRow) string { return r.Channel }),
			column(rows, func(r *channelSeqRow) int64 { return r.LastSeq }),
		}}
}

// touchesPart is touchSQL's UPDATE with arrays.
func touchesPart(ts []caseTouch) sqlPart {
	return sqlPart{`UPDATE cases SET updated_at = v.updated, public_updated_at = v.public
FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) AS v(id, updated, public) WHERE cases.id = v.id`,
		[]any{
			column(ts, func(t *caseTouch) string { return t.id }),
			column(ts, func(t *caseTouch) time.Time { return t.updated }),
			column(ts, func(t *caseTouch) *time.Time { return t.public }),
		}}
}
