package store

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/jihat/jihat"
)

// The service guide (migration 51): services, their published versions,
// and the search over what was published.

type serviceRow struct {
	ID              string    `gorm:"primaryKey;size:36"`
	EntityID        string    `gorm:"size:36;not null;index"`
	Draft           string    `gorm:"not null"`            // ServiceContent, JSON
	Published       string    `gorm:"not null;default:''"` // the published ServiceContent, JSON; '' until published
	Version         int       `gorm:"not null;default:0"`  // versions published
	SearchTitle     string    `gorm:"not null;default:''"` // the published names: exact form (jihat.SearchDoc)
	SearchTitleStem string    `gorm:"not null;default:''"` // and stems
	SearchBody      string    `gorm:"not null;default:''"` // every other published text: exact form
	SearchBodyStem  string    `gorm:"not null;default:''"` // and stems
	SearchVer       int       `gorm:"not null;default:0"`  // jihat.SearchVersion of the above
	CreatedAt       time.Time `gorm:"not null"`
	UpdatedAt       time.Time `gorm:"not null"`
	PublishedAt     *time.Time
}

func (serviceRow) TableName() string { return "services" }

type serviceVersionRow struct {
	ServiceID   string    `gorm:"primaryKey;size:36"`
	Version     int       `gorm:"primaryKey"`
	Content     string    `gorm:"not null"` // ServiceContent, JSON
	PublishedAt time.Time `gorm:"not null"`
	PublishedBy string    `gorm:"size:36;not null"`
}

func (serviceVersionRow) TableName() string { return "service_versions" }

var serviceIndex = textIndex{table: "services", fts: "services_words", titleFirst: true, fields: []textField{
	{exact: "search_title", stem: "search_title_stem"}, // the names
	{exact: "search_body", stem: "search_body_stem"},   // every other text
}}

// serviceGuide is migration 51: the tables, the search index, and the link
// from a case to the service it is about.
func (s *Store) serviceGuide(tx *gorm.DB) error {
	if err := tx.AutoMigrate(&serviceRow{}, &serviceVersionRow{}, &caseRow{}); err != nil {
		return err
	}
	return serviceIndex.install(s, tx)
}

// serviceSearchColumns are the searched forms of published content.
func serviceSearchColumns(c *jihat.ServiceContent) map[string]any {
	title, body := c.SearchFields()
	te, ts := searchForms(title...)
	be, bs := searchForms(body...)
	return map[string]any{"search_title": te, "search_title_stem": ts, "search_body": be, "search_body_stem": bs,
		"search_ver": jihat.SearchVersion}
}

func serviceFromRow(r serviceRow) (*jihat.Service, error) {
	sv := &jihat.Service{ID: r.ID, EntityID: r.EntityID, Version: r.Version, CreatedAt: r.CreatedAt.UTC(),
		UpdatedAt: r.UpdatedAt.UTC(), PublishedAt: timeVal(r.PublishedAt)}
	if err := json.Unmarshal([]byte(r.Draft), &sv.Draft); err != nil {
		return nil, err
	}
	switch {
	case r.Published == r.Draft: // nothing changed since the last publish: decode once (the guide's rows, most of a search's work in Go)
		p := sv.Draft
		p.Documents, p.Steps, p.Channels = slices.Clone(p.Documents), slices.Clone(p.Steps), slices.Clone(p.Channels)
		sv.Published = &p
	case r.Published != "":
		sv.Published = new(jihat.ServiceContent)
		if err := json.Unmarshal([]byte(r.Published), sv.Published); err != nil {
			return nil, err
		}
	}
	return sv, nil
}

// CreateService inserts a draft service (its ID and times are set).
func (s *Store) CreateService(ctx context.Context, sv *jihat.Service, a jihat.AuditEntry) error {
	draft, err := json.Marshal(sv.Draft)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	sv.ID, sv.CreatedAt, sv.UpdatedAt = newID(), now, now
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&serviceRow{ID: sv.ID, EntityID: sv.EntityID, Draft: string(draft), CreatedAt: now, UpdatedAt: now}).Error; err != nil {
			return err
		}
		a.Target = "service:" + sv.ID
		return s.appendAudit(tx, a)
	})
}

// Service returns the service with id, or ENOTFOUND.
func (s *Store) Service(ctx context.Context, id string) (*jihat.Service, error) {
	var row serviceRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return nil, notFound(err)
	}
	return serviceFromRow(row)
}

// UpdateService changes the draft of service id with fn, under a row lock.
func (s *Store) UpdateService(ctx context.Context, id string, a jihat.AuditEntry, fn func(sv *jihat.Service) error) (*jihat.Service, error) {
	var out *jihat.Service
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var row serviceRow
		if err := lockRow(s, tx).Where("id = ?", id).Take(&row).Error; err != nil {
			return notFound(err)
		}
		sv, err := serviceFromRow(row)
		if err != nil {
			return err
		}
		if err := fn(sv); err != nil {
			return err
		}
		draft, err := json.Marshal(sv.Draft)
		if err != nil {
			return err
		}
		sv.UpdatedAt = s.now().UTC()
		if err := tx.Model(&serviceRow{}).Where("id = ?", id).UpdateColumns(map[string]any{
			"draft": string(draft), "updated_at": sv.UpdatedAt}).Error; err != nil {
			return err
		}
		a.Target = "service:" + id
		out = sv
		return s.appendAudit(tx, a)
	})
	return out, err
}

