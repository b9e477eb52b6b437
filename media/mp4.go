package media

import (
	"io"
	"math/bits"
)

// MP4 (ISO/IEC 14496-12) audio: iPhone .m4a files and Safari's
// MediaRecorder audio/mp4, which is fragmented (an empty moov, then
// moof/mdat pairs) so its mvhd duration is 0.
//
// The parser walks the boxes it needs (moov/trak/mdia/minf/stbl, mvex,
// moof/traf) and skips the rest, mdat included. The duration of the first
// sound track is, in order of preference: the end of its last fragment
// (tfdt plus the trun sample durations), its mdhd duration, the mvhd
// duration, the mehd fragment duration.

const mp4MaxDepth = 8

type mp4Track struct {
	id         uint32
	kind       trackKind
	codec      string
	timescale  uint32
	duration   uint64  // mdhd, in timescale units
	defaultDur uint32  // trex default_sample_duration
	next       float64 // decode time after the last fragment read
	fragEnd    float64 // end of the last fragment, in timescale units
}

type mp4State struct {
	w         *window
	mvhdScale uint32
	mvhdDur   uint64
	mehd      uint64
	tracks    []*mp4Track
	cur       *mp4Track // the trak being read
	moofs     int
	// the traf being read
	traf     *mp4Track
	trafDef  uint32
	trafBase float64
	hasBase  bool
	trafSum  float64
}

func parseMP4(ra io.ReaderAt, size int64) (container, error) {
	st := &mp4State{w: newWindow(ra, size)}
	if err := st.walk(0, size, 0); err != nil {
		return container{}, err
	}
	return st.result()
}

func (st *mp4State) walk(pos, end int64, depth int) error {
	if depth > mp4MaxDepth {
		return errFormat
	}
	for pos < end {
		if end-pos < 8 {
			return errFormat
		}
		size, err := st.w.be32(pos)
		if err != nil {
			return err
		}
		typ, err := st.w.bytes(pos+4, 4)
		if err != nil {
			return err
		}
		box := string(typ)
		n, hlen := int64(size), int64(8)
		switch size {
		case 0: // to the end of the parent
			n = end - pos
		case 1:
			v, err := st.w.be64(pos + 8)
			if err != nil || v > uint64(end-pos) {
				return errFormat
			}
			n, hlen = int64(v), 16
		}
		if n < hlen || n > end-pos {
			return errFormat
		}
		if err := st.box(box, pos+hlen, pos+n, depth); err != nil {
			return err
		}
		pos += n
	}
	return nil
}

func (st *mp4State) box(typ string, data, end int64, depth int) error {
	switch typ {
	case "moov", "mdia", "minf", "stbl", "mvex":
		return st.walk(data, end, depth+1)
	case "trak":
		if len(st.tracks) == maxTracks {
			return errFormat
		}
		st.cur = &mp4Track{}
		st.tracks = append(st.tracks, st.cur)
		err := st.walk(data, end, depth+1)
		st.cur = nil
		return err
	case "moof":
		st.moofs++
		return st.walk(data, end, depth+1)
	case "traf":
		st.traf, st.trafDef, st.trafBase, st.hasBase, st.trafSum = nil, 0, 0, false, 0
		if err := st.walk(data, end, depth+1); err != nil {
			return err
		}
		if t := st.traf; t != nil {
			if !st.hasBase {
				st.trafBase = t.next
			}
			t.next = st.trafBase + st.trafSum
			t.fragEnd = max(t.fragEnd, t.next)
		}
		return nil
	}
	return st.leaf(typ, data, end)
}

// leaf reads the fields the parser needs from a full box ("version" byte,
// three bytes of flags, then the fields).
func (st *mp4State) leaf(typ string, data, end int64) error {
	var version byte
	switch typ {
	case "mvhd", "mdhd", "tkhd", "hdlr", "stsd", "mehd", "trex", "tfhd", "tfdt", "trun":
		if end-data < 8 {
			return errFormat
		}
		v, err := st.w.u8(data)
		if err != nil {
			return err
		}
		version = v
	default:
		return nil
	}
	t := st.cur
	switch {
	case typ == "mvhd":
		scale, dur, err := st.timing(data, version)
		st.mvhdScale, st.mvhdDur = scale, dur
		return err
	case typ == "mehd":
		return st.read(data+4, version, &st.mehd)
	case typ == "trex":
		id, err := st.w.be32(data + 4)
		if err != nil {
			return err
		}
		dur, err := st.w.be32(data + 12)
		if tr := st.track(id); tr != nil {
			tr.defaultDur = dur
		}
		return err
	case typ == "tfhd", typ == "tfdt", typ == "trun":
		return st.fragment(typ, data, end, version)
	case t == nil: // tkhd, mdhd, hdlr, stsd outside a trak
		return nil
	case typ == "tkhd":
		var err error
		t.id, err = st.w.be32(data + 4 + 8*(1+int64(version&1)))
		return err
	case typ == "mdhd":
		var err error
		t.timescale, t.duration, err = st.timing(data, version)
		return err
	case typ == "hdlr":
		h, err := st.w.bytes(data+8, 4)
		if err != nil {
			return err
		}
		switch string(h) {
		case "soun":
			t.kind = trackAudio
		case "vide", "pict", "auxv":
			t.kind = trackVideo
		}
	case typ == "stsd":
		c, err := st.w.bytes(data+12, 4)
		if err != nil {
			return err
		}
		t.codec = string(c)
	}
	return nil
}

// timing reads the timescale and duration of an mvhd or mdhd box. An
// all-ones duration means unknown and reads as 0.
func (st *mp4State) timing(data int64, version byte) (uint32, uint64, error) {
	at := data + 4 + 8 // creation and modification times
	if version == 1 {
		at = data + 4 + 16
	}
	scale, err := st.w.be32(at)
	if err != nil {
		return 0, 0, err
	}
	var dur uint64
	if err := st.read(at+4, version, &dur); err != nil {
		return 0, 0, err
	}
	return scale, dur, nil
}

// read reads a 64-bit field when version is 1 and a 32-bit one otherwise;
// all ones (unknown) reads as 0.
func (st *mp4State) read(at int64, version byte, v *uint64) error {
	if version == 1 {
		x, err := st.w.be64(at)
		if x == ^uint64(0) {
			x = 0
		}
		*v = x
		return err
	}
	x, err := st.w.be32(at)
	if x == ^uint32(0) {
		x = 0
	}
	*v = uint64(x)
	return err
}

func (st *mp4State) track(id uint32) *mp4Track {
	for _, t := range st.tracks {
		if t.id == id {
			return t
		}
	}
	return nil
}

// popcount of the per-sample field flags of a trun box.
func trunStride(flags uint32) int64 { return 4 * int64(bits.OnesCount32(flags&0xF00)) }
