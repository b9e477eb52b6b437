package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"
)

// What the vote storm costs this process: the generator shares the
// machine's cores with the nodes it measures, so the CPU it spends while
// the votes are in flight is CPU the nodes do not get. roundCPU measures
// it over round 0 (from just before the first vote is sent to the last
// ack) with getrusage, which counts in microseconds where /proc's stat
// counts in 10 ms ticks; -vote-profile also samples that round alone.

// selfCPU is the CPU time (user + system) this process has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// roundCPU measures one round's CPU; a profile is written when path is
// not empty.
type roundCPU struct {
	path  string
	file  *os.File
	began time.Duration
}

// start begins the measurement (and the profile, sampled at 1 kHz: a
// round lasts ~100 ms, 10 samples at the default 100 Hz).
func (r *roundCPU) start() error {
	if r.path != "" {
		f, err := os.Create(r.path)
		if err != nil {
			return fmt.Errorf("-vote-profile: %w", err)
		}
		// Set before StartCPUProfile, which then keeps it (and logs
		// that it could not set its own 100 Hz).
		runtime.SetCPUProfileRate(1000)
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return fmt.Errorf("-vote-profile: %w", err)
		}
		r.file = f
	}
	r.began = selfCPU()
	return nil
}

// stop ends the measurement and returns the CPU used since start, in ms.
func (r *roundCPU) stop() float64 {
	used := selfCPU() - r.began
	if r.file != nil {
		pprof.StopCPUProfile()
		r.file.Close()
		r.file = nil
	}
	return float64(used.Microseconds()) / 1000
}
