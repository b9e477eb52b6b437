package store

import (
	"context"
	"encoding/json"

	"gorm.io/gorm"

	"github.com/jihat/jihat"
)

// CreateEntity inserts e and its audit entry.
func (s *Store) CreateEntity(ctx context.Context, e *jihat.Entity, demo bool, a jihat.AuditEntry) error {
	if e.AssignRule == "" {
		e.AssignRule = "round_robin"
	}
	row := &entityRow{ID: newID(), NameAR: e.NameAR, NameEN: e.NameEN, Sector: string(e.Sector), AssignRule: e.AssignRule, Demo: demo}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(row).Error; err != nil {
			return err
		}
		a.Target = "entity:" + row.ID
		return s.appendAudit(tx, a)
	})
	if err != nil {
		return err
	}
	e.ID, e.CreatedAt = row.ID, row.CreatedAt
	return nil
}

// Entity returns the entity with id, or ENOTFOUND.
func (s *Store) Entity(ctx context.Context, id string) (*jihat.Entity, error) {
	var r entityRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return nil, notFound(err)
	}
	return entity(r), nil
}

// ListEntities returns every entity, by Arabic name.
func (s *Store) ListEntities(ctx context.Context) ([]*jihat.Entity, error) {
	var rows []entityRow
	if err := s.db.WithContext(ctx).Order("name_ar, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]*jihat.Entity, len(rows))
	for i, r := range rows {
		out[i] = entity(r)
	}
	return out, nil
}

func entity(r entityRow) *jihat.Entity {
	e := &jihat.Entity{ID: r.ID, NameAR: r.NameAR, NameEN: r.NameEN, Sector: jihat.Sector(r.Sector),
		AssignRule: r.AssignRule, CreatedAt: r.CreatedAt}
	if r.Calendar != "" {
		_ = json.Unmarshal([]byte(r.Calendar), &e.Calendar) // validated when saved
	}
	if r.Escalation != "" {
		_ = json.Unmarshal([]byte(r.Escalation), &e.Escalation) // validated when saved
	}
	return e
}

// UpdateEntity saves an entity's names, distribution rule and working
// calendar.
func (s *Store) UpdateEntity(ctx context.Context, e *jihat.Entity, a jihat.AuditEntry) error {
	cal, err := json.Marshal(e.Calendar)
	if err != nil {
		return err
	}
	esc, err := json.Marshal(e.Escalation)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&entityRow{}).Where("id = ?", e.ID).Updates(map[string]any{
			"name_ar": e.NameAR, "name_en": e.NameEN, "assign_rule": e.AssignRule, "calendar": string(cal), "escalation": string(esc)})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return jihat.Errorf(jihat.ENOTFOUND, "not_found")
		}
		a.Target = "entity:" + e.ID
		return s.appendAudit(tx, a)
	})
}

// Calendar returns the working calendar of the case's entity, inside the
// transaction.
func (m *CaseTx) Calendar() (jihat.Calendar, error) {
	e, err := m.Entity()
	if err != nil {
		return jihat.Calendar{}, err
	}
	return e.WorkingCalendar(), nil
}

// Entity returns the case's entity, inside the transaction.
func (m *CaseTx) Entity() (*jihat.Entity, error) {
	if m.gs != nil {
		r, err := m.gs.entity(m.tx, m.Case.EntityID)
		if err != nil {
			return nil, err
		}
		return entity(r), nil
	}
	var r entityRow
	if err := m.tx.Where("id = ?", m.Case.EntityID).Take(&r).Error; err != nil {
		return nil, notFound(err)
	}
	return entity(r), nil
}

// CreateDepartment inserts d into its entity (ENOTFOUND when the entity does not exist).
func (s *Store) CreateDepartment(ctx context.Context, d *jihat.Department, a jihat.AuditEntry) error {
	row := &departmentRow{ID: newID(), EntityID: d.EntityID, NameAR: d.NameAR, NameEN: d.NameEN}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := mustExist(tx, &entityRow{}, d.EntityID); err != nil {
			return err
		}
		if err := tx.Create(row).Error; err != nil {
			return err
		}
		a.Target = "department:" + row.ID
		return s.appendAudit(tx, a)
	})
	if err != nil {
		return err
	}
	d.ID = row.ID
	return nil
}

