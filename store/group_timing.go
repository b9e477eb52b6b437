package store

import (
	"context"
	"log/slog"
	"time"
)

// Where a change waits, for the debug log. Each group logs, at debug level,
// its size and four times (real time): how long its changes waited in the
// queue for the group to begin (the longest and the shortest wait), the
// group's transaction, the wait between commit and its hooks (the previous
// group's hooks still running), and the hooks themselves (publishing). A
// change is answered after its group's hooks, so its time in the store is
// its wait + tx + hook wait + hooks. scripts/persist-bench.sh LOG_LEVEL=debug
// keeps the log; scripts/stage-times.awk prints percentiles per change.

// committedGroup is a committed group on its way to its hooks.
type committedGroup struct {
	changes          []*caseChange
	began, committed time.Time
}

// log writes cg's times at debug level; hooked is when its hooks began.
func (cg committedGroup) log(log *slog.Logger, hooked time.Time) {
	if !log.Enabled(context.Background(), slog.LevelDebug) {
		return
	}
	done := time.Now()
	var longest, shortest time.Duration
	for i, ch := range cg.changes {
		w := cg.began.Sub(ch.queued)
		if i == 0 || w > longest {
			longest = w
		}
		if i == 0 || w < shortest {
			shortest = w
		}
	}
	log.Debug("group commit", slog.Int("changes", len(cg.changes)),
		slog.Int64("wait_max_us", longest.Microseconds()), slog.Int64("wait_min_us", shortest.Microseconds()),
		slog.Int64("tx_us", cg.committed.Sub(cg.began).Microseconds()),
		slog.Int64("hook_wait_us", hooked.Sub(cg.committed).Microseconds()),
		slog.Int64("hooks_us", done.Sub(hooked).Microseconds()))
}
