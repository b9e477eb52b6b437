// Package jihat holds the domain of the Jihat platform: the words (users, roles,
// permissions, entities, cases, meetings) and their rules, with no I/O and no
// dependency beyond the standard library.
//
// Adapters live in sub-packages: store (GORM), hub (live channels), media
// (files and audio), server (HTTP and WebSocket). They import this package;
// this package imports none of them.
package jihat
