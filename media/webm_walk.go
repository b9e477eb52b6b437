package media

import (
	"bytes"
	"encoding/binary"
	"io"
)

const mkvVoid = 0xEC

// webmState collects what the walk of a WebM file finds.
type webmState struct {
	scale   float64 // nanoseconds per timecode unit
	infoDur float64 // Segment Info Duration in seconds, 0 when absent
	tracks  []track
	opus    bool    // some track is Opus: block durations come from its TOC
	cluster int64   // timecode of the current Cluster, -1 before its Timecode
	start   float64 // start of the last Block in a BlockGroup, in seconds
	end     float64 // end of the last block seen, in seconds
	blocks  int
}

func parseWebM(ra io.ReaderAt, size int64) (container, error) {
	w := newWindow(ra, size)
	id, n, hlen, err := ebmlAt(w, 0)
	if err != nil || id != ebmlHeader || n == ebmlUnknownSize || n > mkvMaxHeaderBytes {
		return container{}, errFormat
	}
	hdr, err := w.bytes(hlen, int(n))
	if err != nil {
		return container{}, err
	}
	var docType []byte
	if err := ebmlChildren(hdr, func(id uint32, data []byte) error {
		if id == ebmlDocType {
			docType = bytes.TrimRight(data, "\x00")
		}
		return nil
	}); err != nil {
		return container{}, err
	}
	if string(docType) != "webm" {
		return container{}, errUnsupported
	}

	pos := hlen + n
	for { // the Segment, after any Void
		if id, n, hlen, err = ebmlAt(w, pos); err != nil {
			return container{}, err
		}
		if id == mkvVoid && n != ebmlUnknownSize {
			pos += hlen + n
			continue
		}
		if id != mkvSegment {
			return container{}, errFormat
		}
		break
	}
	end := size
	if n != ebmlUnknownSize && n < size-pos-hlen {
		end = pos + hlen + n
	}
	st := webmState{scale: 1e6, cluster: -1}
	if err := st.walk(w, pos+hlen, end); err != nil {
		return container{}, err
	}
	return st.result()
}

// walk reads the children of the Segment from pos to end, entering
// Clusters and BlockGroups (see the comment at the top of webm.go).
func (st *webmState) walk(w *window, pos, end int64) error {
	for pos < end {
		id, n, hlen, err := ebmlAt(w, pos)
		if err != nil {
			if st.blocks > 0 {
				return nil // a recording cut inside an element header
			}
			return err
		}
		data := pos + hlen
		switch id {
		case mkvCluster:
			st.cluster = -1
			pos = data
			continue
		case mkvBlockGroup:
			if n == ebmlUnknownSize {
				return errFormat
			}
			pos = data
			continue
		case mkvSegment, ebmlHeader:
			return errUnsupported // chained segments
		}
		if n == ebmlUnknownSize {
			return errFormat
		}
		if n > end-data {
			if st.blocks > 0 {
				return nil // the last element was cut short
			}
			return errFormat
		}
		if err := st.element(w, id, data, n); err != nil {
			return err
		}
		pos = data + n
	}
	return nil
}

// element handles one element that is not entered.
func (st *webmState) element(w *window, id uint32, data, n int64) error {
	switch id {
	case mkvInfo, mkvTracks:
		if n > mkvMaxMetaBytes {
			return errFormat
		}
		b, err := w.bytes(data, int(n))
		if err != nil {
			return err
		}
		if id == mkvInfo {
			return st.info(b)
		}
		return st.readTracks(b)
	case mkvTimecode:
		b, err := w.bytes(data, int(min(n, 9)))
		if err != nil {
			return err
		}
		v, err := ebmlUint(b)
		if err != nil || v > 1<<62 {
			return errFormat
		}
		st.cluster = int64(v)
	case mkvSimpleBlock, mkvBlock:
		return st.block(w, data, n, id == mkvSimpleBlock)
	case mkvBlockDuration:
		b, err := w.bytes(data, int(min(n, 9)))
		if err != nil {
			return err
		}
		v, err := ebmlUint(b)
		if err != nil {
			return errFormat
		}
		st.end = max(st.end, st.start+float64(v)*st.scale/1e9)
	}
	return nil
}

