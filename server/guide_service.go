package server

import (
	"context"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// The service guide's rules (issue 19): who may edit, what the public sees.

// CreateService adds a draft service to entity entityID.
func (s *Server) CreateService(ctx context.Context, u *jihat.User, a jihat.AuditEntry, entityID string, c jihat.ServiceContent) (*jihat.Service, error) {
	if !u.CanEditServices(entityID) {
		return nil, jihat.Errorf(jihat.EFORBIDDEN, "forbidden")
	}
	if _, err := s.store.Entity(ctx, entityID); err != nil {
		return nil, err
	}
	if err := s.checkServiceContent(ctx, entityID, &c); err != nil {
		return nil, err
	}
	sv := &jihat.Service{EntityID: entityID, Draft: c}
	if err := s.store.CreateService(ctx, sv, a); err != nil {
		return nil, err
	}
	return sv, nil
}

// checkServiceContent validates c and that its case type is the entity's.
func (s *Server) checkServiceContent(ctx context.Context, entityID string, c *jihat.ServiceContent) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if c.CaseTypeID != "" {
		ct, err := s.store.CaseType(ctx, c.CaseTypeID)
		if err != nil || ct.EntityID != entityID {
			return jihat.Invalid(map[string]string{"case_type_id": "case_type_not_in_entity"})
		}
	}
	return nil
}

// editableService loads service id for an editor; ENOTFOUND for anyone
// else when it was never published (a draft is not disclosed), EFORBIDDEN
// when it was.
func (s *Server) editableService(ctx context.Context, u *jihat.User, id string) (*jihat.Service, error) {
	sv, err := s.store.Service(ctx, id)
	if err != nil {
		return nil, err
	}
	if !u.CanEditServices(sv.EntityID) {
		if sv.Published == nil {
			return nil, hidden()
		}
		return nil, jihat.Errorf(jihat.EFORBIDDEN, "forbidden")
	}
	return sv, nil
}

// UpdateService changes the draft of service id with patch (the published
// version stays as it is until the next publish).
func (s *Server) UpdateService(ctx context.Context, u *jihat.User, a jihat.AuditEntry, id string, patch func(*jihat.ServiceContent)) (*jihat.Service, error) {
	sv, err := s.editableService(ctx, u, id)
	if err != nil {
		return nil, err
	}
	// Checked on the current draft before the write (the case type is
	// read outside the transaction); the patch only sets the fields it
	// carries, so applying it again in the transaction gives the same.
	try := sv.Draft
	patch(&try)
	if err := s.checkServiceContent(ctx, sv.EntityID, &try); err != nil {
		return nil, err
	}
	return s.store.UpdateService(ctx, id, a, func(sv *jihat.Service) error {
		patch(&sv.Draft)
		return sv.Draft.Validate()
	})
}

// PublishService publishes the draft of service id as its next version.
func (s *Server) PublishService(ctx context.Context, u *jihat.User, a jihat.AuditEntry, id string) (*jihat.Service, error) {
	if _, err := s.editableService(ctx, u, id); err != nil {
		return nil, err
	}
	return s.store.PublishService(ctx, id, u.ID, a)
}

// PublicService returns what the public reads of service id: its published
// version; ENOTFOUND when it was never published.
func (s *Server) PublicService(ctx context.Context, id string) (*jihat.Service, error) {
	sv, err := s.store.Service(ctx, id)
	if err != nil {
		return nil, err
	}
	if sv.Published == nil {
		return nil, hidden()
	}
	return sv, nil
}

// ServiceVersions returns the published versions of service id (editors).
func (s *Server) ServiceVersions(ctx context.Context, u *jihat.User, id string) ([]jihat.ServiceVersion, error) {
	if _, err := s.editableService(ctx, u, id); err != nil {
		return nil, err
	}
	return s.store.ServiceVersions(ctx, id)
}

// ListServices returns a page of the guide; drafts only for the editors
// of q.EntityID.
func (s *Server) ListServices(ctx context.Context, u *jihat.User, q store.ServiceQuery) ([]*jihat.Service, string, error) {
	if q.WithDrafts && (u == nil || q.EntityID == "" || !u.CanEditServices(q.EntityID)) {
		q.WithDrafts = false
	}
	return s.store.ListServices(ctx, q)
}

// ServiceStats returns the services that generate the most cases: every
// entity's for oversight and platform admins, their own for entity admins.
func (s *Server) ServiceStats(ctx context.Context, u *jihat.User, entityID string, from, to time.Time) ([]store.ServiceCaseCount, error) {
	switch {
	case u.IsPlatformAdmin() || u.Can(jihat.PermOversight):
	case entityID != "" && u.CanManageEntity(entityID):
	default:
		return nil, jihat.Errorf(jihat.EFORBIDDEN, "forbidden")
	}
	return s.store.ServiceCaseCounts(ctx, entityID, from, to, 50)
}

// caseService checks the service a new case is about: published, and of
// the case's entity; it fills the case type from the service when the
// request has none.
func (s *Server) caseService(ctx context.Context, in *jihat.NewCaseInput) error {
	if in.ServiceID == "" {
		return nil
	}
	if !jihat.IsCanonicalUUID(in.ServiceID) {
		return jihat.Invalid(map[string]string{"service_id": "invalid_id"})
	}
	sv, err := s.store.Service(ctx, in.ServiceID)
	if err != nil || sv.Published == nil {
		return jihat.Invalid(map[string]string{"service_id": "guide_service_not_found"})
	}
	if sv.EntityID != in.EntityID {
		return jihat.Invalid(map[string]string{"service_id": "guide_service_not_entity"})
	}
	if in.CaseTypeID == "" {
		in.CaseTypeID = sv.Published.CaseTypeID
	}
	return nil
}
