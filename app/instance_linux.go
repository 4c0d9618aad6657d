//go:build linux

package app

import (
	"strings"

	"github.com/godbus/dbus/v5"
)

// anotherInstance reports whether a Brook holding the single-instance lock
// id is already running. Wails decides this itself only after OnStartup has
// begun, and then exits the second process; until then the second must not
// touch the first one's database (its start-up recovery would mark the
// first one's streaming answers as interrupted). It uses the D-Bus name
// Wails (v2.16, internal/frontend/desktop/linux/single_instance.go) derives
// from the id. Without a session bus there is no lock, and no other.
func anotherInstance(id string) bool {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return false
	}
	defer conn.Close()
	name := "org.wails_app_" + strings.ReplaceAll(strings.ReplaceAll(id, "-", "_"), ".", "_") + ".SingleInstance"
	var owned bool
	if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, name).Store(&owned); err != nil {
		return false
	}
	return owned
}
