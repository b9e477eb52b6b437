package store

import (
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/jihat/jihat"
)

// rowBuf holds the rows that case changes only insert — events, outbox
// intents, audit entries, new cases and their channel counters — so that a
// transaction writes them in a few multi-row statements just before it
// commits instead of one statement (one round trip) per row. A group commit
// shares one rowBuf between its changes; a change rolled back to its
// savepoint drops what it had added (mark, truncate).
//
// Nothing reads these rows back inside the transaction that writes them:
// events, intents and audit entries are read by others after commit, and a
// new case's row and counters are written before its events (flush order).
type rowBuf struct {
	cases  []caseRow
	seqs   []channelSeqRow // counters of channels born in this transaction
	events []caseEventRow
	outbox []outboxRow
	audit  []auditPendingRow
	words  []commentWordsRow // comment search rows (PostgreSQL)
	// liteWords are SQLite's comment search rows, numbered by a group
	// without savepoints (groupState.wordKey); otherwise SQLite numbers
	// them per case as it inserts (indexComment).
	liteWords []liteWordsRow
	// counters are the channel counters a group without savepoints
	// counted in memory (groupState), written last as one upsert.
	counters []channelSeqRow
	// touches are the case times such a group writes in one UPDATE
	// (group_touch.go).
	touches []caseTouch
}

// bufMark is a position in a rowBuf, for truncate.
type bufMark [7]int

func (b *rowBuf) mark() bufMark {
	return bufMark{len(b.cases), len(b.seqs), len(b.events), len(b.outbox), len(b.audit), len(b.words), len(b.liteWords)}
}

// truncate drops what was added after m.
func (b *rowBuf) truncate(m bufMark) {
	b.cases, b.seqs, b.events = b.cases[:m[0]], b.seqs[:m[1]], b.events[:m[2]]
	b.outbox, b.audit, b.words, b.liteWords = b.outbox[:m[3]], b.audit[:m[4]], b.words[:m[5]], b.liteWords[:m[6]]
}

// commentWordsRow is one comment's search row on PostgreSQL (the table
// case_comment_words of search_comments.go).
type commentWordsRow struct {
	EventID         string `gorm:"primaryKey"`
	CaseID          string
	SearchReply     string
	SearchReplyStem string
	SearchNote      string
	SearchNoteStem  string
}

func (commentWordsRow) TableName() string { return "case_comment_words" }

// liteWordsRow is one comment's search row on SQLite: K is the case's
// rowid << 20 plus the comment's number in the case (search_comments.go).
type liteWordsRow struct {
	K               int64 `gorm:"primaryKey;autoIncrement:false"`
	CaseID          string
	EventID         string
	SearchReply     string
	SearchReplyStem string
	SearchNote      string
	SearchNoteStem  string
}

func (liteWordsRow) TableName() string { return "case_comment_words" }

// commentWordsOf is the search row of comment eventID of case caseID, as
// indexComment writes it: a reply's words in the public field, an internal
// note's in the staff-only one.
func commentWordsOf(caseID, eventID string, vis jihat.Visibility, body string) commentWordsRow {
	r := commentWordsRow{EventID: eventID, CaseID: caseID}
	if vis == jihat.VisibilityPublic {
		r.SearchReply, r.SearchReplyStem = searchForms(body)
	} else {
		r.SearchNote, r.SearchNoteStem = searchForms(body)
	}
	return r
}

// flushBatch bounds the rows of one INSERT (SQLite allows 32,766 bound
// parameters; the widest row here has about 40 columns).
const flushBatch = 200

// flush inserts the buffered rows in tx, parents first, and empties b. On
// SQLite the rows go without gorm's create path (insertLite).
func (b *rowBuf) flush(tx *gorm.DB) error {
	postgres := tx.Dialector.Name() == "postgres"
	if err := writeTouches(tx, postgres, b.touches); err != nil {
		return err
	}
	if err := insertRows(tx, postgres, b.cases); err != nil {
		return err
	}
	if err := insertRows(tx, postgres, b.seqs); err != nil {
		return err
	}
	if err := insertRows(tx, postgres, b.events); err != nil {
		return err
	}
	if err := insertRows(tx, postgres, b.outbox); err != nil {
		return err
	}
	if err := insertRows(tx, postgres, b.audit); err != nil { // in buffer order: the chain's order
		return err
	}
	if err := insertRows(tx, postgres, b.words); err != nil {
		return err
	}
	if err := insertRows(tx, postgres, b.liteWords); err != nil {
		return err
	}
	if len(b.counters) > 0 {
		// The group holds its cases' row locks, under which alone their
		// channels' counters move: the counted values are the new ones.
		var err error
		if postgres {
			err = tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "channel"}},
				DoUpdates: clause.AssignmentColumns([]string{"last_seq"})}).CreateInBatches(b.counters, flushBatch).Error
		} else {
			err = insertLite(tx, b.counters, " ON CONFLICT (channel) DO UPDATE SET last_seq = excluded.last_seq")
		}
		if err != nil {
			return err
		}
	}
	*b = rowBuf{}
	return nil
}

func insertRows[T any](tx *gorm.DB, postgres bool, rows []T) error {
	if len(rows) == 0 {
		return nil
	}
	if !postgres {
		return insertLite(tx, rows, "")
	}
	return tx.CreateInBatches(rows, flushBatch).Error
}
