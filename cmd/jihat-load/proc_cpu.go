package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
)

// clockTicks is the unit of /proc/<pid>/stat's CPU times: USER_HZ, 100 on
// every Linux the benchmarks run on (sysconf(_SC_CLK_TCK) needs cgo).
const clockTicks = 100

// processCPU returns the CPU seconds (user + system) process pid has used,
// from /proc/<pid>/stat; ok false when it cannot be read.
func processCPU(pid int) (seconds float64, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	ticks, ok := statCPUTicks(b)
	return float64(ticks) / clockTicks, ok
}

// statCPUTicks reads utime + stime (fields 14 and 15) of a /proc/<pid>/stat
// line. The command name (field 2, in parentheses) may hold spaces and
// parentheses itself: fields are counted from the last ')'.
func statCPUTicks(stat []byte) (int64, bool) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	f := bytes.Fields(stat[i+1:]) // f[0] is field 3 (state)
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(string(f[11]), 10, 64)
	stime, err2 := strconv.ParseInt(string(f[12]), 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return utime + stime, true
}
