package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jihat/jihat/client"
)

// attendee is one member in the room.
type attendee struct {
	id      string
	email   string
	rebuild bool // keeps who voted what from the frames' changes (-rebuild)
	c       *client.Client
	live    *client.Live

	mu    sync.Mutex
	state client.MotionState
	marks []mark // when each newer tally version arrived
	snap  chan struct{}
	once  sync.Once
	open  chan struct{} // closed once a tally of the open storm motion arrived
	oonce sync.Once
}

type mark struct {
	at      time.Time
	version int64
}

// consume reads a member's Live: tallies of the storm's motion by the
// SDK's rule, a snapshot resets it, a gap is read again whole.
func (a *attendee) consume(ch string, motionID *atomic.Value, refetches *atomic.Int64) {
	for m := range a.live.Events() {
		switch m := m.(type) {
		case *client.Snapshot:
			if m.Channel != ch {
				continue
			}
			st, err := m.Meeting()
			if err == nil {
				a.mu.Lock()
				for _, mo := range st.Motions {
					if mo.ID == motionID.Load().(string) {
						if mo.Status == "open" {
							a.oonce.Do(func() { close(a.open) })
						}
						a.state.Reset(mo)
						a.marks = append(a.marks, mark{time.Now(), mo.Tally.Version})
					}
				}
				a.mu.Unlock()
			}
			a.once.Do(func() { close(a.snap) })
		case *client.Event:
			if m.Channel != ch || m.Seq != 0 {
				continue
			}
			if !a.rebuild {
				if a.counts(m, motionID.Load().(string)) {
					a.oonce.Do(func() { close(a.open) })
				}
				continue
			}
			f, err := client.DecodeMeetingEvent(m)
			tf, ok := f.(*client.TallyFrame)
			if err != nil || !ok || tf.ID != motionID.Load().(string) {
				continue
			}
			if tf.Status == "open" {
				a.oonce.Do(func() { close(a.open) })
			}
			a.mu.Lock()
			took, err := a.state.Apply(tf)
			if took {
				a.marks = append(a.marks, mark{time.Now(), tf.Tally.Version})
			}
			a.mu.Unlock()
			if errors.Is(err, client.ErrTallyGap) {
				refetches.Add(1)
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				mo, err := a.c.Motion(ctx, tf.ID)
				cancel()
				if err == nil {
					a.mu.Lock()
					if mo.Tally.Version >= a.state.Tally.Version {
						a.state.Reset(*mo)
					}
					a.mu.Unlock()
				}
			}
		}
	}
}

// counts takes only the counts and status of a tally frame (a member that
// does not rebuild who voted what: -rebuild); it reports whether the frame
// was a tally of the open motion.
func (a *attendee) counts(e *client.Event, motionID string) (open bool) {
	f, ok := tallyHead(e.Data)
	if !ok || f.Type != "tally" || f.ID != motionID {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	v, held := f.Tally.Version, a.state.Tally.Version
	if v < held || v == held && (a.state.Status == "closed" || f.Status != "closed") {
		return f.Status == "open"
	}
	a.state.ID, a.state.Status, a.state.Tally = f.ID, f.Status, f.Tally
	a.marks = append(a.marks, mark{time.Now(), v})
	return f.Status == "open"
}

// frameHead is what a member that does not rebuild reads of a frame.
type frameHead struct {
	Type, ID, Status string
	Tally            client.Tally
}

// tallyHead reads the type, id, status and tally of a frame's data and
// stops there: the changes of a tally frame come after them, and this one
// process stands in for a thousand devices, each decoding its own copy.
func tallyHead(data []byte) (f frameHead, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return f, false
	}
	for have := 0; have < 4 && dec.More(); {
		t, err := dec.Token()
		if err != nil {
			return f, false
		}
		var dst any
		switch t {
		case "type":
			dst = &f.Type
		case "id":
			dst = &f.ID
		case "status":
			dst = &f.Status
		case "tally":
			dst = &f.Tally
		default:
			dst = &json.RawMessage{}
			have--
		}
		if err := dec.Decode(dst); err != nil {
			return f, false
		}
		have++
	}
	return f, true
}

// seen waits until the member held a tally of version v or newer and
// returns when it first did.
func (a *attendee) seen(ctx context.Context, v int64) (time.Time, error) {
	deadline := time.Now().Add(60 * time.Second)
	for {
		a.mu.Lock()
		for _, m := range a.marks {
			if m.version >= v {
				a.mu.Unlock()
				return m.at, nil
			}
		}
		a.mu.Unlock()
		if time.Now().After(deadline) || ctx.Err() != nil {
			return time.Time{}, fmt.Errorf("never held tally version %d", v)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (a *attendee) current() client.MotionState {
	a.mu.Lock()
	defer a.mu.Unlock()
	st := a.state
	st.Votes = maps.Clone(st.Votes)
	return st
}

// timeAll runs f(0..n-1) at once (spread > 0: each at a random moment
