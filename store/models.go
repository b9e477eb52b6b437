package store

import "time"

// GORM models. They stay inside this package; repositories map them to the
// domain types of package jihat.

type userRow struct {
	ID            string  `gorm:"primaryKey;size:36"`
	Name          string  `gorm:"size:200;not null"`
	NationalIDEnc string  `gorm:"column:national_id_enc"`
	NationalIDIdx *string `gorm:"column:national_id_idx;size:64;uniqueIndex"`
	Email         *string `gorm:"size:254;uniqueIndex"`
	MobileEnc     string  `gorm:"column:mobile_enc"`
	MobileIdx     *string `gorm:"column:mobile_idx;size:64;uniqueIndex"`
	// When the address was verified (a code, or the creator vouched); nil:
	// not verified, so nothing but a code is sent to it.
	EmailVerifiedAt  *time.Time
	MobileVerifiedAt *time.Time
	PassHash         string  `gorm:"not null"`
	Role             string  `gorm:"size:32;not null;index"`
	EntityID         *string `gorm:"size:36;index"`
	DepartmentID     *string `gorm:"size:36;index"`
	Grants           string  `gorm:"not null;default:''"`
	Revokes          string  `gorm:"not null;default:''"`
	Lang             string  `gorm:"size:8;not null;default:'ar'"`
	Active           bool    `gorm:"not null"`
	MustChangePass   bool    `gorm:"not null"`
	Capacity         int     `gorm:"not null;default:0"`
	OpenCases        int     `gorm:"not null;default:0"` // cases assigned and not yet resolved
	LastAssignedAt   *time.Time
	LastSeenAt       *time.Time
	CreatedAt        time.Time `gorm:"not null"`
	UpdatedAt        time.Time `gorm:"not null"`
}

func (userRow) TableName() string { return "users" }

type sessionRow struct {
	ID        string    `gorm:"primaryKey;size:36"`
	UserID    string    `gorm:"size:36;not null;index"`
	TokenHash string    `gorm:"size:64;not null;uniqueIndex"`
	IP        string    `gorm:"size:64"`
	UserAgent string    `gorm:"size:512"`
	CreatedAt time.Time `gorm:"not null"`
	ExpiresAt time.Time `gorm:"not null;index"`
	RevokedAt *time.Time
}

func (sessionRow) TableName() string { return "sessions" }

type entityRow struct {
	ID         string    `gorm:"primaryKey;size:36"`
	NameAR     string    `gorm:"column:name_ar;size:200;not null"`
	NameEN     string    `gorm:"column:name_en;size:200;not null"`
	Sector     string    `gorm:"size:16;not null"`
	AssignRule string    `gorm:"size:16;not null;default:'round_robin'"`
	Calendar   string    `gorm:"not null;default:''"` // JSON working calendar; "" = default
	Escalation string    `gorm:"not null;default:''"` // JSON jihat.EscalationConfig; "" = default (migration 20)
	Demo       bool      `gorm:"not null;default:false"`
	CreatedAt  time.Time `gorm:"not null"`
}

func (entityRow) TableName() string { return "entities" }

type departmentRow struct {
	ID        string    `gorm:"primaryKey;size:36"`
	EntityID  string    `gorm:"size:36;not null;index"`
	NameAR    string    `gorm:"column:name_ar;size:200;not null"`
	NameEN    string    `gorm:"column:name_en;size:200;not null"`
	CreatedAt time.Time `gorm:"not null"`
}

func (departmentRow) TableName() string { return "departments" }

type caseTypeRow struct {
	ID               string    `gorm:"primaryKey;size:36"`
	EntityID         string    `gorm:"size:36;not null;index"`
	DepartmentID     string    `gorm:"size:36;not null;index"`
	NameAR           string    `gorm:"column:name_ar;size:200;not null"`
	NameEN           string    `gorm:"column:name_en;size:200;not null"`
	SLANormal        int       `gorm:"column:sla_normal;not null"`
	SLAImportant     int       `gorm:"column:sla_important;not null"`
	SLAVeryImportant int       `gorm:"column:sla_very_important;not null"`
	CreatedAt        time.Time `gorm:"not null"`
}

func (caseTypeRow) TableName() string { return "case_types" }

type auditRow struct {
	Seq       int64     `gorm:"primaryKey;autoIncrement:false"`
	ActorID   string    `gorm:"size:36"`
	Action    string    `gorm:"size:64;not null;index"`
	Target    string    `gorm:"size:128;index"`
	IP        string    `gorm:"size:64"`
	UserAgent string    `gorm:"size:512"`
	Details   string    `gorm:"not null;default:'{}'"`
	At        time.Time `gorm:"not null;index"`
	PrevHash  string    `gorm:"size:64;not null"`
	Hash      string    `gorm:"size:64;not null"`
}

func (auditRow) TableName() string { return "audit_log" }

// auditPendingRow is an audit entry committed but not yet linked into the
// chain (audit.go).
type auditPendingRow struct {
	ID        int64     `gorm:"primaryKey;autoIncrement"`
	ActorID   string    `gorm:"size:36"`
	Action    string    `gorm:"size:64;not null"`
	Target    string    `gorm:"size:128"`
	IP        string    `gorm:"size:64"`
	UserAgent string    `gorm:"size:512"`
	Details   string    `gorm:"not null;default:'{}'"`
	At        time.Time `gorm:"not null"`
}

func (auditPendingRow) TableName() string { return "audit_pending" }

type migrationRow struct {
	Version   int       `gorm:"primaryKey;autoIncrement:false"`
	Name      string    `gorm:"size:200;not null"`
	AppliedAt time.Time `gorm:"not null"`
}

func (migrationRow) TableName() string { return "schema_migrations" }
