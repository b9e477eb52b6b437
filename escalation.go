package jihat

// EscalationConfig is an entity's objection ladder, set by its admin with
// PATCH /api/v1/entities/{id} {"escalation": {...}}. An objection to a
// resolution moves the case one level up the ladder:
//
//	employee → supervisor → entity admin → head (when set) → oversight (unless off)
//
// A level nobody can take (no active holder) is skipped. The resolution
// given at the last level that can take the case, or once the requester has
// made MaxObjections objections, is final: the requester is told so and may
// not object again.
type EscalationConfig struct {
	// HeadUserID is the entity's head (its minister, director general,
	// chief executive): an active member of the entity's staff who handles
	// cases, and takes objections after the entity admin. "" leaves the
	// level out.
	HeadUserID string `json:"head_user_id,omitempty"`
	// Oversight puts the oversight body last on the ladder; nil means on.
	Oversight *bool `json:"oversight,omitempty"`
	// MaxObjections caps the objections per case, 1..MaxObjectionsCap; 0
	// means one per level above the employee (at most 4).
	MaxObjections int `json:"max_objections,omitempty"`
}

// MaxObjectionsCap bounds EscalationConfig.MaxObjections.
const MaxObjectionsCap = 10

// Validate checks the numbers (the head is checked against the entity's
// staff by the service).
func (c EscalationConfig) Validate() error {
	if c.MaxObjections < 0 || c.MaxObjections > MaxObjectionsCap {
		return invalidField("escalation.max_objections", "invalid_value")
	}
	return nil
}

// OversightOn reports whether the oversight body is on the ladder.
func (c EscalationConfig) OversightOn() bool { return c.Oversight == nil || *c.Oversight }

// Limit returns the most objections a requester may make on one case.
func (c EscalationConfig) Limit() int {
	if c.MaxObjections > 0 {
		return c.MaxObjections
	}
	return len(c.Ladder()) - 1
}

// Ladder returns the entity's levels, lowest first.
func (c EscalationConfig) Ladder() []EscalationLevel {
	out := []EscalationLevel{EscalationEmployee, EscalationSupervisor, EscalationEntityAdmin}
	if c.HeadUserID != "" {
		out = append(out, EscalationHead)
	}
	if c.OversightOn() {
		out = append(out, EscalationOversight)
	}
	return out
}

// Above returns the levels of the ladder above l, nearest first.
func (c EscalationConfig) Above(l EscalationLevel) []EscalationLevel {
	var out []EscalationLevel
	for _, x := range c.Ladder() {
		if x > l {
			out = append(out, x)
		}
	}
	return out
}
