package media

import (
	"encoding/binary"
	"io"
)

// window reads small pieces of an io.ReaderAt at arbitrary offsets through
// one fixed buffer, so the container parsers can walk a 25 MB file with few
// system calls and no allocation that depends on the input: a hostile length
// field makes a parser skip, never allocate.
type window struct {
	ra   io.ReaderAt
	size int64
	buf  []byte
	off  int64 // offset of buf[0] in ra
	n    int   // valid bytes in buf
}

const windowSize = 32 << 10

func newWindow(ra io.ReaderAt, size int64) *window {
	return &window{ra: ra, size: size, buf: make([]byte, windowSize)}
}

// bytes returns the n bytes at off, or errFormat when they are not all in
// the file. The slice is valid until the next call; n must be <= windowSize.
func (w *window) bytes(off int64, n int) ([]byte, error) {
	if off < 0 || n < 0 || n > len(w.buf) || off > w.size || int64(n) > w.size-off {
		return nil, errFormat
	}
	if off >= w.off && off+int64(n) <= w.off+int64(w.n) {
		i := int(off - w.off)
		return w.buf[i : i+n], nil
	}
	want := int(min(int64(len(w.buf)), w.size-off))
	m, err := w.ra.ReadAt(w.buf[:want], off)
	if m < n {
		w.n = 0
		if err == nil || err == io.EOF {
			err = errFormat
		}
		return nil, err
	}
	w.off, w.n = off, m
	return w.buf[:n], nil
}

func (w *window) u8(off int64) (byte, error) {
	b, err := w.bytes(off, 1)
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

func (w *window) be32(off int64) (uint32, error) {
	b, err := w.bytes(off, 4)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint32(b), nil
}

func (w *window) be64(off int64) (uint64, error) {
	b, err := w.bytes(off, 8)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint64(b), nil
}
