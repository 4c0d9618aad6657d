package store

import (
	"context"
	"database/sql/driver"
	"fmt"

	"modernc.org/sqlite"
)

// hookedConnector opens write connections that call onCommit after every
// committed write transaction, so the store learns of writes without
// wrapping each statement.
type hookedConnector struct {
	dsn      string
	onCommit func()
}

var sqliteDriver = &sqlite.Driver{}

func (c *hookedConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := sqliteDriver.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	hooks, ok := conn.(sqlite.HookRegisterer)
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("store: the sqlite driver's connection has no commit hook")
	}
	hooks.RegisterCommitHook(func() int32 {
		c.onCommit()
		return 0 // 0 lets the commit go ahead
	})
	return conn, nil
}

func (c *hookedConnector) Driver() driver.Driver { return sqliteDriver }
