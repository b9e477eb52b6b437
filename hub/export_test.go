package hub

// Gathered is gathered for the hub_test package: one counter reader for
// both sides of the hub's tests.
var Gathered = gathered
