// Package web is Jihat's browser app: the citizen portal, the employee
// workspace and the administration screens, written as plain ES modules and
// CSS (Preact and htm vendored under vendor/, no build step) and embedded
// into the binary. cmd/jihat passes FS to the server (server.Config.Web),
// which serves it at "/" with its caching, compression and security headers.
//
// The browser tests live in e2e/ (Playwright driving Chromium against the
// real binary); they are not embedded.
package web

import (
	"embed"
	"io/fs"
)

//go:embed index.html *.js *.css *.svg screens vendor
var files embed.FS

// FS returns the app's files: index.html at the root, the modules, the
// style sheet and the vendored libraries beside it.
func FS() fs.FS { return files }
