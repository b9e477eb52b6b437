package store

import (
	"context"
	"crypto/subtle"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/jihat/jihat"
)

// contactCodeRow is the one live verification code of a user's contact: a
// keyed hash (never the code), bound to the address it was sent to, so a
// code sent before the address changed verifies nothing.
type contactCodeRow struct {
	UserID    string    `gorm:"primaryKey;size:36"`
	Channel   string    `gorm:"primaryKey;size:16"`
	Hash      string    `gorm:"size:64;not null"`
	Attempts  int       `gorm:"not null;default:0"`
	ExpiresAt time.Time `gorm:"not null"`
	CreatedAt time.Time `gorm:"not null"`
}

func (contactCodeRow) TableName() string { return "contact_codes" }

// contactVerification is migration 11. Accounts that existed before it:
// staff, oversight, board and platform accounts were created by an admin (or
// the bootstrap), who vouched for their addresses, as was the labelled demo
// (its creation is audited as demo.user): their addresses count as
// verified. A citizen registered themself, with addresses nobody proved:
// theirs are not, so they hear in the app until they verify.
func (s *Store) contactVerification(tx *gorm.DB) error {
	if err := tx.AutoMigrate(&userRow{}, &contactCodeRow{}); err != nil {
		return err
	}
	vouched := `(role <> ? OR id IN (SELECT substr(target, 6) FROM audit_log WHERE action = 'demo.user' AND target LIKE 'user:%'))`
	if err := tx.Exec(`UPDATE users SET email_verified_at = created_at WHERE email IS NOT NULL AND `+vouched,
		string(jihat.RoleCitizen)).Error; err != nil {
		return err
	}
	return tx.Exec(`UPDATE users SET mobile_verified_at = created_at WHERE mobile_idx IS NOT NULL AND `+vouched,
		string(jihat.RoleCitizen)).Error
}

// contactHash is the stored form of code for user id's address on channel.
func (s *Store) contactHash(userID, channel, address, code string) string {
	return *s.crypt.index("contact_code", userID+"\x00"+channel+"\x00"+address+"\x00"+code)
}

// contactOf reads user id's address on channel and whether it is verified,
// in tx (locked on PostgreSQL, so a code and a change of address do not
// cross).
func (s *Store) contactOf(tx *gorm.DB, id, channel string) (address string, verified bool, err error) {
	var r userRow
	q := tx.Where("id = ?", id)
	if s.postgre {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := q.Take(&r).Error; err != nil {
		return "", false, notFound(err)
	}
	switch channel {
	case jihat.ContactEmail:
		return deref(r.Email), r.EmailVerifiedAt != nil, nil
	case jihat.ContactMobile:
		mob, err := s.crypt.open("mobile", r.MobileEnc)
		return mob, r.MobileVerifiedAt != nil, err
	}
	return "", false, jihat.Invalid(map[string]string{"channel": "invalid_value"})
}

// IssueContactCode stores code as the live verification code of user id's
// address on channel (replacing any earlier one, with fresh tries) until
// expires, and queues n (the message carrying it) in the same transaction.
// An address that is missing is EINVALID contact_missing; one already
// verified is ECONFLICT contact_already_verified.
func (s *Store) IssueContactCode(ctx context.Context, id, channel, code string, expires time.Time, n Notice) error {
	now := s.now().UTC().Truncate(time.Microsecond)
	return s.tx(ctx, func(tx *gorm.DB) error {
		address, verified, err := s.contactOf(tx, id, channel)
		switch {
		case err != nil:
			return err
		case address == "":
			return &jihat.Error{Code: jihat.EINVALID, Key: "contact_missing", Fields: map[string]string{"channel": "contact_missing"}}
		case verified:
			return jihat.Errorf(jihat.ECONFLICT, "contact_already_verified")
		}
		if err := tx.Where("user_id = ? AND channel = ?", id, channel).Delete(&contactCodeRow{}).Error; err != nil {
			return err
		}
		if err := tx.Create(&contactCodeRow{UserID: id, Channel: channel, Hash: s.contactHash(id, channel, address, code),
			ExpiresAt: expires.UTC(), CreatedAt: now}).Error; err != nil {
			return err
		}
		n.RecipientID = id
		return s.enqueueNotice(tx, n, now)
	})
}

// VerifyContact checks code against the live code of user id's address on
// channel at now. Each guess uses one of maxTries (counted before the code
// is compared, so parallel guesses cannot exceed it); a right one marks the
// address verified (with audit entry a) and ends the code. Errors: EINVALID
// contact_code_invalid (wrong), contact_code_expired, contact_code_exhausted
// (out of tries), contact_code_missing (none asked for, or the address
// changed since); ECONFLICT contact_already_verified.
func (s *Store) VerifyContact(ctx context.Context, id, channel, code string, now time.Time, maxTries int, a jihat.AuditEntry) (*jihat.User, error) {
	now = now.UTC()
	var refusal error
	err := s.tx(ctx, func(tx *gorm.DB) error {
		address, verified, err := s.contactOf(tx, id, channel)
		if err != nil {
			return err
		}
		if verified {
			refusal = jihat.Errorf(jihat.ECONFLICT, "contact_already_verified")
			return nil
		}
		var row contactCodeRow
		if err := tx.Where("user_id = ? AND channel = ?", id, channel).Take(&row).Error; err != nil {
			if err == gorm.ErrRecordNotFound {
				refusal = codeRefusal("contact_code_missing")
				return nil
			}
			return err
		}
		if !now.Before(row.ExpiresAt) {
			refusal = codeRefusal("contact_code_expired")
			return nil
		}
		res := tx.Model(&contactCodeRow{}).Where("user_id = ? AND channel = ? AND attempts < ?", id, channel, maxTries).
			Update("attempts", gorm.Expr("attempts + 1"))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			refusal = codeRefusal("contact_code_exhausted")
			return nil
		}
		if subtle.ConstantTimeCompare([]byte(s.contactHash(id, channel, address, code)), []byte(row.Hash)) != 1 {
			refusal = codeRefusal("contact_code_invalid")
			return nil
		}
		if err := tx.Where("user_id = ? AND channel = ?", id, channel).Delete(&contactCodeRow{}).Error; err != nil {
			return err
		}
		if err := tx.Model(&userRow{}).Where("id = ?", id).
			Updates(map[string]any{channel + "_verified_at": now, "updated_at": now}).Error; err != nil {
			return err
		}
		a.Target = "user:" + id
		return s.appendAudit(tx, a)
	})
	if err == nil {
		err = refusal
	}
	if err != nil {
		return nil, err
	}
	return s.UserByID(ctx, id)
}

