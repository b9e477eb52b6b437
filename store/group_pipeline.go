package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"

	"github.com/jihat/jihat"
)

// A group's transaction in two round trips (PostgreSQL). Through
// database/sql a group of comments made five, one after another: BEGIN,
// the cases locked, their counters read, the rows' WITH statement, COMMIT.
// On the latency workload (one case, 100 comments/s) each is a wake-up of
// the committer and of a PostgreSQL backend on busy cores, and the next
// group waits for the whole transaction. Here the group takes a connection
// of its own and sends, with pgx's pipelining:
//
//  1. BEGIN, the cases locked (ID order) and their counters read, as three
//     statements in one batch: the counters are read by a statement of
//     their own, after the locks are held, so they are the latest committed
//     (a channel moves only under its case's row lock);
//  2. the changes run as before (gorm on that connection: a change that
//     reads or writes still makes its own round trips);
//  3. the rows' WITH statement and COMMIT in one batch, when nothing has to
//     follow the WITH statement (otherwise it runs alone, then COMMIT).
//
// Any failure rolls the transaction back. A COMMIT that PostgreSQL answers
// with ROLLBACK (the transaction had failed) is an error, as pgx's own
// Tx.Commit makes it: a caller is answered only when its change is durable.

// pipelinedGroupTx runs a group on PostgreSQL: loads and locks the cases ids
// (and their channels' counters), runs run on the transaction, writes the
// statement run returns (if any) and commits.
func (s *Store) pipelinedGroupTx(ctx context.Context, ids []string, run func(tx *gorm.DB, g *groupState) (*sqlPart, error)) (err error) {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	audited := false
	ctx = context.WithValue(ctx, auditFlagKey{}, &audited)
	defer func() {
		if err != nil {
			// Whatever state the connection is in: an aborted transaction,
			// an open one, or none (a WARNING, not an error).
			if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil {
				err = errors.Join(err, rerr)
			}
		}
	}()
	cols, err := s.caseColumns()
	if err != nil {
		return err
	}
	var rows []caseRow
	var seqs []channelSeqRow
	err = conn.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: group transaction: driver connection %T is not pgx's", dc)
		}
		b := &pgx.Batch{}
		b.Queue("BEGIN")
		if len(ids) > 0 {
			b.Queue(`SELECT `+cols+` FROM cases WHERE id = ANY($1) ORDER BY id FOR UPDATE`, ids)
			b.Queue(`SELECT channel, last_seq FROM channel_seqs WHERE channel = ANY($1)`, caseChannels(ids))
		}
		br := pc.Conn().SendBatch(ctx, b)
		if _, err := br.Exec(); err != nil {
			br.Close()
			return err
		}
		if len(ids) > 0 {
			r, _ := br.Query()
			if rows, err = pgx.CollectRows(r, pgx.RowToStructByName[caseRow]); err != nil {
				br.Close()
				return err
			}
			r, _ = br.Query()
			if seqs, err = pgx.CollectRows(r, pgx.RowToStructByName[channelSeqRow]); err != nil {
				br.Close()
				return err
			}
		}
		return br.Close()
	})
	if err != nil {
		return err
	}
	tx := s.db.Session(&gorm.Session{Context: ctx, NewDB: true})
	tx.Statement.ConnPool = conn
	last, err := run(tx, newGroupState(rows, seqs))
	if err != nil {
		return err
	}
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		b := &pgx.Batch{}
		if last != nil {
			b.Queue(last.sql, last.vars...)
		}
		b.Queue("COMMIT")
		br := pc.SendBatch(ctx, b)
		if last != nil {
			if _, err := br.Exec(); err != nil {
				br.Close()
				return err
			}
		}
		tag, err := br.Exec()
		if err != nil {
			br.Close()
			return err
		}
		if tag.String() != "COMMIT" {
			br.Close()
			return fmt.Errorf("store: the group's transaction was rolled back (%s)", tag.String())
		}
		return br.Close()
	})
	if err != nil {
		return err
	}
	if audited {
		s.chainer.kick()
	}
	return nil
}

// caseColumns lists caseRow's columns, in the order of its fields (the
// group's lock reads them by name into caseRow).
func (s *Store) caseColumns() (string, error) {
	st := &gorm.Statement{DB: s.db}
	if err := st.Parse(&caseRow{}); err != nil {
		return "", err
	}
	return strings.Join(st.Schema.DBNames, ", "), nil
}

// caseChannels are the channels of cases ids.
func caseChannels(ids []string) []string {
	out := make([]string, 0, 2*len(ids))
	for _, id := range ids {
		out = append(out, jihat.CaseEventChannel(id, jihat.VisibilityPublic), jihat.CaseEventChannel(id, jihat.VisibilityInternal))
	}
	return out
}
