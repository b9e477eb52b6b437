package main

import (
	"os"
	"testing"
)

// TestStatCPUTicks: utime + stime are fields 14 and 15, counted after the
// command name, which may hold spaces and parentheses.
func TestStatCPUTicks(t *testing.T) {
	for _, c := range []struct {
		line string
		want int64
		ok   bool
	}{
		{"1234 (jihat) S 1 1234 1234 0 -1 4194560 8032 0 0 0 1520 377 0 0 20 0 12 0 4455 1592410112 10911 184467", 1897, true},
		{"99 (a (b) c) R 1 99 99 0 -1 0 0 0 0 0 7 5 0 0 20 0 1 0 1 1 1 1", 12, true},
		{"99 (jihat) S 1 2 3", 0, false},
		{"no parenthesis", 0, false},
	} {
		got, ok := statCPUTicks([]byte(c.line))
		if got != c.want || ok != c.ok {
			t.Errorf("statCPUTicks(%q) = %d, %v; want %d, %v", c.line, got, ok, c.want, c.ok)
		}
	}
	if _, ok := processCPU(os.Getpid()); !ok {
		t.Error("processCPU of this process: not read")
	}
}