func (st *webmState) info(b []byte) error {
	var dur float64
	err := ebmlChildren(b, func(id uint32, data []byte) error {
		var err error
		switch id {
		case mkvTimecodeScale:
			var v uint64
			if v, err = ebmlUint(data); err == nil && (v == 0 || v > 1e12) {
				err = errFormat
			}
			st.scale = float64(v)
		case mkvDuration:
			dur, err = ebmlFloat(data)
		}
		return err
	})
	if err != nil {
		return err
	}
	if dur > 0 {
		st.infoDur = dur * st.scale / 1e9
	}
	return nil
}

func (st *webmState) readTracks(b []byte) error {
	return ebmlChildren(b, func(id uint32, entry []byte) error {
		if id != mkvTrackEntry {
			return nil
		}
		if len(st.tracks) == maxTracks {
			return errFormat
		}
		var t track
		err := ebmlChildren(entry, func(id uint32, data []byte) error {
			switch id {
			case mkvTrackType:
				v, err := ebmlUint(data)
				switch {
				case err != nil:
					return err
				case v == 1:
					t.kind = trackVideo
				case v == 2:
					t.kind = trackAudio
				}
			case mkvCodecID:
				t.codec = string(bytes.TrimRight(data, "\x00"))
			}
			return nil
		})
		st.tracks = append(st.tracks, t)
		st.opus = st.opus || t.codec == "A_OPUS"
		return err
	})
}

// block reads the header of a SimpleBlock or Block: track number, timecode
// relative to the Cluster, flags, and for an unlaced Opus packet its TOC
// byte, which tells how long the packet plays.
func (st *webmState) block(w *window, data, n int64, simple bool) error {
	if st.cluster < 0 {
		return errFormat // a block before its Cluster's Timecode
	}
	b, err := w.bytes(data, int(min(n, 16)))
	if err != nil {
		return err
	}
	if len(b) == 0 {
		return errFormat
	}
	tl := vintLen(b[0])
	if tl == 0 || len(b) < tl+3 {
		return errFormat
	}
	rel := int64(int16(binary.BigEndian.Uint16(b[tl : tl+2])))
	start := max(0, float64(st.cluster+rel)*st.scale/1e9)
	st.blocks++
	if !simple {
		st.start = start
		st.end = max(st.end, start)
		return nil
	}
	dur := 0.0
	if lacing := (b[tl+2] >> 1) & 3; st.opus && lacing == 0 && len(b) > tl+3 {
		next := byte(1)
		if len(b) > tl+4 {
			next = b[tl+4]
		}
		dur = opusPacketSeconds(b[tl+3], next)
	}
	st.end = max(st.end, start+dur)
	return nil
}

func (st *webmState) result() (container, error) {
	secs := st.infoDur
	if secs <= 0 {
		secs = st.end
	}
	if secs <= 0 || len(st.tracks) == 0 {
		return container{}, errFormat
	}
	d, err := seconds(secs, 1)
	if err != nil {
		return container{}, err
	}
	return container{duration: d, tracks: st.tracks}, nil
}

// opusPacketSeconds is how long an Opus packet plays, from its TOC byte
// (RFC 6716 section 3.1) and, for code 3 packets, the frame count byte.
func opusPacketSeconds(toc, next byte) float64 {
	var ms float64
	switch cfg := toc >> 3; {
	case cfg < 12: // SILK
		ms = [...]float64{10, 20, 40, 60}[cfg%4]
	case cfg < 16: // hybrid
		ms = [...]float64{10, 20}[cfg%2]
	default: // CELT
		ms = [...]float64{2.5, 5, 10, 20}[cfg%4]
	}
	frames := 1.0
	switch toc & 3 {
	case 1, 2:
		frames = 2
	case 3:
		frames = float64(next & 0x3F)
	}
	return ms * frames / 1000
}
