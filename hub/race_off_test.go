//go:build !race

package hub

// raceDetector: built with -race (sync.Pool then drops a quarter of what it is given).
const raceDetector = false
