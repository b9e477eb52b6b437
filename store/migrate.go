package store

import (
	"context"
	"fmt"
	"strconv"

	"gorm.io/gorm"

	"github.com/jihat/jihat"
)

// migration is one versioned step of the schema. Steps are idempotent (they
// create what is missing) and each applied version is recorded in
// schema_migrations, so Migrate can run at every start on every node.
type migration struct {
	version int
	name    string
	up      func(s *Store, tx *gorm.DB) error
}

// migrations lists every step in order. Append; never edit a released step.
var migrations = []migration{
	{1, "accounts, entities and audit", func(s *Store, tx *gorm.DB) error {
		if err := tx.AutoMigrate(&userRow{}, &sessionRow{}, &entityRow{}, &departmentRow{}, &caseTypeRow{}, &auditRow{}); err != nil {
			return err
		}
		return s.auditAppendOnly(tx)
	}},
	{2, "cases, events, postponements, outbox and search", func(s *Store, tx *gorm.DB) error {
		if err := tx.AutoMigrate(&userRow{}, &caseRow{}, &caseEventRow{}, &channelSeqRow{}, &counterRow{},
			&postponementRow{}, &outboxRow{}); err != nil {
			return err
		}
		return s.searchIndex(tx)
	}},
	{3, "attachments", func(s *Store, tx *gorm.DB) error {
		return tx.AutoMigrate(&attachmentRow{})
	}},
	{4, "notifications: deliveries, in-app, preferences, templates", func(s *Store, tx *gorm.DB) error {
		return tx.AutoMigrate(&deliveryRow{}, &notificationRow{}, &notificationPrefRow{}, &templateRow{})
	}},
	{5, "case search by substring on SQLite", func(s *Store, tx *gorm.DB) error {
		return s.searchSubstrings(tx)
	}},
	{10, "postponements: a public reason beside the internal one", func(s *Store, tx *gorm.DB) error {
		return tx.AutoMigrate(&postponementRow{})
	}},
	{11, "contact verification: verified e-mail and mobile, verification codes", func(s *Store, tx *gorm.DB) error {
		return s.contactVerification(tx)
	}},
	{12, "cases.public_updated_at: the updated_at requesters see, moved only by public events", func(s *Store, tx *gorm.DB) error {
		if err := tx.AutoMigrate(&caseRow{}); err != nil {
			return err
		}
		return tx.Exec(`UPDATE cases SET public_updated_at = COALESCE((SELECT MAX(e.created_at) FROM case_events e
WHERE e.case_id = cases.id AND e.visibility = ?), created_at) WHERE public_updated_at IS NULL`, string(jihat.VisibilityPublic)).Error
	}},
	{20, "objection ladder per entity; objections, final decision and paused working time per case", func(s *Store, tx *gorm.DB) error {
		return tx.AutoMigrate(&entityRow{}, &caseRow{})
	}},
	{21, "reassignment requests", func(s *Store, tx *gorm.DB) error {
		return tx.AutoMigrate(&reassignmentRow{})
	}},
	{30, "meetings: boards, meetings, attendance, motions, votes, secret ballots, notes, minutes", func(s *Store, tx *gorm.DB) error {
		return tx.AutoMigrate(&boardRow{}, &boardMemberRow{}, &meetingRow{}, &meetingMemberRow{}, &agendaItemRow{},
			&attendanceRow{}, &motionRow{}, &voteRow{}, &ballotVoterRow{}, &ballotBoxRow{}, &meetingEventRow{},
			&meetingNoteRow{}, &minutesRow{}, &minutesAccessRow{})
	}},
	{31, "votes: the tally version of each vote's last change (live tallies send what changed)", func(s *Store, tx *gorm.DB) error {
		return tx.AutoMigrate(&voteRow{})
	}},
	{40, "meeting audio: which node hosts each meeting's room (a lease)", func(s *Store, tx *gorm.DB) error {
		return tx.AutoMigrate(&rtcHostRow{})
	}},
	{41, "meeting audio: recordings, one Ogg/Opus file per speaker", func(s *Store, tx *gorm.DB) error {
		return tx.AutoMigrate(&meetingRecordingRow{})
	}},
	{50, "case search by words and stems (jihat.SearchDoc); re-indexed after the migrations", func(s *Store, tx *gorm.DB) error {
		return s.caseWordIndex(tx)
	}},
	{51, "service guide: services, their versions, their search, and cases.service_id", func(s *Store, tx *gorm.DB) error {
		return s.serviceGuide(tx)
	}},
	{52, "search: GIN indexes without a pending list (every search scanned it)", func(s *Store, tx *gorm.DB) error {
		if !s.postgre {
			return nil
		}
		// The indexes named here are those of migrations 50 and 51, which a
		// database migrated from scratch no longer has (see 53).
		return tx.Exec(`DO $$
DECLARE i text;
BEGIN
  FOREACH i IN ARRAY ARRAY['idx_cases_tsv', 'idx_services_tsv'] LOOP
    IF to_regclass(i) IS NOT NULL THEN
      EXECUTE format('ALTER INDEX %I SET (fastupdate = off)', i);
      PERFORM gin_clean_pending_list(to_regclass(i));
    END IF;
  END LOOP;
END $$`).Error
	}},
	{53, "search: exact and stem tsvectors apart; case replies and internal notes indexed (re-indexed after the migrations)", func(s *Store, tx *gorm.DB) error {
		if err := tx.AutoMigrate(&caseRow{}); err != nil {
			return err
		}
		if err := caseIndex.reinstall(s, tx); err != nil {
			return err
		}
		return serviceIndex.reinstall(s, tx)
	}},
	{54, "search: meetings by their title and agenda items' titles (re-indexed after the migrations)", func(s *Store, tx *gorm.DB) error {
		return s.meetingWordIndex(tx)
	}},
	{55, "search: each case comment is a row of its own (case_comment_words), no longer appended to the case's text (re-indexed after the migrations)", func(s *Store, tx *gorm.DB) error {
		return s.commentWords(tx)
	}},
	{56, "search: the guide's names in tsvectors of their own on PostgreSQL (no weight to check row by row); services.search_ver indexed", func(s *Store, tx *gorm.DB) error {
		if err := tx.Exec(`CREATE INDEX IF NOT EXISTS idx_services_search_ver ON services (search_ver)`).Error; err != nil {
			return err
		}
		if !s.postgre {
			return nil
		}
		return serviceIndex.install(s, tx)
	}},
	{60, "statistics: case_stats kept with each case, filled for existing cases", func(s *Store, tx *gorm.DB) error {
		if err := tx.AutoMigrate(&caseStatRow{}); err != nil {
			return err
		}
		return s.backfillStats(tx)
	}},
	{61, "statistics: presence and activity intervals, weekly report schedules", func(s *Store, tx *gorm.DB) error {
		return tx.AutoMigrate(&workIntervalRow{}, &reportScheduleRow{})
	}},
	{62, "statistics: the daily rollup case_stats_daily; existing cases are added after the migrations, a batch at a time (fillRollup)", func(s *Store, tx *gorm.DB) error {
		return tx.AutoMigrate(&caseStatRow{}, &caseDayRow{})
	}},
	{63, "statistics: the monthly rollup case_stats_monthly, the daily rollup summed by month", func(s *Store, tx *gorm.DB) error {
		if err := tx.AutoMigrate(&caseMonthRow{}); err != nil {
			return err
		}
		return s.fillMonthly(tx)
	}},
	{70, "audit: entries are written unlinked to audit_pending and chained after commit", func(s *Store, tx *gorm.DB) error {
		return tx.AutoMigrate(&auditPendingRow{})
	}},
	{71, "cases: room on each page for new row versions (PostgreSQL fillfactor), so a comment's update of its case's times is a HOT update that touches no index", func(s *Store, tx *gorm.DB) error {
		if !s.postgre {
			return nil
		}
		// Pages written from now on; existing ones get the room as their
		// rows move (or at a VACUUM FULL the operator may run).
		return tx.Exec("ALTER TABLE cases SET (fillfactor = " + strconv.Itoa(casesFillFactor) + ")").Error
	}},
}

