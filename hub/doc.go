// Package hub is the live side of Jihat.
package hub
