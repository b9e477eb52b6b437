package store

import (
	"gorm.io/gorm"
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
}

// bufMark is a position in a rowBuf, for truncate.
type bufMark [5]int

func (b *rowBuf) mark() bufMark {
	return bufMark{len(b.cases), len(b.seqs), len(b.events), len(b.outbox), len(b.audit)}
}

// truncate drops what was added after m.
func (b *rowBuf) truncate(m bufMark) {
	b.cases, b.seqs, b.events = b.cases[:m[0]], b.seqs[:m[1]], b.events[:m[2]]
	b.outbox, b.audit = b.outbox[:m[3]], b.audit[:m[4]]
}

// flushBatch bounds the rows of one INSERT (SQLite allows 32,766 bound
// parameters; the widest row here has about 40 columns).
const flushBatch = 200

// flush inserts the buffered rows in tx, parents first, and empties b.
func (b *rowBuf) flush(tx *gorm.DB) error {
	if err := insertRows(tx, b.cases); err != nil {
		return err
	}
	if err := insertRows(tx, b.seqs); err != nil {
		return err
	}
	if err := insertRows(tx, b.events); err != nil {
		return err
	}
	if err := insertRows(tx, b.outbox); err != nil {
		return err
	}
	if err := insertRows(tx, b.audit); err != nil { // in buffer order: the chain's order
		return err
	}
	*b = rowBuf{}
	return nil
}

func insertRows[T any](tx *gorm.DB, rows []T) error {
	if len(rows) == 0 {
		return nil
	}
	return tx.CreateInBatches(rows, flushBatch).Error
}
