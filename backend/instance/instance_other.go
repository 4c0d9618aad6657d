//go:build !linux

package instance

import "errors"

// Running reports whether a Brook window holds the single-instance lock of
// dataDir. Elsewhere Wails' lock is not on D-Bus, and Brook cannot see it.
func Running(string) bool { return false }

// ErrNoWindow is returned by [Tell] when no Brook window is open on the
// data folder, or Brook cannot find it.
var ErrNoWindow = errors.New("no Brook window is open on that data folder")

// Tell hands args to the Brook window open on dataDir. Elsewhere Brook
// cannot reach it.
func Tell(string, []string) error { return ErrNoWindow }