// Department returns the department with id, or ENOTFOUND.
func (s *Store) Department(ctx context.Context, id string) (*jihat.Department, error) {
	var r departmentRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return nil, notFound(err)
	}
	return &jihat.Department{ID: r.ID, EntityID: r.EntityID, NameAR: r.NameAR, NameEN: r.NameEN}, nil
}

// ListDepartments returns an entity's departments.
func (s *Store) ListDepartments(ctx context.Context, entityID string) ([]*jihat.Department, error) {
	var rows []departmentRow
	if err := s.db.WithContext(ctx).Where("entity_id = ?", entityID).Order("name_ar, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]*jihat.Department, len(rows))
	for i, r := range rows {
		out[i] = &jihat.Department{ID: r.ID, EntityID: r.EntityID, NameAR: r.NameAR, NameEN: r.NameEN}
	}
	return out, nil
}

// CreateCaseType inserts t; its department must belong to its entity.
func (s *Store) CreateCaseType(ctx context.Context, t *jihat.CaseType, a jihat.AuditEntry) error {
	row := &caseTypeRow{ID: newID(), EntityID: t.EntityID, DepartmentID: t.DepartmentID, NameAR: t.NameAR, NameEN: t.NameEN,
		SLANormal: t.SLA.Normal, SLAImportant: t.SLA.Important, SLAVeryImportant: t.SLA.VeryImportant}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := departmentInEntity(tx, t.DepartmentID, t.EntityID); err != nil {
			return err
		}
		if err := tx.Create(row).Error; err != nil {
			return err
		}
		a.Target = "case_type:" + row.ID
		return s.appendAudit(tx, a)
	})
	if err != nil {
		return err
	}
	t.ID = row.ID
	return nil
}

// CaseType returns the case type with id, or ENOTFOUND.
func (s *Store) CaseType(ctx context.Context, id string) (*jihat.CaseType, error) {
	var r caseTypeRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return nil, notFound(err)
	}
	return caseType(r), nil
}

// ListCaseTypes returns an entity's case types.
func (s *Store) ListCaseTypes(ctx context.Context, entityID string) ([]*jihat.CaseType, error) {
	var rows []caseTypeRow
	if err := s.db.WithContext(ctx).Where("entity_id = ?", entityID).Order("name_ar, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]*jihat.CaseType, len(rows))
	for i, r := range rows {
		out[i] = caseType(r)
	}
	return out, nil
}

func caseType(r caseTypeRow) *jihat.CaseType {
	return &jihat.CaseType{ID: r.ID, EntityID: r.EntityID, DepartmentID: r.DepartmentID, NameAR: r.NameAR, NameEN: r.NameEN,
		SLA: jihat.SLAHours{Normal: r.SLANormal, Important: r.SLAImportant, VeryImportant: r.SLAVeryImportant}}
}

// departmentInEntity checks that department id exists and belongs to entityID.
func departmentInEntity(tx *gorm.DB, id, entityID string) error {
	var d departmentRow
	if err := tx.Where("id = ?", id).Take(&d).Error; err != nil {
		if err == gorm.ErrRecordNotFound {
			return &jihat.Error{Code: jihat.EINVALID, Key: "department_not_in_entity",
				Fields: map[string]string{"department_id": "department_not_in_entity"}}
		}
		return err
	}
	if d.EntityID != entityID {
		return &jihat.Error{Code: jihat.EINVALID, Key: "department_not_in_entity",
			Fields: map[string]string{"department_id": "department_not_in_entity"}}
	}
	return nil
}

// mustExist returns ENOTFOUND unless a row of model with id exists.
func mustExist(tx *gorm.DB, model any, id string) error {
	var n int64
	if err := tx.Model(model).Where("id = ?", id).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return jihat.Errorf(jihat.ENOTFOUND, "not_found")
	}
	return nil
}
