//go:build unix

package hub

import "syscall"

// canWriteNow: this platform's sockets can be written without waiting
// (corkConn.writeNow).
const canWriteNow = true

// writeNow writes b to the socket in one system call that does not wait
// (the socket is non-blocking under Go's poller) and returns how much the
// kernel took: less than len(b), even 0, when its buffer is full.
func (c *corkConn) writeNow(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	var n int
	var werr error
	if err := c.raw.Write(func(fd uintptr) bool {
		for {
			n, werr = syscall.Write(int(fd), b)
			if werr != syscall.EINTR {
				return true // done either way: never wait here
			}
		}
	}); err != nil {
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
