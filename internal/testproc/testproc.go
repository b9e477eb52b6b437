// Package testproc runs a test of the current test binary as a child
// process, so that another test can kill it (SIGKILL) in the middle of its
// work and check what a crash leaves behind: an upload half written, a
// notification half sent.
//
// The child is an ordinary test that skips itself unless the environment
// that StartChild adds is set (see Env).
package testproc

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// Child is a running child process.
type Child struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string // its standard output, line by line; closed at its end

	mu     sync.Mutex // guards stderr
	stderr bytes.Buffer
}

// StartChild runs the test named run of this test binary (verbose, once)
// with env added to this process's environment. The child is killed when
// the test ends, if it has not been already.
func StartChild(tb testing.TB, run string, env ...string) *Child {
	tb.Helper()
	c := &Child{cmd: exec.Command(os.Args[0], "-test.run=^"+run+"$", "-test.count=1", "-test.v"), lines: make(chan string, 1024)}
	c.cmd.Env = append(os.Environ(), env...)
	c.cmd.Stderr = writerFunc(func(p []byte) (int, error) {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.stderr.Write(p)
	})
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if c.stdin, err = c.cmd.StdinPipe(); err != nil {
		tb.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.Kill)
	go func() {
		defer close(c.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			select {
			case c.lines <- sc.Text():
			default: // nobody waits for this line
			}
		}
	}()
	return c
}

// Stdin is the child's standard input.
func (c *Child) Stdin() io.Writer { return c.stdin }

// WaitLine returns the rest of the first line of the child's standard
// output that starts with prefix. It fails the test when the child ends
// first or d passes, with what the child wrote to its standard error.
func (c *Child) WaitLine(tb testing.TB, prefix string, d time.Duration) string {
	tb.Helper()
	timeout := time.After(d)
	for {
		select {
		case line, ok := <-c.lines:
			if !ok {
				c.cmd.Wait()
				tb.Fatalf("testproc: the child process ended: %s", c.Stderr())
			}
			if rest, found := strings.CutPrefix(line, prefix); found {
				return rest
			}
		case <-timeout:
			tb.Fatalf("testproc: no %q from the child process within %v: %s", prefix, d, c.Stderr())
		}
	}
}

// Kill kills the child (SIGKILL: no clean-up of its own runs) and waits for
// it to end.
func (c *Child) Kill() {
	c.cmd.Process.Kill()
	c.cmd.Wait()
}

// Stderr is what the child has written to its standard error so far.
func (c *Child) Stderr() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stderr.String()
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
