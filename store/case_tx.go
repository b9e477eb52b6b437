package store

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/schema"

	"github.com/jihat/jihat"
)

// CaseTx is one change to one case inside one transaction. The application
// service gets it from CreateCase or UpdateCase, applies the domain rules to
// Case, and records what happened with Event and Notify; the store saves the
// case, keeps employees' open-case counts right, appends the audit entry and
// commits — or writes nothing when the service returns an error.
//
// A CaseTx must not be used after its callback returns.
type CaseTx struct {
	s      *Store
	tx     *gorm.DB
	Case   *jihat.Case // the case as the service changes it
	before jihat.Case  // as loaded, to know what changed
	events []jihat.CaseEvent
	Now    time.Time
	isNew  bool // inserted by this transaction (CreateCase)
	// buf, when not nil, takes the rows this change only inserts (events,
	// intents, audit entry, a new case and its channel counters); the
	// transaction flushes it before commit (case_rows.go).
	buf *rowBuf
	// notified is set by Notify (Notified).
	notified bool
	// gs, when not nil, is the group without savepoints this change runs
	// in: it counts the case's channel sequences (group_fast.go).
	gs *groupState
	// created is a new case's row as CreateCase prepared it (its search
	// columns); save writes it with the case's final fields.
	created caseRow
	// newSeqs counts the events of a new case's channels, which no other
	// transaction can see yet: no counter row to lock until flush.
	newSeqs map[string]int64
	// newComments are comments of a new case whose row is not written
	// yet, indexed by save once it is.
	newComments []newComment
	// auto is AutoAssign's choice and the round-robin stamp to record when
	// the case goes to them (see AutoAssign).
	auto struct {
		userID string
		at     time.Time
	}
}

// newComment is a comment of a case this transaction creates.
type newComment struct {
	eventID string
	vis     jihat.Visibility
	body    string
}

// Event appends an event to the case's public or staff channel with the next
// sequence number of that channel.
// data is the event's payload (one of the jihat.*Data types) or nil.
func (m *CaseTx) Event(typ jihat.CaseEventType, actorID string, vis jihat.Visibility, data any) (*jihat.CaseEvent, error) {
	channel := jihat.CaseEventChannel(m.Case.ID, vis)
	seq, err := m.nextSeq(channel)
	if err != nil {
		return nil, err
	}
	raw := []byte("{}")
	if data != nil {
		if raw, err = json.Marshal(data); err != nil {
			return nil, err
		}
	}
	row := caseEventRow{ID: newID(), CaseID: m.Case.ID, EntityID: m.Case.EntityID, Channel: channel, Seq: seq, Type: string(typ),
		ActorID: actorID, Visibility: string(vis), Data: string(raw), CreatedAt: m.Now}
	if m.buf != nil {
		m.buf.events = append(m.buf.events, row)
	} else if err := m.tx.Create(&row).Error; err != nil {
		return nil, err
	}
	if typ == jihat.CaseEventComment {
		c, ok := data.(jihat.CommentData)
		if !ok {
			return nil, fmt.Errorf("comment event with %T", data)
		}
		switch {
		case m.s.postgre && m.buf != nil: // its own search row (search_comments.go), written with the group
			m.buf.words = append(m.buf.words, commentWordsOf(m.Case.ID, row.ID, vis, c.Body))
		case m.gs != nil && !m.isNew: // SQLite, numbered by the group
			if k, ok := m.gs.wordKey(m.Case.ID); ok {
				w := commentWordsOf(m.Case.ID, row.ID, vis, c.Body)
				m.buf.liteWords = append(m.buf.liteWords, liteWordsRow{K: k, CaseID: w.CaseID, EventID: w.EventID,
					SearchReply: w.SearchReply, SearchReplyStem: w.SearchReplyStem, SearchNote: w.SearchNote, SearchNoteStem: w.SearchNoteStem})
			}
		case m.isNew && m.buf != nil:
			m.newComments = append(m.newComments, newComment{row.ID, vis, c.Body}) // indexed by save
		default:
			if err := m.s.indexComment(m.tx, m.Case.ID, row.ID, vis, c.Body); err != nil {
				return nil, err
			}
		}
	}
	ev := caseEvent(row)
	m.events = append(m.events, ev)
	return &m.events[len(m.events)-1], nil
}

// Notify records the intent to tell a person something, in the outbox, in
// this transaction. The notifications worker delivers it.
func (m *CaseTx) Notify(kind, recipientID string, data map[string]any) error {
	m.notified = true
	if m.buf == nil {
		return m.s.enqueue(m.tx, kind, recipientID, m.Case.ID, data, m.Now)
	}
	row, err := outboxRowOf(kind, recipientID, m.Case.ID, data, m.Now)
	if err != nil {
		return err
	}
	m.buf.outbox = append(m.buf.outbox, row)
	return nil
}

// Notified reports whether this change recorded an intent (Notify): only
// then has the notifications worker something new to look at.
func (m *CaseTx) Notified() bool { return m.notified }

