// Package paths says where Brook keeps its files on each platform.
package paths

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
)

// Layout is where Brook's files live.
type Layout struct {
	Data     string `json:"data"`
	Database string `json:"database"`
	Backups  string `json:"backups"`
	Logs     string `json:"logs"`
}

// Resolve returns the layout for this user and creates its folders.
// On Linux the data folder is $XDG_DATA_HOME/brook, or ~/.local/share/brook.
func Resolve() (Layout, error) {
	l, err := Where()
	if err != nil {
		return Layout{}, err
	}
	for _, dir := range []string{l.Data, l.Backups, l.Logs} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return Layout{}, err
		}
	}
	return l, nil
}

// Where returns the layout for this user without creating anything (for
// --help, and to name the single-instance lock before the window opens):
// the folder [UseDataDir] chose, else the platform's.
func Where() (Layout, error) {
	if dir := chosen.Load(); dir != nil {
		return At(*dir), nil
	}
	data, err := dataDir(runtime.GOOS, os.Getenv, os.UserHomeDir)
	if err != nil {
		return Layout{}, err
	}
	return At(data), nil
}

// At returns the layout of Brook's files in the data folder data, without
// creating anything.
func At(data string) Layout {
	return Layout{
		Data:     data,
		Database: filepath.Join(data, "brook.db"),
		Backups:  filepath.Join(data, "backups"),
		Logs:     filepath.Join(data, "logs"),
	}
}

// chosen is the data folder given with --data, if any.
var chosen atomic.Pointer[string]

// UseDataDir makes [Where] and [Resolve] use dir as the data folder, for
// `brook --data DIR`; "" goes back to the platform's. dir is made absolute,
// so the window's single-instance lock names the same folder whatever the
// working directory. Call it before anything asks where the files are.
func UseDataDir(dir string) error {
	if dir == "" {
		chosen.Store(nil)
		return nil
	}
	abs, err := Absolute(dir)
	if err != nil {
		return err
	}
	chosen.Store(&abs)
	return nil
}

// Absolute returns dir as the clean absolute path a data folder is known by.
func Absolute(dir string) (string, error) {
	if strings.TrimSpace(dir) == "" {
		return "", errors.New("the data folder must not be empty")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("the data folder %s: %w", dir, err)
	}
	return abs, nil
}

func dataDir(goos string, getenv func(string) string, home func() (string, error)) (string, error) {
	switch goos {
	case "windows":
		for _, v := range []string{"LOCALAPPDATA", "APPDATA"} {
			if dir := getenv(v); dir != "" {
				return filepath.Join(dir, "Brook"), nil
			}
		}
		return "", errors.New("neither LOCALAPPDATA nor APPDATA is set")
	case "darwin":
		h, err := home()
		if err != nil {
			return "", err
		}
		return filepath.Join(h, "Library", "Application Support", "Brook"), nil
	default:
		if dir := getenv("XDG_DATA_HOME"); filepath.IsAbs(dir) {
			return filepath.Join(dir, "brook"), nil
		}
		h, err := home()
		if err != nil {
			return "", err
		}
		return filepath.Join(h, ".local", "share", "brook"), nil
	}
}
