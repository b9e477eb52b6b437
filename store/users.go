package store

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/jihat/jihat"
)

// CreateUser inserts u with its password hash and the audit entry a, in one
// transaction. A staff account's entity must exist and its department belong
// to that entity. A national ID, e-mail or mobile already registered is
// ECONFLICT ("identifier_taken") and nothing is written. notices are queued
// in the same transaction (a notice without a recipient goes to the new user).
func (s *Store) CreateUser(ctx context.Context, u *jihat.User, passHash string, a jihat.AuditEntry, notices ...Notice) error {
	row, err := s.userRow(u)
	if err != nil {
		return err
	}
	row.ID = newID()
	row.PassHash = passHash
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if u.EntityID != "" {
			if err := mustExist(tx, &entityRow{}, u.EntityID); err != nil {
				return err
			}
		}
		if u.DepartmentID != "" {
			if err := departmentInEntity(tx, u.DepartmentID, u.EntityID); err != nil {
				return err
			}
		}
		if err := tx.Create(row).Error; err != nil {
			return err
		}
		for _, n := range notices {
			if n.RecipientID == "" {
				n.RecipientID = row.ID
			}
			if err := s.enqueueNotice(tx, n, row.CreatedAt); err != nil {
				return err
			}
		}
		a.Target = "user:" + row.ID
		if a.ActorID == "" {
			a.ActorID = row.ID
		}
		return s.appendAudit(tx, a)
	})
	if isDuplicate(err) {
		return jihat.Errorf(jihat.ECONFLICT, "identifier_taken")
	}
	if err != nil {
		return err
	}
	u.ID, u.CreatedAt, u.UpdatedAt = row.ID, row.CreatedAt, row.UpdatedAt
	return nil
}

// userRow maps a domain user to its row, encrypting personal data.
func (s *Store) userRow(u *jihat.User) (*userRow, error) {
	nid, err := s.crypt.seal("national_id", u.NationalID)
	if err != nil {
		return nil, err
	}
	mob, err := s.crypt.seal("mobile", u.Mobile)
	if err != nil {
		return nil, err
	}
	lang := u.Lang
	if lang == "" {
		lang = jihat.LangAR
	}
	var emailAt, mobileAt *time.Time
	if now := s.now().UTC(); u.EmailVerified && u.Email != "" {
		emailAt = &now
	}
	if now := s.now().UTC(); u.MobileVerified && u.Mobile != "" {
		mobileAt = &now
	}
	return &userRow{
		EmailVerifiedAt: emailAt, MobileVerifiedAt: mobileAt,
		ID: u.ID, Name: u.Name,
		NationalIDEnc: nid, NationalIDIdx: s.crypt.index("national_id", u.NationalID),
		Email:     ptr(u.Email),
		MobileEnc: mob, MobileIdx: s.crypt.index("mobile", u.Mobile),
		Role: string(u.Role), EntityID: ptr(u.EntityID), DepartmentID: ptr(u.DepartmentID),
		Grants: joinPerms(u.Grants), Revokes: joinPerms(u.Revokes), Lang: string(lang),
		Active: u.Active, MustChangePass: u.MustChangePass, Capacity: u.Capacity,
	}, nil
}

// user maps a row to the domain user, decrypting personal data.
func (s *Store) user(r *userRow) (*jihat.User, error) {
	nid, err := s.crypt.open("national_id", r.NationalIDEnc)
	if err != nil {
		return nil, err
	}
	mob, err := s.crypt.open("mobile", r.MobileEnc)
	if err != nil {
		return nil, err
	}
	return &jihat.User{
		ID: r.ID, Name: r.Name, NationalID: nid, Email: deref(r.Email), Mobile: mob,
		Role: jihat.Role(r.Role), EntityID: deref(r.EntityID), DepartmentID: deref(r.DepartmentID),
		Grants: splitPerms(r.Grants), Revokes: splitPerms(r.Revokes), Lang: jihat.Lang(r.Lang),
		Active: r.Active, MustChangePass: r.MustChangePass, Capacity: r.Capacity,
		EmailVerified: r.EmailVerifiedAt != nil, MobileVerified: r.MobileVerifiedAt != nil,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}, nil
}

func joinPerms(ps []jihat.Permission) string {
	ss := make([]string, len(ps))
	for i, p := range ps {
		ss[i] = string(p)
	}
	return strings.Join(ss, ",")
}

func splitPerms(s string) []jihat.Permission {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	out := make([]jihat.Permission, len(parts))
	for i, p := range parts {
		out[i] = jihat.Permission(p)
	}
	return out
}

// UserByID returns the user with id, or ENOTFOUND.
func (s *Store) UserByID(ctx context.Context, id string) (*jihat.User, error) {
	u, _, err := s.userWhere(ctx, "id = ?", id)
	return u, err
}

// UserByLogin finds a user by a normalised identifier of the given kind
// (jihat.IdentNationalID, IdentEmail, IdentMobile) and returns it with its
// password hash. ENOTFOUND when nobody has it.
func (s *Store) UserByLogin(ctx context.Context, kind, value string) (*jihat.User, string, error) {
	switch kind {
	case jihat.IdentEmail:
		return s.userWhere(ctx, "email = ?", value)
	case jihat.IdentNationalID:
		return s.userWhere(ctx, "national_id_idx = ?", *s.crypt.index("national_id", value))
	case jihat.IdentMobile:
		return s.userWhere(ctx, "mobile_idx = ?", *s.crypt.index("mobile", value))
	}
	return nil, "", jihat.Errorf(jihat.ENOTFOUND, "not_found")
}

