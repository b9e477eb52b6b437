package testenv_test

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
)

// fakeTB records what a helper did to its test: skipped, failed, and the
// message. Skip and Fatal end the calling goroutine as testing.T's do.
type fakeTB struct {
	testing.TB // the real test, for TempDir, Setenv, Logf and the rest

	mu       sync.Mutex
	skipped  bool
	failed   bool
	msg      string
	cleanups []func()
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) record(skip, fail bool, msg string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.skipped = f.skipped || skip
	f.failed = f.failed || fail
	f.msg += msg
}

func (f *fakeTB) Skip(args ...any)                 { f.record(true, false, fmt.Sprint(args...)); runtime.Goexit() }
func (f *fakeTB) Skipf(format string, args ...any) { f.Skip(fmt.Sprintf(format, args...)) }
func (f *fakeTB) Fatal(args ...any)                { f.record(false, true, fmt.Sprint(args...)); runtime.Goexit() }
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.Fatal(fmt.Sprintf(format, args...))
}
func (f *fakeTB) Error(args ...any)                 { f.record(false, true, fmt.Sprint(args...)) }
func (f *fakeTB) Errorf(format string, args ...any) { f.Error(fmt.Sprintf(format, args...)) }
func (f *fakeTB) Cleanup(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cleanups = append(f.cleanups, fn)
}

// runFake runs fn with a fakeTB in a goroutine of its own, as the testing
// package runs a test, then runs the cleanups fn registered, last first.
func runFake(t *testing.T, fn func(testing.TB)) *fakeTB {
	t.Helper()
	f := &fakeTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
	}()
	<-done
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
	return f
}
