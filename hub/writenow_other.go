//go:build !unix

package hub

import "errors"

// canWriteNow: not on this platform; every socket has its own writer
// goroutine.
const canWriteNow = false

// nowWrite has nothing to hold on this platform.
type nowWrite struct{}

func (c *corkConn) writeNow([]byte) (int, error) {
	return 0, errors.New("hub: writeNow unsupported")
}