func (s *Store) userWhere(ctx context.Context, cond string, arg any) (*jihat.User, string, error) {
	var r userRow
	if err := s.rdb.WithContext(ctx).Where(cond, arg).Take(&r).Error; err != nil {
		return nil, "", notFound(err)
	}
	u, err := s.user(&r)
	return u, r.PassHash, err
}

// UserExists reports whether any user holds role (used at bootstrap).
func (s *Store) UserExists(ctx context.Context, role jihat.Role) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&userRow{}).Where("role = ?", string(role)).Limit(1).Count(&n).Error
	return n > 0, err
}

// UpdateProfile changes the fields a user may change on themselves: name and
// language. Role, entity and permissions are never touched here.
func (s *Store) UpdateProfile(ctx context.Context, id, name string, lang jihat.Lang, a jihat.AuditEntry) (*jihat.User, error) {
	return s.updateUser(ctx, id, map[string]any{"name": name, "lang": string(lang)}, a)
}

// SetPermissions stores a user's grants and revocations.
func (s *Store) SetPermissions(ctx context.Context, id string, grants, revokes []jihat.Permission, a jihat.AuditEntry) (*jihat.User, error) {
	return s.updateUser(ctx, id, map[string]any{"grants": joinPerms(grants), "revokes": joinPerms(revokes)}, a)
}

// updateUser applies updates to user id with its audit entry, in one
// transaction, and returns the user as saved.
func (s *Store) updateUser(ctx context.Context, id string, updates map[string]any, a jihat.AuditEntry) (*jihat.User, error) {
	updates["updated_at"] = s.now().UTC()
	err := s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&userRow{}).Where("id = ?", id).Updates(updates)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return jihat.Errorf(jihat.ENOTFOUND, "not_found")
		}
		a.Target = "user:" + id
		return s.appendAudit(tx, a)
	})
	if err != nil {
		return nil, err
	}
	return s.UserByID(ctx, id)
}

// SetPassword replaces a user's password hash, clears the must-change flag
// when mustChange is false, and revokes every other session of the user
// except keepSession.
func (s *Store) SetPassword(ctx context.Context, id, passHash string, mustChange bool, keepSession string, a jihat.AuditEntry) error {
	_, err := s.ChangePassword(ctx, id, passHash, mustChange, keepSession, a)
	return err
}

// ChangePassword is SetPassword that also returns the IDs of the sessions it
// revoked, so that their sockets can be closed.
func (s *Store) ChangePassword(ctx context.Context, id, passHash string, mustChange bool, keepSession string, a jihat.AuditEntry) ([]string, error) {
	var revoked []string
	err := s.tx(ctx, func(tx *gorm.DB) error {
		now := s.now().UTC()
		res := tx.Model(&userRow{}).Where("id = ?", id).Updates(map[string]any{
			"pass_hash": passHash, "must_change_pass": mustChange, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return jihat.Errorf(jihat.ENOTFOUND, "not_found")
		}
		if err := tx.Model(&sessionRow{}).Where("user_id = ? AND id <> ? AND revoked_at IS NULL", id, keepSession).
			Pluck("id", &revoked).Error; err != nil {
			return err
		}
		if len(revoked) > 0 {
			if err := tx.Model(&sessionRow{}).Where("id IN ?", revoked).Update("revoked_at", now).Error; err != nil {
				return err
			}
		}
		a.Target = "user:" + id
		return s.appendAudit(tx, a)
	})
	if err != nil {
		return nil, err
	}
	return revoked, nil
}

// SetActive enables or disables an account; disabling revokes its sessions.
func (s *Store) SetActive(ctx context.Context, id string, active bool, a jihat.AuditEntry) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		now := s.now().UTC()
		res := tx.Model(&userRow{}).Where("id = ?", id).Updates(map[string]any{"active": active, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return jihat.Errorf(jihat.ENOTFOUND, "not_found")
		}
		if !active {
			if err := tx.Model(&sessionRow{}).Where("user_id = ? AND revoked_at IS NULL", id).
				Update("revoked_at", now).Error; err != nil {
				return err
			}
		}
		a.Target = "user:" + id
		return s.appendAudit(tx, a)
	})
}

// TouchUser records that the user was seen now (used for "online recently").
func (s *Store) TouchUser(ctx context.Context, id string, at time.Time) error {
	return s.db.WithContext(ctx).Model(&userRow{}).Where("id = ?", id).Update("last_seen_at", at.UTC()).Error
}

// ListEmployees returns the staff of an entity, ordered by name.
func (s *Store) ListEmployees(ctx context.Context, entityID string) ([]*jihat.User, error) {
	var rows []userRow
	if err := s.db.WithContext(ctx).Where("entity_id = ?", entityID).Order("name, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	return s.users(rows)
}

// users maps rows to domain users.
func (s *Store) users(rows []userRow) ([]*jihat.User, error) {
	out := make([]*jihat.User, 0, len(rows))
	for i := range rows {
		u, err := s.user(&rows[i])
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// PasswordHash returns the stored password hash of user id.
func (s *Store) PasswordHash(ctx context.Context, id string) (string, error) {
	var r userRow
	if err := s.db.WithContext(ctx).Select("pass_hash").Where("id = ?", id).Take(&r).Error; err != nil {
		return "", notFound(err)
	}
	return r.PassHash, nil
}
