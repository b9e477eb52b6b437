package media

import (
	"bytes"
	"encoding/binary"
	"io"
)

// imageComplete reports whether an image of size bytes, whose header has
// been read, also has its end: PNG chunks that reach IEND, a JPEG whose
// (first frame's) scan is closed by EOI, a GIF trailer, a WebP whose RIFF
// size fits the file. It reads chunk and segment headers, not pixels.
func imageComplete(r io.ReaderAt, size int64, mime string) bool {
	switch mime {
	case "image/png":
		return pngComplete(r, size)
	case "image/jpeg":
		return jpegComplete(r, size)
	case "image/gif":
		return gifComplete(r, size)
	case "image/webp":
		var h [8]byte
		if _, err := r.ReadAt(h[:], 0); err != nil {
			return false
		}
		return int64(binary.LittleEndian.Uint32(h[4:8]))+8 <= size
	}
	return true
}

// pngComplete walks the chunks after the signature: each must fit in the
// file, up to an IEND chunk.
func pngComplete(r io.ReaderAt, size int64) bool {
	off := int64(8)
	var h [8]byte
	for off+12 <= size {
		if _, err := r.ReadAt(h[:], off); err != nil {
			return false
		}
		n := int64(binary.BigEndian.Uint32(h[0:4]))
		end := off + 12 + n // length, type, data, CRC
		if end > size {
			return false
		}
		if string(h[4:8]) == "IEND" {
			return true
		}
		off = end
	}
	return false
}

// jpegComplete walks the marker segments from SOI to the first start of
// scan (skipping APPn segments, which may hold a thumbnail with its own
// markers), then looks for the EOI marker after it.
func jpegComplete(r io.ReaderAt, size int64) bool {
	off := int64(2) // SOI
	var h [4]byte
	for {
		if off+4 > size {
			return false
		}
		if _, err := r.ReadAt(h[:], off); err != nil || h[0] != 0xFF {
			return false
		}
		marker := h[1]
		switch {
		case marker == 0xFF: // fill byte
			off++
			continue
		case marker == 0x01 || marker >= 0xD0 && marker <= 0xD7: // no length
			off += 2
			continue
		}
		n := int64(binary.BigEndian.Uint16(h[2:4]))
		if n < 2 || off+2+n > size {
			return false
		}
		off += 2 + n
		if marker == 0xDA { // start of scan: the entropy-coded data follows
			break
		}
	}
	// EOI after the scan; read the rest in pieces, keeping one byte of
	// overlap so a marker split across two pieces is found.
	buf := make([]byte, 64<<10)
	prev := byte(0)
	for off < size {
		n := int(min(int64(len(buf)), size-off))
		if _, err := r.ReadAt(buf[:n], off); err != nil {
			return false
		}
		if prev == 0xFF && buf[0] == 0xD9 || bytes.Contains(buf[:n], []byte{0xFF, 0xD9}) {
			return true
		}
		prev = buf[n-1]
		off += int64(n)
	}
	return false
}

// gifComplete walks the blocks after the screen descriptor (and its colour
// table): images and extensions with their sub-blocks, up to the trailer.
func gifComplete(r io.ReaderAt, size int64) bool {
	byteAt := func(off int64) (int, bool) {
		var b [1]byte
		if off >= size {
			return 0, false
		}
		_, err := r.ReadAt(b[:], off)
		return int(b[0]), err == nil
	}
	table := func(flags int) int64 { // a colour table's size, when its flag is set
		if flags&0x80 == 0 {
			return 0
		}
		return 3 << (flags&0x07 + 1)
	}
	subBlocks := func(off int64) (int64, bool) {
		for {
			n, ok := byteAt(off)
			if !ok {
				return 0, false
			}
			off += 1 + int64(n)
			if n == 0 {
				return off, true
			}
		}
	}
	flags, ok := byteAt(10)
	if !ok {
		return false
	}
	off := 13 + table(flags)
	for {
		b, ok := byteAt(off)
		if !ok {
			return false
		}
		switch b {
		case 0x3B: // trailer
			return true
		case 0x21: // extension: label, sub-blocks
			if off, ok = subBlocks(off + 2); !ok {
				return false
			}
		case 0x2C: // image: descriptor, local table, LZW code size, sub-blocks
			f, ok := byteAt(off + 9)
			if !ok {
				return false
			}
			if off, ok = subBlocks(off + 10 + table(f) + 1); !ok {
				return false
			}
		default:
			return false
		}
	}
}