// nextSeq is Store.nextSeq, counted in memory for the channels of a case
// this transaction creates (written by save).
func (m *CaseTx) nextSeq(channel string) (int64, error) {
	if m.gs != nil && !m.isNew {
		return m.gs.nextSeq(channel)
	}
	if !m.isNew || m.buf == nil {
		return m.s.nextSeq(m.tx, channel)
	}
	if m.newSeqs == nil {
		m.newSeqs = map[string]int64{}
	}
	m.newSeqs[channel]++
	return m.newSeqs[channel], nil
}

// User loads a user inside the transaction.
func (m *CaseTx) User(id string) (*jihat.User, error) {
	if m.gs != nil {
		r, err := m.gs.user(m.tx, id)
		if err != nil {
			return nil, err
		}
		return m.s.user(&r)
	}
	var r userRow
	if err := m.tx.Where("id = ?", id).Take(&r).Error; err != nil {
		return nil, notFound(err)
	}
	return m.s.user(&r)
}

// nextSeq returns the next sequence number of channel, atomically: the
// upsert locks the channel's counter row until the transaction ends, so
// sequence numbers are dense and in commit order per channel.
func (s *Store) nextSeq(tx *gorm.DB, channel string) (int64, error) {
	var seq int64
	err := tx.Raw(`INSERT INTO channel_seqs (channel, last_seq) VALUES (?, 1)
ON CONFLICT (channel) DO UPDATE SET last_seq = channel_seqs.last_seq + 1 RETURNING last_seq`, channel).Scan(&seq).Error
	return seq, err
}

// enqueue writes one outbox row.
func (s *Store) enqueue(tx *gorm.DB, kind, recipientID, caseID string, data map[string]any, now time.Time) error {
	row, err := outboxRowOf(kind, recipientID, caseID, data, now)
	if err != nil {
		return err
	}
	return tx.Create(&row).Error
}

// outboxRowOf is the outbox row of one intent.
func outboxRowOf(kind, recipientID, caseID string, data map[string]any, now time.Time) (outboxRow, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return outboxRow{}, err
	}
	if data == nil {
		raw = []byte("{}")
	}
	return outboxRow{ID: newID(), Kind: kind, RecipientID: recipientID, CaseID: ptr(caseID), Data: string(raw),
		Status: "pending", AvailableAt: now, CreatedAt: now}, nil
}