// PublishService makes the draft of service id its next published version,
// kept in its history. ECONFLICT when nothing changed since the last one.
func (s *Store) PublishService(ctx context.Context, id, by string, a jihat.AuditEntry) (*jihat.Service, error) {
	var out *jihat.Service
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var row serviceRow
		if err := lockRow(s, tx).Where("id = ?", id).Take(&row).Error; err != nil {
			return notFound(err)
		}
		if row.Published == row.Draft {
			return jihat.Errorf(jihat.ECONFLICT, "guide_nothing_to_publish")
		}
		sv, err := serviceFromRow(row)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		sv.Version++
		sv.Published, sv.PublishedAt = &sv.Draft, now
		cols := serviceSearchColumns(sv.Published)
		cols["published"], cols["version"], cols["published_at"] = row.Draft, sv.Version, now
		if err := tx.Model(&serviceRow{}).Where("id = ?", id).UpdateColumns(cols).Error; err != nil {
			return err
		}
		if err := tx.Create(&serviceVersionRow{ServiceID: id, Version: sv.Version, Content: row.Draft, PublishedAt: now, PublishedBy: by}).Error; err != nil {
			return err
		}
		a.Target = "service:" + id
		out = sv
		return s.appendAudit(tx, a)
	})
	return out, err
}

// ServiceVersions returns the published versions of service id, newest first.
func (s *Store) ServiceVersions(ctx context.Context, id string) ([]jihat.ServiceVersion, error) {
	var rows []serviceVersionRow
	if err := s.db.WithContext(ctx).Where("service_id = ?", id).Order("version DESC").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]jihat.ServiceVersion, len(rows))
	for i, r := range rows {
		out[i] = jihat.ServiceVersion{ServiceID: r.ServiceID, Version: r.Version, PublishedAt: r.PublishedAt.UTC(), PublishedBy: r.PublishedBy}
		if err := json.Unmarshal([]byte(r.Content), &out[i].Content); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ServiceQuery selects services for the guide.
type ServiceQuery struct {
	EntityID   string             // "" for every entity
	Sector     string             // "" for every sector; else only the services of entities of this sector
	Terms      []jihat.SearchTerm // ranked: names before the other texts (see textIndex)
	WithDrafts bool               // include services never published (their editors)
	Cursor     string
	Limit      int
}

// ListServices returns one page of services: a search in rank order, or
// else newest first; and the cursor of the next page.
func (s *Store) ListServices(ctx context.Context, q ServiceQuery) ([]*jihat.Service, string, error) {
	if q.Limit <= 0 || q.Limit > 100 {
		q.Limit = 50
	}
	db := s.db.WithContext(ctx).Model(&serviceRow{})
	if q.EntityID != "" {
		db = db.Where("services.entity_id = ?", q.EntityID)
	}
	if q.Sector != "" {
		db = db.Where("services.entity_id IN (SELECT id FROM entities WHERE sector = ?)", q.Sector)
	}
	if !q.WithDrafts || len(q.Terms) > 0 {
		db = db.Where("services.published <> ''")
	}
	var rows []serviceRow
	next := ""
	if len(q.Terms) > 0 {
		type hit struct {
			Row       serviceRow `gorm:"embedded"`
			SearchKey string
		}
		var hits []hit
		page, nx, err := serviceIndex.rankedPage(s, func() *gorm.DB { return db.Session(&gorm.Session{}) }, false, q.Terms, q.Cursor, q.Limit,
			func(db *gorm.DB, n int) ([]string, error) {
				var page []hit // Scan replaces what its slice held
				if err := db.Scan(&page).Error; err != nil {
					return nil, err
				}
				hits = append(hits, page...)
				var keys []string
				for _, h := range page {
					keys = append(keys, h.SearchKey)
				}
				return keys, nil
			})
		if err != nil {
			return nil, "", err
		}
		for _, at := range page {
			rows = append(rows, hits[at].Row)
		}
		next = nx
	} else {
		if q.Cursor != "" {
			db = db.Where("services.id < ?", q.Cursor)
		}
		if err := db.Order("services.id DESC").Limit(q.Limit + 1).Find(&rows).Error; err != nil {
			return nil, "", err
		}
		if len(rows) > q.Limit {
			rows = rows[:q.Limit]
			next = rows[len(rows)-1].ID
		}
	}
	out := make([]*jihat.Service, len(rows))
	for i, r := range rows {
		sv, err := serviceFromRow(r)
		if err != nil {
			return nil, "", err
		}
		out[i] = sv
	}
	return out, next, nil
}

// ServiceCaseCount is how many cases were opened about one service.
type ServiceCaseCount struct {
	ServiceID string
	EntityID  string
	Cases     int64
}

// ServiceCaseCounts returns the services with the most cases ("" = every
// entity), most first, at most limit.
func (s *Store) ServiceCaseCounts(ctx context.Context, entityID string, from, to time.Time, limit int) ([]ServiceCaseCount, error) {
	db := s.db.WithContext(ctx).Model(&caseRow{}).Select("service_id, entity_id, COUNT(*) AS cases").
		Where("service_id <> ''")
	if entityID != "" {
		db = db.Where("entity_id = ?", entityID)
	}
	if !from.IsZero() {
		db = db.Where("created_at >= ?", from.UTC())
	}
	if !to.IsZero() {
		db = db.Where("created_at < ?", to.UTC())
	}
	var out []ServiceCaseCount
	err := db.Group("service_id, entity_id").Order("cases DESC, service_id").Limit(limit).Scan(&out).Error
	return out, err
}

// lockRow locks the row a query reads until the transaction ends
// (PostgreSQL; SQLite has one writer at a time anyway).
func lockRow(s *Store, tx *gorm.DB) *gorm.DB {
	if s.postgre {
		return tx.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return tx
}
