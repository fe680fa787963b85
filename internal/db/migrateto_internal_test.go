package db

import "context"

// MigrateTo applies the migrations up to version and no further, so that a test
// can write rows in an older schema and watch a migration move them.
func (d *DB) MigrateTo(ctx context.Context, version int64) error {
	p, err := d.provider(nil)
	if err != nil {
		return err
	}
	_, err = p.UpTo(ctx, version)
	return err
}

// MigrateDownTo rolls the migrations after version back.
func (d *DB) MigrateDownTo(ctx context.Context, version int64) error {
	p, err := d.provider(nil)
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, version)
	return err
}
