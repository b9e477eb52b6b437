package server

import (
	"slices"

	"github.com/jihat/jihat/notify"
	"github.com/jihat/jihat/store"
)

// channelsFor returns the channels of kind for a person with prefs, in a
// fixed order.
func channelsFor(kind string, prefs []store.NotificationPref) []string {
	k, _ := notify.LookupKind(kind)
	if k.Fixed {
		return k.Defaults
	}
	var out []string
	for _, ch := range notify.Channels {
		on := slices.Contains(k.Defaults, ch)
		for _, p := range prefs {
			if p.Kind == kind && p.Channel == ch {
				on = p.Enabled
			}
		}
		if on {
			out = append(out, ch)
		}
	}
	return out
}