// casesFillFactor is the share of a cases page that inserts fill (percent).
// At 100 (the default) a page is full after its inserts, and an update of a
// case (every comment moves its times) cannot stay on the page: its new
// version gets an entry in every index of cases, the GIN search indexes
// among them (0.35 ms a comment, half the updates, in persist-bench.sh);
// with room left, the update is HOT (heap-only: no index entry).
const casesFillFactor = 70

// searchIndex installs the database's own text search over cases.search_text
// (already normalised by jihat.NormalizeArabic): a trigram GIN index on
// PostgreSQL, which serves LIKE '%word%'; an FTS5 table kept in step by
// triggers on SQLite.
func (s *Store) searchIndex(tx *gorm.DB) error {
	if s.postgre {
		return tx.Exec(`CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE INDEX IF NOT EXISTS idx_cases_search ON cases USING gin (search_text public.gin_trgm_ops);`).Error
	}
	// The FTS rowid is the cases table's own rowid, so updates and deletes
	// find their row directly.
	return tx.Exec(`
CREATE VIRTUAL TABLE IF NOT EXISTS cases_fts USING fts5(text, tokenize = 'unicode61 remove_diacritics 0');
CREATE TRIGGER IF NOT EXISTS cases_fts_insert AFTER INSERT ON cases BEGIN
  INSERT INTO cases_fts(rowid, text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER IF NOT EXISTS cases_fts_update AFTER UPDATE OF search_text ON cases BEGIN
  DELETE FROM cases_fts WHERE rowid = old.rowid;
  INSERT INTO cases_fts(rowid, text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER IF NOT EXISTS cases_fts_delete AFTER DELETE ON cases BEGIN
  DELETE FROM cases_fts WHERE rowid = old.rowid;
END;`).Error
}

