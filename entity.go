package jihat

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Sector is the kind of entity.
type Sector string

// Sectors.
const (
	SectorGovernment Sector = "government"
	SectorPrivate    Sector = "private"
	SectorNonprofit  Sector = "nonprofit"
)

// Valid reports whether s is a known sector.
func (s Sector) Valid() bool {
	return s == SectorGovernment || s == SectorPrivate || s == SectorNonprofit
}

// Entity is a body that serves people: a ministry, a company, a charity.
type Entity struct {
	ID         string
	NameAR     string
	NameEN     string
	Sector     Sector
	AssignRule string           // how new cases are distributed; see assign.go
	Calendar   CalendarConfig   // working days, hours and holidays for SLA deadlines
	Escalation EscalationConfig // the objection ladder and its cap
	CreatedAt  time.Time
}

// WorkingCalendar returns the entity's calendar, or the default one when its
// configuration does not parse (it was validated when saved).
func (e *Entity) WorkingCalendar() Calendar {
	if c, err := e.Calendar.Calendar(); err == nil {
		return c
	}
	return DefaultCalendar()
}

// Department is a unit of an entity that owns case types.
type Department struct {
	ID       string
	EntityID string
	NameAR   string
	NameEN   string
}

// SLAHours is the time, in working hours, an entity allows per priority.
type SLAHours struct {
	Normal        int
	Important     int
	VeryImportant int
}

// CaseType is a kind of request an entity handles, owned by a department.
type CaseType struct {
	ID           string
	EntityID     string
	DepartmentID string
	NameAR       string
	NameEN       string
	SLA          SLAHours
}

// MaxSLAHours is the longest SLA a case type may set (a year of hours).
const MaxSLAHours = 8760

// ValidateNames checks a pair of Arabic and English names (1..200 characters
// each after trimming) and adds failures to fields.
func ValidateNames(fields map[string]string, ar, en string) {
	for k, v := range map[string]string{"name_ar": ar, "name_en": en} {
		v = strings.TrimSpace(v)
		switch {
		case v == "":
			fields[k] = "required"
		case utf8.RuneCountInString(v) > 200:
			fields[k] = "too_long"
		}
	}
}

// Validate checks SLA hours and adds failures to fields under "sla_hours.*".
func (s SLAHours) Validate(fields map[string]string) {
	for k, v := range map[string]int{"normal": s.Normal, "important": s.Important, "very_important": s.VeryImportant} {
		if v < 1 || v > MaxSLAHours {
			fields["sla_hours."+k] = "invalid_sla"
		}
	}
}
