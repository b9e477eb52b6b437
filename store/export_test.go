package store

// LatestMigration is the version of the last migration step, for tests that
// check Migrate and SchemaVersion.
func LatestMigration() int { return migrations[len(migrations)-1].version }

// MigrationCount is how many migration steps there are (versions have gaps).
func MigrationCount() int { return len(migrations) }