// updateCaseIn loads case id under a row lock inside tx, runs fn, and saves
// what fn changed together with its events, notifications and the audit
// entry a. It returns the saved case and the events to publish after commit.
// UpdateCase runs it in a group commit (group_commit.go); buf, when not nil,
// takes the rows it only inserts (the caller flushes it before commit).
func (s *Store) updateCaseIn(tx *gorm.DB, buf *rowBuf, id string, a jihat.AuditEntry, fn func(m *CaseTx) error) (*jihat.Case, []jihat.CaseEvent, error) {
	var row caseRow
	q := tx
	if s.postgre {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := q.Where("id = ?", id).Take(&row).Error; err != nil {
		return nil, nil, notFound(err)
	}
	return s.changeCase(tx, buf, nil, caseFromRow(row), a, fn)
}

// changeCase is updateCaseIn's work once case c is loaded and locked; gs
// is the group without savepoints it runs in, or nil.
func (s *Store) changeCase(tx *gorm.DB, buf *rowBuf, gs *groupState, c jihat.Case, a jihat.AuditEntry, fn func(m *CaseTx) error) (*jihat.Case, []jihat.CaseEvent, error) {
	id := c.ID
	m := &CaseTx{s: s, tx: tx, Case: &c, before: c, Now: s.now().UTC().Truncate(time.Microsecond), buf: buf, gs: gs}
	if err := fn(m); err != nil {
		return nil, nil, err
	}
	if err := m.save(); err != nil {
		return nil, nil, err
	}
	a.Target = "case:" + id
	if err := m.audit(a); err != nil {
		return nil, nil, err
	}
	return m.Case, m.events, nil
}

// audit appends the change's audit entry (to buf when there is one).
func (m *CaseTx) audit(a jihat.AuditEntry) error {
	if m.buf == nil {
		return m.s.appendAudit(m.tx, a)
	}
	m.buf.audit = append(m.buf.audit, m.s.auditRow(m.tx, a))
	return nil
}

// save writes the case's changed columns and moves open-case counts when the
// assignee changed or the case closed or re-opened.
func (m *CaseTx) save() error {
	c, b := m.Case, m.before
	c.UpdatedAt = m.Now
	if m.publicChange() {
		c.PublicUpdatedAt = m.Now
	}
	// Only the columns that changed: one short statement.
	updates := caseRowChanges(caseToRow(c), caseToRow(&b))
	for _, col := range caseIndex.columnNames() {
		delete(updates, col)
	}
	if m.isNew {
		// A new case is written once, as it ends up: in buf (flushed
		// before its events), or now when its comments must be indexed
		// (their search rows name the case's row).
		row := caseToRow(c)
		row.SearchText, row.SearchStem, row.SearchVer = m.created.SearchText, m.created.SearchStem, m.created.SearchVer
		if m.buf != nil {
			for ch, n := range m.newSeqs {
				m.buf.seqs = append(m.buf.seqs, channelSeqRow{Channel: ch, LastSeq: n})
			}
		}
		if m.buf != nil && len(m.newComments) == 0 {
			m.buf.cases = append(m.buf.cases, row)
		} else if err := m.tx.Create(&row).Error; err != nil {
			return fmt.Errorf("save case: %w", err)
		}
		for _, nc := range m.newComments {
			if err := m.s.indexComment(m.tx, c.ID, nc.eventID, nc.vis, nc.body); err != nil {
				return err
			}
		}
	} else if m.gs != nil && touchOnly(updates) {
		m.gs.touch(c.ID) // written with the group's other touches at its end (group_touch.go)
	} else if err := m.tx.Model(&caseRow{}).Where("id = ?", c.ID).UpdateColumns(updates).Error; err != nil {
		return fmt.Errorf("save case: %w", err)
	}
	wasOpen, isOpen := b.Status.Open(), c.Status.Open()
	if b.AssigneeID != "" && wasOpen && (b.AssigneeID != c.AssigneeID || !isOpen) {
		if err := m.addOpenCases(b.AssigneeID, -1, nil); err != nil {
			return err
		}
	}
	if c.AssigneeID != "" && isOpen && (b.AssigneeID != c.AssigneeID || !wasOpen) {
		var at *time.Time
		if b.AssigneeID != c.AssigneeID {
			at = &m.Now
			if c.AssigneeID == m.auto.userID {
				at = &m.auto.at
			}
		}
		if err := m.addOpenCases(c.AssigneeID, +1, at); err != nil {
			return err
		}
	}
	return m.saveStats()
}

// addOpenCases is Store.addOpenCases, or, in a group without savepoints,
// its move kept for the group's end (group_cache.go).
func (m *CaseTx) addOpenCases(userID string, delta int, assignedAt *time.Time) error {
	if m.gs != nil {
		m.gs.move(userID, delta, assignedAt)
		return nil
	}
	return m.s.addOpenCases(m.tx, userID, delta, assignedAt)
}

// addOpenCases moves a user's open-case count by delta and, when assignedAt
// is given, records it as the user's last assignment (round-robin order).
func (s *Store) addOpenCases(tx *gorm.DB, userID string, delta int, assignedAt *time.Time) error {
	updates := map[string]any{"open_cases": gorm.Expr("open_cases + ?", delta)}
	if assignedAt != nil {
		updates["last_assigned_at"] = *assignedAt
	}
	return tx.Model(&userRow{}).Where("id = ?", userID).Updates(updates).Error
}

// publicChange reports whether this transaction changed what the case's
// requester sees: a public event, or a field of the case they are shown.
func (m *CaseTx) publicChange() bool {
	for _, e := range m.events {
		if e.Visibility == jihat.VisibilityPublic {
			return true
		}
	}
	c, b := m.Case, &m.before
	return c.Status != b.Status || c.AssigneeID != b.AssigneeID || c.Priority != b.Priority || !c.DueAt.Equal(b.DueAt) ||
		!c.PostponedUntil.Equal(b.PostponedUntil) || c.Resolution != b.Resolution || c.Rating != b.Rating ||
		c.RatingComment != b.RatingComment || c.EscalationLevel != b.EscalationLevel || c.Objections != b.Objections ||
		c.FinalDecision != b.FinalDecision || c.Subject != b.Subject || c.Body != b.Body || c.Kind != b.Kind ||
		c.Category != b.Category || c.ServiceID != b.ServiceID
}

// caseColumns maps caseRow's field names to their columns, for save.
var caseColumns = sync.OnceValue(func() map[string]string {
	sch, err := schema.Parse(&caseRow{}, &sync.Map{}, schema.NamingStrategy{})
	if err != nil {
		panic(err)
	}
	out := map[string]string{}
	for _, f := range sch.Fields {
		if f.DBName != "" {
			out[f.Name] = f.DBName
		}
	}
	return out
})

// caseRowChanges returns the columns of row that differ from before, with
// their new values (save writes only those).
func caseRowChanges(row, before caseRow) map[string]any {
	cols := caseColumns()
	out := map[string]any{}
	va, vb := reflect.ValueOf(row), reflect.ValueOf(before)
	t := va.Type()
	for i := range t.NumField() {
		name := t.Field(i).Name
		col, ok := cols[name]
		if !ok || caseFixedColumns[col] {
			continue
		}
		a, b := va.Field(i).Interface(), vb.Field(i).Interface()
		if !reflect.DeepEqual(a, b) {
			out[col] = a
		}
	}
	return out
}

// caseFixedColumns are never written by save: the identity, and what only
// the search index maintains.
var caseFixedColumns = map[string]bool{"id": true, "number": true, "created_at": true, "search_ver": true}
