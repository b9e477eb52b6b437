//go:build unix

package hub

import "syscall"

// canWriteNow: this platform's sockets can be written without waiting
// (corkConn.writeNow).
const canWriteNow = true

// writeNow writes b to the socket in one system call that does not wait
// (the socket is non-blocking under Go's poller) and returns how much the
// kernel took: less than len(b), even 0, when its buffer is full. c.mu is
// held. The call goes through c.now, made once per socket: a closure made
// per call (and the results it sets) would be three allocations per write.
func (c *corkConn) writeNow(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	w := &c.now
	if w.fn == nil {
		w.fn = w.write
	}
	w.b = b
	err := c.raw.Write(w.fn)
	n, werr := w.n, w.err
	w.b, w.n, w.err = nil, 0, nil
	if err != nil {
		return 0, err
	}
	if werr == syscall.EAGAIN {
		return 0, nil
	}
	if werr != nil {
		return 0, werr
	}
	return n, nil
}

// nowWrite is a socket's one write that does not wait: its buffer, its
// results, and the function that syscall.RawConn.Write calls.
type nowWrite struct {
	b   []byte
	n   int
	err error
	fn  func(fd uintptr) bool // write, bound once
}

// write writes w.b to fd once (again after EINTR); it never waits.
func (w *nowWrite) write(fd uintptr) bool {
	for {
		w.n, w.err = syscall.Write(int(fd), w.b)
		if w.err != syscall.EINTR {
			return true // done either way: never wait here
		}
	}
}
