// Package ollamaserver finds, starts and looks after the local Ollama
// server: when the configured local endpoint does not answer and the
// `ollama` binary is installed, Brook starts `ollama serve` as its own
// child, waits for it to answer, and stops it again on quit. Brook never
// stops an Ollama it did not start, and never restarts one in a loop: a
// failed start is reported with the last lines of Ollama's output, and
// only the user's Retry starts it again.
package ollamaserver

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"brook/backend/i18n"
)

// ErrNotInstalled is returned by [Find] when no Ollama binary is found.
var ErrNotInstalled = i18n.New("OllamaServer.notFound")

// Finder says where to look for the Ollama binary. The zero value is not
// useful; [SystemFinder] looks where this machine would.
type Finder struct {
	// GOOS is the platform whose install places are searched.
	GOOS string
	// Getenv reads the environment (LOCALAPPDATA on Windows).
	Getenv func(string) string
	// Home is the user's home folder ("" when unknown).
	Home string
	// LookPath searches $PATH, as exec.LookPath does.
	LookPath func(file string) (string, error)
	// IsProgram reports whether path is a file that can be run.
	IsProgram func(path string) bool
}

// SystemFinder looks on this machine, in its $PATH and install places.
func SystemFinder() Finder {
	home, _ := os.UserHomeDir()
	return Finder{GOOS: runtime.GOOS, Getenv: os.Getenv, Home: home, LookPath: exec.LookPath, IsProgram: isProgram}
}

// Find returns the path of the Ollama binary on this machine, or [ErrNotInstalled].
func Find() (string, error) { return SystemFinder().Find() }

// Find returns the first Ollama binary: in $PATH, then in [Finder.Places].
func (f Finder) Find() (string, error) {
	name := "ollama"
	if f.GOOS == "windows" {
		name = "ollama.exe"
	}
	if p, err := f.LookPath(name); err == nil {
		if abs, err := filepath.Abs(p); err == nil {
			return abs, nil
		}
		return p, nil
	}
	for _, p := range f.Places() {
		if f.IsProgram(p) {
			return p, nil
		}
	}
	return "", ErrNotInstalled
}

// Places are where Ollama's installers put the binary on f's platform,
// searched after $PATH: a desktop app started from a menu may not have the
// shell's $PATH.
func (f Finder) Places() []string {
	var places []string
	switch f.GOOS {
	case "windows":
		if local := f.Getenv("LOCALAPPDATA"); local != "" {
			places = append(places, filepath.Join(local, "Programs", "Ollama", "ollama.exe"))
		}
	case "darwin":
		places = append(places, "/Applications/Ollama.app/Contents/Resources/ollama", "/usr/local/bin/ollama", "/opt/homebrew/bin/ollama")
		if f.Home != "" {
			places = append(places, filepath.Join(f.Home, "Applications", "Ollama.app", "Contents", "Resources", "ollama"))
		}
	default:
		places = append(places, "/usr/local/bin/ollama", "/usr/bin/ollama")
		if f.Home != "" {
			places = append(places, filepath.Join(f.Home, ".local", "bin", "ollama"))
		}
		places = append(places, "/snap/bin/ollama")
	}
	return places
}

// isProgram reports whether path is a regular file with an execute bit (on
// Windows, any regular file: the name ends in .exe).
func isProgram(path string) bool {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	return runtime.GOOS == "windows" || fi.Mode().Perm()&0o111 != 0
}
