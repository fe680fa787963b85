package db

import (
	"database/sql"
	"database/sql/driver"
	"fmt"

	"modernc.org/sqlite"
)

// openSQLitePool opens a pool on the SQLite DSN through wrap (Options.Wrap). The
// connector is the driver's own, so the DSN is checked here as sql.Open would on
// the first connection.
func openSQLitePool(dsn string, wrap func(driver.Connector) driver.Connector) (*sql.DB, error) {
	c, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("db: sqlite connector: %w", err)
	}
	return sql.OpenDB(wrapConnector(stmtCachingConnector{c}, wrap)), nil
}

// wrapConnector applies wrap to c when it is set.
func wrapConnector(c driver.Connector, wrap func(driver.Connector) driver.Connector) driver.Connector {
	if wrap == nil {
		return c
	}
	return wrap(c)
}
