package media

import (
	"encoding/binary"
	"math"
)

// WebM (Matroska with DocType "webm"), as Chrome's and Firefox's
// MediaRecorder and ffmpeg write it.
//
// A small EBML walker instead of github.com/at-wat/ebml-go: ebml-go's
// Unmarshal decodes the payload of every element it meets (each SimpleBlock
// of the recording) and allocates what a length field claims, up to its leaf
// limit; this walker reads element headers through a fixed window and skips
// payloads, so hostile sizes cost nothing and the unknown-size Segment and
// Clusters a live recorder writes are handled explicitly.
//
// The walk is flat: Segment, Cluster and BlockGroup are entered rather than
// skipped, so an unknown-size Cluster simply ends where the next Cluster (or
// Cues, Tags...) begins; Matroska element IDs are unique across levels.

// Element IDs (with their length marker, as written).
const (
	ebmlHeader        = 0x1A45DFA3
	ebmlDocType       = 0x4282
	mkvSegment        = 0x18538067
	mkvInfo           = 0x1549A966
	mkvTimecodeScale  = 0x2AD7B1
	mkvDuration       = 0x4489
	mkvTracks         = 0x1654AE6B
	mkvTrackEntry     = 0xAE
	mkvTrackNumber    = 0xD7
	mkvTrackType      = 0x83
	mkvCodecID        = 0x86
	mkvCluster        = 0x1F43B675
	mkvTimecode       = 0xE7
	mkvSimpleBlock    = 0xA3
	mkvBlockGroup     = 0xA0
	mkvBlock          = 0xA1
	mkvBlockDuration  = 0x9B
	ebmlUnknownSize   = -1
	mkvMaxHeaderBytes = 1 << 10    // EBML header
	mkvMaxMetaBytes   = windowSize // Info, Tracks: small in any recording
)

// ebmlAt reads the element header at off in w.
func ebmlAt(w *window, off int64) (id uint32, size int64, hlen int64, err error) {
	if off < 0 || off >= w.size {
		return 0, 0, 0, errFormat
	}
	b, err := w.bytes(off, int(min(12, w.size-off)))
	if err != nil {
		return 0, 0, 0, err
	}
	return ebmlParse(b)
}

// ebmlParse reads the element header at the start of b: its ID, the size
// of its data (ebmlUnknownSize when unknown) and the header length.
func ebmlParse(b []byte) (id uint32, size int64, hlen int64, err error) {
	if len(b) < 2 {
		return 0, 0, 0, errFormat
	}
	idLen := vintLen(b[0])
	if idLen == 0 || idLen > 4 || len(b) < idLen+1 {
		return 0, 0, 0, errFormat
	}
	for _, c := range b[:idLen] {
		id = id<<8 | uint32(c)
	}
	szLen := vintLen(b[idLen])
	if szLen == 0 || len(b) < idLen+szLen {
		return 0, 0, 0, errFormat
	}
	v := uint64(b[idLen]) & (0xFF >> szLen)
	allOnes := v == 0xFF>>szLen
	for _, c := range b[idLen+1 : idLen+szLen] {
		v = v<<8 | uint64(c)
		allOnes = allOnes && c == 0xFF
	}
	hlen = int64(idLen + szLen)
	if allOnes {
		return id, ebmlUnknownSize, hlen, nil
	}
	if v > uint64(math.MaxInt64) {
		return 0, 0, 0, errFormat
	}
	return id, int64(v), hlen, nil
}

// vintLen is the length of an EBML variable-size integer from its first
// byte (the position of the first set bit), 0 when invalid.
func vintLen(b byte) int {
	for n := 1; n <= 8; n++ {
		if b&(0x80>>(n-1)) != 0 {
			return n
		}
	}
	return 0
}

func ebmlUint(b []byte) (uint64, error) {
	if len(b) > 8 {
		return 0, errFormat
	}
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v, nil
}

func ebmlFloat(b []byte) (float64, error) {
	switch len(b) {
	case 0:
		return 0, nil
	case 4:
		return float64(math.Float32frombits(binary.BigEndian.Uint32(b))), nil
	case 8:
		return math.Float64frombits(binary.BigEndian.Uint64(b)), nil
	}
	return 0, errFormat
}

// ebmlChildren calls fn for each child of the known-size master element
// held whole in b.
func ebmlChildren(b []byte, fn func(id uint32, data []byte) error) error {
	for off := int64(0); off < int64(len(b)); {
		id, size, hlen, err := ebmlParse(b[off:min(off+12, int64(len(b)))])
		if err != nil || size == ebmlUnknownSize || size > int64(len(b))-off-hlen {
			return errFormat
		}
		if err := fn(id, b[off+hlen:off+hlen+size]); err != nil {
			return err
		}
		off += hlen + size
	}
	return nil
}
