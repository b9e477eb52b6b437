package store

import (
	"context"

	"gorm.io/gorm"

	"github.com/jihat/jihat"
)

// CreateBoard inserts b with its members and the audit entry a.
func (s *Store) CreateBoard(ctx context.Context, b *jihat.Board, a jihat.AuditEntry) error {
	now := s.now().UTC()
	b.ID, b.CreatedAt, b.UpdatedAt = newID(), now, now
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(boardToRow(b)).Error; err != nil {
			return err
		}
		if err := s.putBoardMembers(tx, b); err != nil {
			return err
		}
		a.Target = "board:" + b.ID
		return s.appendAudit(tx, a)
	})
}

// UpdateBoard loads board id, lets fn change it, and saves it (members
// replaced) with the audit entry a.
func (s *Store) UpdateBoard(ctx context.Context, id string, a jihat.AuditEntry, fn func(b *jihat.Board) error) (*jihat.Board, error) {
	var out *jihat.Board
	err := s.tx(ctx, func(tx *gorm.DB) error {
		b, err := s.board(tx, id)
		if err != nil {
			return err
		}
		if err := fn(b); err != nil {
			return err
		}
		b.UpdatedAt = s.now().UTC()
		if err := tx.Save(boardToRow(b)).Error; err != nil {
			return err
		}
		if err := tx.Where("board_id = ?", id).Delete(&boardMemberRow{}).Error; err != nil {
			return err
		}
		if err := s.putBoardMembers(tx, b); err != nil {
			return err
		}
		a.Target = "board:" + id
		out = b
		return s.appendAudit(tx, a)
	})
	return out, err
}

// Board returns board id with its members (names filled), or ENOTFOUND.
func (s *Store) Board(ctx context.Context, id string) (*jihat.Board, error) {
	return s.board(s.db.WithContext(ctx), id)
}

// Boards returns the boards of an entity, by name.
func (s *Store) Boards(ctx context.Context, entityID string) ([]*jihat.Board, error) {
	var ids []string
	if err := s.db.WithContext(ctx).Model(&boardRow{}).Where("entity_id = ?", entityID).Order("name, id").Pluck("id", &ids).Error; err != nil {
		return nil, err
	}
	return s.boardsByID(ctx, ids)
}

// BoardsOf returns the boards in which userID holds a seat, by name.
func (s *Store) BoardsOf(ctx context.Context, userID string) ([]*jihat.Board, error) {
	var ids []string
	err := s.db.WithContext(ctx).Table("board_members").Select("boards.id").Joins("JOIN boards ON boards.id = board_members.board_id").
		Where("board_members.user_id = ? AND boards.archived_at IS NULL", userID).Order("boards.name, boards.id").Scan(&ids).Error
	if err != nil {
		return nil, err
	}
	return s.boardsByID(ctx, ids)
}

// boardsByID reads the boards ids, in that order, with their members: two
// statements for every 500 boards, not two for each board.
func (s *Store) boardsByID(ctx context.Context, ids []string) ([]*jihat.Board, error) {
	db := s.db.WithContext(ctx)
	byID := make(map[string]*jihat.Board, len(ids))
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		var rows []boardRow
		if err := db.Where("id IN ?", chunk).Find(&rows).Error; err != nil {
			return nil, err
		}
		for i := range rows {
			byID[rows[i].ID] = boardFromRow(&rows[i])
		}
		if err := fillBoardMembers(db, chunk, byID); err != nil {
			return nil, err
		}
	}
	out := make([]*jihat.Board, 0, len(ids))
	for _, id := range ids {
		if b := byID[id]; b != nil {
			out = append(out, b)
		}
	}
	return out, nil
}

func (s *Store) board(db *gorm.DB, id string) (*jihat.Board, error) {
	var r boardRow
	if err := db.Where("id = ?", id).Take(&r).Error; err != nil {
		return nil, notFound(err)
	}
	b := boardFromRow(&r)
	if err := fillBoardMembers(db, []string{id}, map[string]*jihat.Board{id: b}); err != nil {
		return nil, err
	}
	return b, nil
}

// fillBoardMembers appends to each board in byID its seats among boardIDs
// (names filled), by name.
func fillBoardMembers(db *gorm.DB, boardIDs []string, byID map[string]*jihat.Board) error {
	var ms []struct {
		BoardID, UserID, Role, Name string
	}
	err := db.Table("board_members").Select("board_members.board_id, board_members.user_id, board_members.role, users.name").
		Joins("JOIN users ON users.id = board_members.user_id").Where("board_members.board_id IN ?", boardIDs).
		Order("users.name, board_members.user_id").Scan(&ms).Error
	if err != nil {
		return err
	}
	for _, m := range ms {
		if b := byID[m.BoardID]; b != nil {
			b.Members = append(b.Members, jihat.MeetingSeat{UserID: m.UserID, Name: m.Name, Role: jihat.MeetingRole(m.Role)})
		}
	}
	return nil
}

func boardFromRow(r *boardRow) *jihat.Board {
	return &jihat.Board{ID: r.ID, EntityID: r.EntityID, Name: r.Name, Kind: r.Kind, Quorum: jihat.QuorumRule(r.QuorumRule),
		Result: jihat.ResultRule(r.ResultRule), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, ArchivedAt: r.ArchivedAt}
}

func (s *Store) putBoardMembers(tx *gorm.DB, b *jihat.Board) error {
	if len(b.Members) == 0 {
		return nil
	}
	rows := make([]boardMemberRow, len(b.Members))
	for i, m := range b.Members {
		rows[i] = boardMemberRow{BoardID: b.ID, UserID: m.UserID, Role: string(m.Role)}
	}
	return tx.CreateInBatches(rows, 500).Error
}

func boardToRow(b *jihat.Board) *boardRow {
	return &boardRow{ID: b.ID, EntityID: b.EntityID, Name: b.Name, Kind: b.Kind, QuorumRule: string(b.Quorum),
		ResultRule: string(b.Result), CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt, ArchivedAt: b.ArchivedAt}
}

// ActiveUsers returns the active users among ids, by ID (for checking
// members before they are seated).
func (s *Store) ActiveUsers(ctx context.Context, ids []string) (map[string]*jihat.User, error) {
	out := make(map[string]*jihat.User, len(ids))
	for start := 0; start < len(ids); start += 500 {
		end := min(start+500, len(ids))
		var rows []userRow
		if err := s.db.WithContext(ctx).Where("id IN ? AND active = ?", ids[start:end], true).Find(&rows).Error; err != nil {
			return nil, err
		}
		for i := range rows {
			u, err := s.user(&rows[i])
			if err != nil {
				return nil, err
			}
			out[u.ID] = u
		}
	}
	return out, nil
}
