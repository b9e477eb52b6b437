// Package testserver starts a real Jihat server for tests: a store (SQLite in
// a temp dir by default, PostgreSQL on request), migrated, with the platform
// admin bootstrapped, behind the real HTTP front on a loopback port. It
// offers a small client (Do, Must, Raw) and fixtures (citizens, entities,
// departments, case types, employees, users of any role) so that tests of
// every feature drive the server the way clients do, over HTTP.
//
// Password hashing uses cheap argon2 parameters (CheapArgon2) so hundreds of
// logins take milliseconds, and the login throttle limits are raised out of
// the way; tests of those behaviours set their own values with Configure.
// Notifications are recorded (TestServer.Notifier) instead of printed.
//
// Every helper fails the test given to Start (or to For, inside a subtest)
// on an unexpected answer and calls tb.Helper; the server, store and
// connections are closed by tb.Cleanup. The client methods are safe for
// concurrent use, but the ones that fail the test (everything except Raw)
// must be called from that test's own goroutine.
//
// Typical use:
//
//	ts := testserver.Start(t)                     // SQLite; testserver.Postgres() for PostgreSQL
//	admin := ts.Admin()
//	entity := ts.CreateEntity(admin)
//	dept := ts.CreateDepartment(admin, entity)
//	emp := ts.CreateEmployee(admin, entity, dept, jihat.RoleEmployee)
//	c := ts.RegisterCitizen()
//	m := ts.Must(http.StatusOK, "GET", "/api/v1/me", c.Token, nil)
//	_ = testserver.Str(m, "user.role")            // "citizen"
package testserver