func codeRefusal(key string) error {
	return &jihat.Error{Code: jihat.EINVALID, Key: key, Fields: map[string]string{"code": key}}
}

// UpdateContacts changes user id's e-mail and mobile (nil: unchanged, "":
// removed). A changed address is not verified, and its live code ends. An
// address another account holds is ECONFLICT identifier_taken; an account
// left with no identifier at all is EINVALID identifier_required.
func (s *Store) UpdateContacts(ctx context.Context, id string, email, mobile *string, a jihat.AuditEntry) (*jihat.User, error) {
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var r userRow
		q := tx.Where("id = ?", id)
		if s.postgre {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		if err := q.Take(&r).Error; err != nil {
			return notFound(err)
		}
		cur, err := s.user(&r)
		if err != nil {
			return err
		}
		updates := map[string]any{}
		var ended []string
		if email != nil && *email != cur.Email {
			updates["email"], updates["email_verified_at"] = ptr(*email), nil
			ended, cur.Email = append(ended, jihat.ContactEmail), *email
		}
		if mobile != nil && *mobile != cur.Mobile {
			enc, err := s.crypt.seal("mobile", *mobile)
			if err != nil {
				return err
			}
			updates["mobile_enc"], updates["mobile_idx"], updates["mobile_verified_at"] = enc, s.crypt.index("mobile", *mobile), nil
			ended, cur.Mobile = append(ended, jihat.ContactMobile), *mobile
		}
		if len(updates) == 0 {
			return nil
		}
		if cur.Email == "" && cur.Mobile == "" && cur.NationalID == "" {
			return &jihat.Error{Code: jihat.EINVALID, Key: "identifier_required",
				Fields: map[string]string{"email": "identifier_required", "mobile": "identifier_required"}}
		}
		updates["updated_at"] = s.now().UTC()
		if err := tx.Model(&userRow{}).Where("id = ?", id).Updates(updates).Error; err != nil {
			return err
		}
		if err := tx.Where("user_id = ? AND channel IN ?", id, ended).Delete(&contactCodeRow{}).Error; err != nil {
			return err
		}
		a.Target = "user:" + id
		return s.appendAudit(tx, a)
	})
	if isDuplicate(err) {
		return nil, jihat.Errorf(jihat.ECONFLICT, "identifier_taken")
	}
	if err != nil {
		return nil, err
	}
	return s.UserByID(ctx, id)
}
