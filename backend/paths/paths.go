// Package paths says where Brook keeps its files on each platform.
package paths

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
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
// --help, and to name the single-instance lock before the window opens).
func Where() (Layout, error) {
	data, err := dataDir(runtime.GOOS, os.Getenv, os.UserHomeDir)
	if err != nil {
		return Layout{}, err
	}
	return Layout{
		Data:     data,
		Database: filepath.Join(data, "brook.db"),
		Backups:  filepath.Join(data, "backups"),
		Logs:     filepath.Join(data, "logs"),
	}, nil
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