// searchSubstrings rebuilds SQLite's search table with the trigram
// tokenizer, so a word matches inside longer words as it does with LIKE on
// PostgreSQL (مدرسه finds المدرسه; unicode61 only matched whole words or
// their prefixes). Words shorter than three letters are matched with LIKE
// (see matchTerms). PostgreSQL needs nothing.
func (s *Store) searchSubstrings(tx *gorm.DB) error {
	if s.postgre {
		return nil
	}
	return tx.Exec(`
DROP TRIGGER IF EXISTS cases_fts_insert;
DROP TRIGGER IF EXISTS cases_fts_update;
DROP TRIGGER IF EXISTS cases_fts_delete;
DROP TABLE IF EXISTS cases_fts;
CREATE VIRTUAL TABLE cases_fts USING fts5(text, tokenize = 'trigram');
INSERT INTO cases_fts(rowid, text) SELECT rowid, search_text FROM cases;
CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases BEGIN
  INSERT INTO cases_fts(rowid, text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER cases_fts_update AFTER UPDATE OF search_text ON cases BEGIN
  DELETE FROM cases_fts WHERE rowid = old.rowid;
  INSERT INTO cases_fts(rowid, text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER cases_fts_delete AFTER DELETE ON cases BEGIN
  DELETE FROM cases_fts WHERE rowid = old.rowid;
END;`).Error
}

// auditAppendOnly installs triggers that refuse UPDATE and DELETE on the audit
// log, so tampering needs the database owner to drop them first (and the
// hash chain still shows it).
func (s *Store) auditAppendOnly(tx *gorm.DB) error {
	if s.postgre {
		return tx.Exec(`
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();`).Error
	}
	for _, op := range []string{"UPDATE", "DELETE"} {
		if err := tx.Exec(fmt.Sprintf(`CREATE TRIGGER IF NOT EXISTS audit_log_no_%s BEFORE %s ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;`, op, op)).Error; err != nil {
			return err
		}
	}
	return nil
}

// Migrate applies every step not yet recorded. On PostgreSQL an advisory lock
// keeps two nodes starting together from migrating at once.
func (s *Store) Migrate(ctx context.Context) (applied []string, err error) {
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if s.postgre {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(7201)").Error; err != nil {
				return err
			}
		}
		if err := tx.AutoMigrate(&migrationRow{}); err != nil {
			return err
		}
		var done []int
		if err := tx.Model(&migrationRow{}).Pluck("version", &done).Error; err != nil {
			return err
		}
		have := map[int]bool{}
		for _, v := range done {
			have[v] = true
		}
		for _, m := range migrations {
			if have[m.version] {
				continue
			}
			if err := m.up(s, tx); err != nil {
				return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
			}
			if err := tx.Create(&migrationRow{Version: m.version, Name: m.name, AppliedAt: s.now().UTC()}).Error; err != nil {
				return err
			}
			applied = append(applied, fmt.Sprintf("%d %s", m.version, m.name))
		}
		return nil
	})
	if err == nil {
		err = s.reindexAll(ctx)
	}
	if err == nil {
		err = s.fillRollup(ctx)
	}
	if err == nil {
		if ok, cerr := s.SearchIndexUsable(ctx); cerr == nil && !ok {
			s.log.Warn("search cannot index Arabic: this PostgreSQL database's LC_CTYPE does not " +
				"classify Arabic letters, so its text parser finds no Arabic word; " +
				"create the database with LC_CTYPE 'C.UTF-8' (or another UTF-8 locale)")
		}
	}
	return applied, err
}

// SearchIndexUsable tells whether the database's text search can index
// Arabic. PostgreSQL's text parser takes only the letters its database's
// LC_CTYPE calls letters: under the C locale an Arabic word gives no lexeme
// at all, and nothing Arabic is found. SQLite's FTS5 is always usable.
func (s *Store) SearchIndexUsable(ctx context.Context) (bool, error) {
	if !s.postgre {
		return true, nil
	}
	var n int
	err := s.db.WithContext(ctx).Raw("SELECT length(to_tsvector('simple', ?))", "بحث").Scan(&n).Error
	return n > 0, err
}

// SchemaVersion returns the highest applied migration.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v *int
	err := s.db.WithContext(ctx).Model(&migrationRow{}).Select("MAX(version)").Scan(&v).Error
	if v == nil {
		return 0, err
	}
	return *v, err
}
