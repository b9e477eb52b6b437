package jihat_test

import (
	"slices"
	"testing"

	"github.com/jihat/jihat"
)

func TestEscalationConfig(t *testing.T) {
	off := false
	tests := []struct {
		name  string
		cfg   jihat.EscalationConfig
		want  []jihat.EscalationLevel
		limit int
	}{
		{"default", jihat.EscalationConfig{}, []jihat.EscalationLevel{0, 1, 2, 4}, 3},
		{"head", jihat.EscalationConfig{HeadUserID: "h"}, []jihat.EscalationLevel{0, 1, 2, 3, 4}, 4},
		{"no oversight", jihat.EscalationConfig{Oversight: &off}, []jihat.EscalationLevel{0, 1, 2}, 2},
		{"capped", jihat.EscalationConfig{HeadUserID: "h", MaxObjections: 1}, []jihat.EscalationLevel{0, 1, 2, 3, 4}, 1},
	}
	for _, tt := range tests {
		if got := tt.cfg.Ladder(); !slices.Equal(got, tt.want) {
			t.Errorf("%s: ladder %v, want %v", tt.name, got, tt.want)
		}
		if got := tt.cfg.Limit(); got != tt.limit {
			t.Errorf("%s: limit %d, want %d", tt.name, got, tt.limit)
		}
	}
	if got := (jihat.EscalationConfig{}).Above(jihat.EscalationEntityAdmin); !slices.Equal(got, []jihat.EscalationLevel{jihat.EscalationOversight}) {
		t.Errorf("above the entity admin by default: %v", got)
	}
	for _, n := range []int{-1, jihat.MaxObjectionsCap + 1} {
		if err := (jihat.EscalationConfig{MaxObjections: n}).Validate(); jihat.ErrorCode(err) != jihat.EINVALID {
			t.Errorf("max_objections %d: %v", n, err)
		}
	}
}
