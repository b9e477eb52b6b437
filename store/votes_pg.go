package store

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// On PostgreSQL a batch of votes on an open ballot is ONE statement, sent
// without a transaction around it (a single statement is atomic): it
// locks the motion's row (the order of every node's batches), checks each
// voter (an active member with a voting seat, present), upserts the votes
// under the primary key (motion, member), writes their audit entries and
// raises the motion's version, all set-based over arrays (unnest), so its
// text never changes and stays prepared. One round trip instead of ten:
// in a storm each round trip also waits for the CPU behind a thousand
// sockets' goroutines, so the batch's round trips, not PostgreSQL's work,
// were most of a vote's ack time (docs/BENCHMARKS.md, "Meetings").
//
// A vote the statement does not take (a refusal, or a motion that is not
// an open ballot: secret, closed, not open yet) goes on to the general
// path (castVotesTx), which words the refusal or takes the vote.
const castOpenVotesSQL = `WITH mo AS MATERIALIZED (
	SELECT m.id, m.meeting_id, m.version + 1 AS v FROM motions m JOIN meetings g ON g.id = m.meeting_id
	WHERE m.id = $1 AND m.status = 'open' AND NOT m.secret AND g.status NOT IN ('closed', 'cancelled')
	FOR UPDATE OF m
), ins AS (
	INSERT INTO votes (motion_id, user_id, choice, updated_at, version)
	SELECT mo.id, v.u, v.c, $2, mo.v FROM mo, unnest($3::text[], $4::text[]) AS v(u, c)
	WHERE EXISTS (SELECT 1 FROM meeting_members s JOIN users us ON us.id = s.user_id
		WHERE s.meeting_id = mo.meeting_id AND s.user_id = v.u AND s.role IN ('chair', 'secretary', 'member') AND us.active)
	AND EXISTS (SELECT 1 FROM meeting_attendance a WHERE a.meeting_id = mo.meeting_id AND a.user_id = v.u AND a.left_at IS NULL)
	ON CONFLICT (motion_id, user_id) DO UPDATE SET choice = excluded.choice, updated_at = excluded.updated_at, version = excluded.version
	RETURNING user_id
), aud AS (
	INSERT INTO audit_pending (actor_id, action, target, ip, user_agent, details, at)
	SELECT a.u, 'motion.vote', 'motion:' || $1, a.ip, a.ua, a.d, $2
	FROM unnest($5::text[], $6::text[], $7::text[], $8::text[]) WITH ORDINALITY AS a(u, ip, ua, d, n)
	WHERE a.u IN (SELECT user_id FROM ins) ORDER BY a.n
), bump AS (
	UPDATE motions SET version = mo.v FROM mo WHERE motions.id = mo.id AND EXISTS (SELECT 1 FROM ins)
)
SELECT user_id FROM ins`

// secretMotions remembers the motions known to be secret ballots (which
// never changes), whose votes skip the open-ballot statement.
var secretMotions sync.Map // motion id → struct{}

// castOpenVotes runs castOpenVotesSQL for casts on motion id and returns
// which voters it took; ran is false when the motion is known to be a
// secret ballot (nothing was tried).
func (s *Store) castOpenVotes(ctx context.Context, id string, casts []VoteCast) (took map[string]bool, ran bool, err error) {
	if _, secret := secretMotions.Load(id); secret {
		return nil, false, nil
	}
	last := make(map[string]int, len(casts)) // a voter's last cast in the batch counts
	for i, c := range casts {
		last[c.UserID] = i
	}
	users, choices := make([]string, 0, len(last)), make([]string, 0, len(last))
	actors, ips, agents, details := make([]string, len(casts)), make([]string, len(casts)), make([]string, len(casts)), make([]string, len(casts))
	for i, c := range casts {
		if last[c.UserID] == i {
			users, choices = append(users, c.UserID), append(choices, string(c.Choice))
		}
		d := c.Audit.Details
		if d == "" {
			d = "{}"
		}
		// an open ballot's choice is public (a secret one never comes here)
		actors[i], ips[i], agents[i], details[i] = c.UserID, c.Audit.IP, c.Audit.UserAgent, mergeDetail(d, "choice", string(c.Choice))
	}
	db, err := s.db.DB()
	if err != nil {
		return nil, false, err
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	rows, err := db.QueryContext(ctx, castOpenVotesSQL, id, now, users, choices, actors, ips, agents, details)
	if err != nil {
		return nil, false, fmt.Errorf("cast votes: %w", err)
	}
	defer rows.Close()
	took = make(map[string]bool, len(users))
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, false, err
		}
		took[u] = true
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("cast votes: %w", err)
	}
	if len(took) > 0 {
		// The chainer links these audit entries at its next poll (within
		// chainPoll; a reader of the log links what is pending first), not
		// woken now: in a storm it would hash and insert the entries of
		// one batch while the next batches and the acks wait for the CPU.
		s.chainer.start(s)
	}
	return took, true, nil
}

// CastVotes records a batch of votes on motion id: on PostgreSQL an open
// ballot's batch is one statement (castOpenVotes); what it does not take,
// and every batch on SQLite or of a secret ballot, goes through
// castVotesTx. It returns one outcome per cast.
func (s *Store) CastVotes(ctx context.Context, id string, casts []VoteCast) ([]VoteOutcome, error) {
	if !s.postgre {
		return s.castVotesTx(ctx, id, casts)
	}
	took, ran, err := s.castOpenVotes(ctx, id, casts)
	if err != nil {
		return nil, err
	}
	if !ran {
		return s.castVotesTx(ctx, id, casts)
	}
	out := make([]VoteOutcome, len(casts))
	var rest []VoteCast
	var at []int
	for i, c := range casts {
		if !took[c.UserID] {
			rest, at = append(rest, c), append(at, i)
		}
	}
	if len(rest) == 0 {
		return out, nil
	}
	// The votes taken are committed: a failure of the rest is theirs alone.
	more, err := s.castVotesTx(ctx, id, rest)
	for k, i := range at {
		if err != nil {
			out[i].Err = err
		} else {
			out[i] = more[k]
		}
	}
	return out, nil
}

// noteSecret remembers that motion id is a secret ballot.
func noteSecret(id string, secret bool) {
	if secret {
		secretMotions.Store(id, struct{}{})
	}
}
