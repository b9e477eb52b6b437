package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jihat/jihat/client"
)

// MeetingReport is what the meeting storm measured.
type MeetingReport struct {
	Mode       string       `json:"mode"` // "meeting"
	URLs       []string     `json:"urls"`
	Members    int          `json:"members"`
	Rebuilders int          `json:"rebuilders"` // members that rebuilt who voted what
	Setup      float64      `json:"setup_seconds"`
	Join       float64      `json:"join_seconds"`        // every member subscribed, snapshot read
	Settle     LatencyStats `json:"settle_ping_ms"`      // the room settled: ping → pong
	VoteSpread float64      `json:"vote_spread_seconds"` // each round's votes sent at random within it (0: at once)
	VoteAck    LatencyStats `json:"vote_ack_ms"`         // round 0: everyone
	// VoteAckByNode splits round 0 by the node the member is on (two
	// nodes: members alternate, even ones on -url).
	VoteAckByNode []LatencyStats `json:"vote_ack_by_node_ms,omitempty"`
	// VoteSent is when each vote of round 0 left (its Vote call began),
	// from the first one's leaving: how long this one process took to
	// send them all. VoteAcked is when each ack arrived, from the same
	// origin (its max: the whole storm).
	VoteSent  LatencyStats `json:"vote_sent_ms"`
	VoteAcked LatencyStats `json:"vote_acked_ms"`
	// VoteCPU is the CPU this process used over round 0 (the sending of
	// the first vote to the last ack), on the cores the nodes share.
	VoteCPU     float64      `json:"vote_cpu_ms"`
	Open        LatencyStats `json:"open_seen_ms"`  // the motion opened → each member holds its tally
	ChangeAck   LatencyStats `json:"change_ack_ms"` // round 1: a fifth at once
	ToAttendee  LatencyStats `json:"vote_to_attendee_ms"`
	ToEveryone  LatencyStats `json:"vote_to_every_attendee_ms"` // the slowest socket of each probe
	Tally       client.Tally `json:"closed_tally"`
	Stored      int          `json:"stored_votes"`
	Exact       bool         `json:"exact"` // closed tally, stored votes and every rebuilt state agree
	Retries     int64        `json:"retries"`
	Refetches   int64        `json:"refetches"` // tally gaps read again whole
	Reconnects  int64        `json:"reconnects"`
	Problems    []string     `json:"problems,omitempty"`
	StartedAt   string       `json:"started_at"`
	FinishedSec float64      `json:"seconds"`
}

// within spread) and returns the distribution of their times; errors go to
// fail (nil: ignored).
func timeAll(n int, f func(i int) error, spread time.Duration, fail func(error)) LatencyStats {
	h := newHistogram()
	var mu sync.Mutex
	var wg sync.WaitGroup
	begin := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-begin
			if spread > 0 {
				time.Sleep(rand.N(spread))
			}
			t := time.Now()
			err := f(i)
			d := time.Since(t)
			if err != nil && fail != nil {
				fail(err)
			}
			mu.Lock()
			h.record(d)
			mu.Unlock()
		}()
	}
	close(begin)
	wg.Wait()
	return h.stats()
}

// sinceFirst is the distribution of times from the earliest of origin.
func sinceFirst(times, origin []time.Time) LatencyStats {
	h := newHistogram()
	if len(origin) == 0 {
		return h.stats()
	}
	first := slices.MinFunc(origin, time.Time.Compare)
	for _, t := range times {
		h.record(t.Sub(first))
	}
	return h.stats()
}

func cmp(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

func differ(got, want map[string]string) int {
	n := 0
	for k, v := range want {
		if got[k] != v {
			n++
		}
	}
	return n
}

func (r *MeetingReport) print(w io.Writer) {
	p := func(label, format string, args ...any) {
		fmt.Fprintf(w, "%-22s "+format+"\n", append([]any{label}, args...)...)
	}
	lat := func(s LatencyStats) string {
		return fmt.Sprintf("p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d)", s.P50, s.P99, s.Max, s.Samples)
	}
	p("meeting storm", "%d members over %s, votes spread over %.1f s", r.Members, strings.Join(r.URLs, " + "), r.VoteSpread)
	p("setup / join", "%.1f s / %.1f s", r.Setup, r.Join)
	p("settle (ping)", "%s", lat(r.Settle))
	p("motion open → seen", "%s", lat(r.Open))
	p("vote ack (all)", "%s", lat(r.VoteAck))
	p("votes sent / acked", "within %.1f / %.1f ms of the first sent (jihat-load's CPU meanwhile: %.0f ms)", r.VoteSent.Max, r.VoteAcked.Max, r.VoteCPU)
	for i, s := range r.VoteAckByNode {
		p(fmt.Sprintf("vote ack (node %d)", i+1), "%s", lat(s))
	}
	p("change ack (a fifth)", "%s", lat(r.ChangeAck))
	p("vote → an attendee", "%s", lat(r.ToAttendee))
	p("vote → every attendee", "%s", lat(r.ToEveryone))
	p("closed tally", "accept %d, reject %d, abstain %d, voted %d of %d; %d votes stored", r.Tally.Accept, r.Tally.Reject, r.Tally.Abstain, r.Tally.Voted, r.Tally.Eligible, r.Stored)
	p("exact", "%v (retries %d, gap refetches %d, reconnects %d)", r.Exact, r.Retries, r.Refetches, r.Reconnects)
	for _, pr := range slices.Clip(r.Problems) {
		p("problem", "%s", pr)
	}
}
