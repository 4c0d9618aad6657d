// Package linkopen opens a link in the desktop's browser or mail program,
// in an environment the caller chooses: Brook's own holds settings meant for
// WebKit's processes only (backend/webkitenv), which a browser must not
// inherit.
package linkopen

import (
	"errors"
	"os/exec"
)

// openers are tried in order, as github.com/pkg/browser does on Linux.
var openers = []string{"xdg-open", "x-www-browser", "www-browser"}

// ErrNoOpener is returned when none of the openers is on $PATH.
var ErrNoOpener = errors.New("linkopen: no xdg-open, x-www-browser or www-browser on $PATH")

// Open starts the first opener found on $PATH with link, in environ, and
// does not wait for it to finish.
func Open(link string, environ []string) error {
	for _, name := range openers {
		path, err := exec.LookPath(name)
		if err != nil {
			continue
		}
		cmd := exec.Command(path, link)
		cmd.Env = environ
		if err := cmd.Start(); err != nil {
			return err
		}
		go cmd.Wait() // reaped, so no zombie is left behind
		return nil
	}
	return ErrNoOpener
}
