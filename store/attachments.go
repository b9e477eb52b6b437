package store

import (
	"context"
	"strings"
	"time"

	"github.com/jihat/jihat"
)

// attachmentRow is a file or voice note on a case. The bytes live in the
// media store under SHA256; identical content is stored once.
type attachmentRow struct {
	ID          string    `gorm:"primaryKey;size:36;index:idx_att_case,priority:2;index:idx_att_entity,priority:2;index:idx_att_requester,priority:2"`
	CaseID      string    `gorm:"size:36;not null;index:idx_att_case,priority:1"`
	EntityID    string    `gorm:"size:36;not null;index:idx_att_entity,priority:1"`
	RequesterID string    `gorm:"size:36;not null;index:idx_att_requester,priority:1"`
	CaseNumber  string    `gorm:"size:20;not null;index"`
	UploaderID  string    `gorm:"size:36;not null"`
	Visibility  string    `gorm:"size:10;not null"`
	Kind        string    `gorm:"size:10;not null"` // document, image, audio
	Name        string    `gorm:"size:255;not null"`
	SearchName  string    `gorm:"size:255;not null"` // normalised name, for search
	MIME        string    `gorm:"size:100;not null"`
	Size        int64     `gorm:"not null"`
	SHA256      string    `gorm:"size:64;not null;index"`
	DurationMS  int64     `gorm:"not null;default:0"`
	CreatedAt   time.Time `gorm:"not null"`
}

func (attachmentRow) TableName() string { return "attachments" }

// Attachment is a file or voice note on a case.
type Attachment struct {
	ID, CaseID, EntityID, RequesterID, CaseNumber, UploaderID string
	Visibility                                                jihat.Visibility
	Kind, Name, MIME, SHA256                                  string
	Size, DurationMS                                          int64
	CreatedAt                                                 time.Time
}

// AddAttachment records an attachment on the case inside the transaction
// and fills its ID, case fields and time. The caller commits the blob as the
// last step of the same transaction.
func (m *CaseTx) AddAttachment(a *Attachment) error {
	a.ID, a.CaseID, a.EntityID, a.RequesterID, a.CaseNumber, a.CreatedAt =
		newID(), m.Case.ID, m.Case.EntityID, m.Case.RequesterID, m.Case.Number, m.Now
	return m.tx.Create(&attachmentRow{ID: a.ID, CaseID: a.CaseID, EntityID: a.EntityID, RequesterID: a.RequesterID,
		CaseNumber: a.CaseNumber, UploaderID: a.UploaderID, Visibility: string(a.Visibility), Kind: a.Kind, Name: a.Name,
		SearchName: jihat.NormalizeArabic(a.Name), MIME: a.MIME, Size: a.Size, SHA256: a.SHA256, DurationMS: a.DurationMS,
		CreatedAt: a.CreatedAt}).Error
}

// Attachment returns one attachment, or ENOTFOUND.
func (s *Store) Attachment(ctx context.Context, id string) (*Attachment, error) {
	var r attachmentRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return nil, notFound(err)
	}
	a := attachment(r)
	return &a, nil
}

// BlobReferenced reports whether any attachment or meeting recording names the blob (before a
// blob is deleted, and by the orphan sweep).
func (s *Store) BlobReferenced(ctx context.Context, sha string) (bool, error) {
	var n int64
	db := s.db.WithContext(ctx)
	if err := db.Model(&attachmentRow{}).Where("sha256 = ?", sha).Limit(1).Count(&n).Error; err != nil || n > 0 {
		return n > 0, err
	}
	return recordingReferences(db, sha) // meeting recordings (meeting_recordings.go)
}

// AttachmentQuery selects attachments for the archive. The scope fields come
// from the caller's rights (like CaseQuery); PublicOnly hides internal ones.
type AttachmentQuery struct {
	RequesterID  string
	EntityID     string
	DepartmentID string
	AssigneeID   string
	AllEntities  bool
	PublicOnly   bool

	CaseID     string
	CaseNumber string
	Kind       string
	Name       string // words of the file name (normalised)
	From, To   time.Time
	Cursor     string
	Limit      int
}

// ListAttachments returns one page of the archive, newest first.
func (s *Store) ListAttachments(ctx context.Context, q AttachmentQuery) ([]Attachment, string, error) {
	if q.Limit <= 0 || q.Limit > 100 {
		q.Limit = 50
	}
	if !q.AllEntities && q.EntityID == "" && q.RequesterID == "" && q.AssigneeID == "" {
		return nil, "", nil
	}
	db := s.db.WithContext(ctx).Model(&attachmentRow{})
	for col, v := range map[string]string{"attachments.requester_id": q.RequesterID, "attachments.entity_id": q.EntityID,
		"attachments.case_id": q.CaseID, "attachments.case_number": q.CaseNumber, "attachments.kind": q.Kind} {
		if v != "" {
			db = db.Where(col+" = ?", v)
		}
	}
	if q.DepartmentID != "" || q.AssigneeID != "" {
		sub := s.db.Model(&caseRow{}).Select("id")
		if q.DepartmentID != "" {
			sub = sub.Where("department_id = ?", q.DepartmentID)
		}
		if q.AssigneeID != "" {
			sub = sub.Where("assignee_id = ?", q.AssigneeID)
		}
		db = db.Where("attachments.case_id IN (?)", sub)
	}
	if q.PublicOnly {
		db = db.Where("attachments.visibility = ?", string(jihat.VisibilityPublic))
	}
	for _, t := range jihat.SearchTerms(q.Name) {
		db = db.Where(`attachments.search_name LIKE ? ESCAPE '\'`, "%"+likeEscape(t)+"%")
	}
	if !q.From.IsZero() {
		db = db.Where("attachments.created_at >= ?", q.From.UTC())
	}
	if !q.To.IsZero() {
		db = db.Where("attachments.created_at < ?", q.To.UTC())
	}
	if q.Cursor != "" {
		db = db.Where("attachments.id < ?", q.Cursor)
	}
	var rows []attachmentRow
	if err := db.Order("attachments.id DESC").Limit(q.Limit + 1).Find(&rows).Error; err != nil {
		return nil, "", err
	}
	next := ""
	if len(rows) > q.Limit {
		rows = rows[:q.Limit]
		next = rows[len(rows)-1].ID
	}
	out := make([]Attachment, len(rows))
	for i, r := range rows {
		out[i] = attachment(r)
	}
	return out, next, nil
}

func attachment(r attachmentRow) Attachment {
	return Attachment{ID: r.ID, CaseID: r.CaseID, EntityID: r.EntityID, RequesterID: r.RequesterID, CaseNumber: r.CaseNumber,
		UploaderID: r.UploaderID, Visibility: jihat.Visibility(r.Visibility), Kind: r.Kind, Name: r.Name, MIME: r.MIME,
		SHA256: strings.ToLower(r.SHA256), Size: r.Size, DurationMS: r.DurationMS, CreatedAt: r.CreatedAt.UTC()}
}
