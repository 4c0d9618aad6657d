//go:build linux

package instance

import (
	"encoding/json"
	"errors"
	"os"

	"github.com/godbus/dbus/v5"
)

// Running reports whether a Brook window holds the single-instance lock of
// dataDir. Wails decides this itself only after the window's start-up has
// begun; until then a second Brook must not touch the first one's database
// (its start-up recovery would mark the first one's streaming answers as
// interrupted). Without a session bus there is no lock, and no other.
func Running(dataDir string) bool {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return false
	}
	defer conn.Close()
	var owned bool
	if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, busName(ID(dataDir))).Store(&owned); err != nil {
		return false
	}
	return owned
}

// ErrNoWindow is returned by [Tell] when no Brook window is open on the
// data folder (or there is no session bus to find one on).
var ErrNoWindow = errors.New("no Brook window is open on that data folder")

// Tell hands args to the Brook window open on dataDir, as a second launch
// of the window does: Wails passes them to the window's
// OnSecondInstanceLaunch.
func Tell(dataDir string, args []string) error {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return ErrNoWindow
	}
	defer conn.Close()
	id := ID(dataDir)
	var owned bool
	if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, busName(id)).Store(&owned); err != nil || !owned {
		return ErrNoWindow
	}
	wd, _ := os.Getwd()
	// The fields of Wails' options.SecondInstanceData, which has no JSON tags.
	message, err := json.Marshal(struct {
		Args             []string
		WorkingDirectory string
	}{args, wd})
	if err != nil {
		return err
	}
	return conn.Object(busName(id), dbus.ObjectPath(objectPath(id))).Call(busName(id)+".SendMessage", 0, string(message)).Store()
}
