package media

import (
	"bytes"
	"encoding/binary"
	"io"
)

// Ogg (RFC 3533) carrying Opus (RFC 7845), as Firefox's MediaRecorder and
// ffmpeg write it.
//
// The parser walks every page header (27 bytes and a segment table; the
// bodies are skipped), so it also checks that the file is one logical Opus
// stream: a page of another serial number means a second stream (a video,
// a chained file) and the file is refused. The duration is the largest
// granule position minus the pre-skip of the OpusHead header, in 48 kHz
// samples whatever the input rate was.

const (
	oggHeaderLen = 27
	opusRate     = 48000
	granuleNone  = ^uint64(0) // a page on which no packet ends
)

var oggCapture = []byte("OggS")

func parseOgg(ra io.ReaderAt, size int64) (container, error) {
	w := newWindow(ra, size)
	var (
		serial  uint32
		preSkip uint64
		last    uint64
		pages   int
	)
	for pos := int64(0); pos < size; {
		h, err := w.bytes(pos, oggHeaderLen)
		if err != nil {
			if pages > 1 {
				break // a truncated last page: keep what was read
			}
			return container{}, err
		}
		if !bytes.Equal(h[:4], oggCapture) || h[4] != 0 {
			return container{}, errFormat
		}
		flags := h[5]
		granule := binary.LittleEndian.Uint64(h[6:14])
		pageSerial := binary.LittleEndian.Uint32(h[14:18])
		nseg := int(h[26])
		segs, err := w.bytes(pos+oggHeaderLen, nseg)
		if err != nil {
			if pages > 1 {
				break
			}
			return container{}, err
		}
		body := int64(0)
		for _, s := range segs {
			body += int64(s)
		}
		bodyAt := pos + oggHeaderLen + int64(nseg)
		if bodyAt+body > size {
			if pages > 1 {
				break
			}
			return container{}, errFormat
		}
		if pages == 0 {
			if flags&0x02 == 0 { // beginning of stream
				return container{}, errFormat
			}
			serial = pageSerial
			if preSkip, err = opusHead(w, bodyAt, body); err != nil {
				return container{}, err
			}
		} else if pageSerial != serial {
			return container{}, errUnsupported
		}
		if granule != granuleNone && granule > last {
			last = granule
		}
		pages++
		pos = bodyAt + body
	}
	if last <= preSkip {
		return container{}, errFormat
	}
	d, err := seconds(float64(last-preSkip), opusRate)
	if err != nil {
		return container{}, err
	}
	return container{duration: d, tracks: []track{{kind: trackAudio, codec: "opus"}}}, nil
}

// opusHead reads the pre-skip from the identification header that opens an
// Ogg Opus stream; another first packet (Vorbis, FLAC, Speex, Theora) is not
// allowed.
func opusHead(w *window, at, n int64) (uint64, error) {
	if n < 19 {
		return 0, errUnsupported
	}
	b, err := w.bytes(at, 19)
	if err != nil {
		return 0, err
	}
	if !bytes.Equal(b[:8], []byte("OpusHead")) {
		return 0, errUnsupported
	}
	if b[8]>>4 != 0 || b[9] == 0 { // major version 0, at least one channel
		return 0, errFormat
	}
	return uint64(binary.LittleEndian.Uint16(b[10:12])), nil
}
