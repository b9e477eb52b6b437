package rtc

import (
	"io"
	"sync"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4/pkg/media/oggwriter"
)

// RecordFunc opens the file one participant's audio is recorded into. The
// SFU writes Ogg/Opus to it and closes it when the recording stops or the
// participant leaves.
type RecordFunc func(participant string) (io.WriteCloser, error)

// recorder writes one participant's forwarded packets as Ogg/Opus.
type recorder struct {
	mu  sync.Mutex // guards the following fields
	ogg *oggwriter.OggWriter
	dst io.WriteCloser
	err error
}

func newRecorder(dst io.WriteCloser) (*recorder, error) {
	ogg, err := oggwriter.NewWith(writerOnly{dst}, 48000, 2)
	if err != nil {
		dst.Close()
		return nil, err
	}
	return &recorder{ogg: ogg, dst: dst}, nil
}

func (r *recorder) write(pkt *rtp.Packet) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ogg == nil || r.err != nil || len(pkt.Payload) == 0 {
		return
	}
	r.err = r.ogg.WriteRTP(pkt)
}

func (r *recorder) close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ogg == nil {
		return r.err
	}
	err := r.ogg.Close() // dst is hidden behind writerOnly: closed below, once
	r.ogg = nil
	if cerr := r.dst.Close(); err == nil {
		err = cerr
	}
	if r.err == nil {
		r.err = err
	}
	return r.err
}

// StartRecording records every publisher of room, present and future, each
// into the file open gives it (one Ogg/Opus file per speaker). Muted audio
// is not recorded.
func (s *SFU) StartRecording(room string, open RecordFunc) error {
	r := s.room(room)
	if r == nil {
		return errNoRoom
	}
	r.mu.Lock()
	r.record = open
	ps := make([]*Participant, 0, len(r.participants))
	for _, p := range r.participants {
		ps = append(ps, p)
	}
	r.mu.Unlock()
	for _, p := range ps {
		r.startRecorder(p)
	}
	return nil
}

// StopRecording ends the recording of room and closes its files.
func (s *SFU) StopRecording(room string) error {
	r := s.room(room)
	if r == nil {
		return nil
	}
	r.mu.Lock()
	r.record = nil
	ps := make([]*Participant, 0, len(r.participants))
	for _, p := range r.participants {
		ps = append(ps, p)
	}
	r.mu.Unlock()
	var first error
	for _, p := range ps {
		if rec := p.rec.Swap(nil); rec != nil {
			if err := rec.close(); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}

// startRecorder opens p's file if the room is recording and p publishes.
func (r *Room) startRecorder(p *Participant) {
	r.mu.Lock()
	open := r.record
	r.mu.Unlock()
	if open == nil || !p.publishing() || p.rec.Load() != nil {
		return
	}
	dst, err := open(p.id)
	if err != nil {
		r.sfu.log.Warn("rtc: open recording", "room", r.id, "participant", p.id, "err", err)
		return
	}
	rec, err := newRecorder(dst)
	if err != nil {
		r.sfu.log.Warn("rtc: start recording", "room", r.id, "participant", p.id, "err", err)
		return
	}
	if !p.rec.CompareAndSwap(nil, rec) {
		rec.close()
	}
}

// writerOnly hides Close from the Ogg writer, which would close an
// io.Closer itself.
type writerOnly struct{ w io.Writer }

func (w writerOnly) Write(b []byte) (int, error) { return w.w.Write(b) }
