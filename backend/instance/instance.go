// Package instance knows whether a Brook window is open on a data folder,
// and can tell it something, through the single-instance lock Wails keeps
// on the D-Bus session bus: one Brook window per data folder.
package instance

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// AppID is Brook's reverse-DNS id; the desktop file and the single-instance
// lock use it.
const AppID = "io.github.brook.Brook"

// ConversationsChanged is the argument the brook command hands to the window
// after it changed the conversations (an import), so the window reads its
// list again. A second launch of the window never passes it: the command
// line refuses it as an unknown flag.
const ConversationsChanged = "--conversations-changed"

// ID names the single-instance lock of the window on dataDir: one Brook per
// data folder, so Brooks with separate data folders (other users, the e2e
// tests) run side by side. Wails turns it into a D-Bus name, which allows
// only letters, digits and "_" in each element, so the folder is hashed.
func ID(dataDir string) string {
	sum := sha256.Sum256([]byte(dataDir))
	return AppID + ".d" + hex.EncodeToString(sum[:8])
}

// busName and objectPath are where Wails (v2.16,
// internal/frontend/desktop/linux/single_instance.go) exports the lock's
// SendMessage method for the id.
func busName(id string) string {
	return "org." + wailsID(id) + ".SingleInstance"
}

func objectPath(id string) string {
	return "/org/" + wailsID(id) + "/SingleInstance"
}

func wailsID(id string) string {
	return "wails_app_" + strings.ReplaceAll(strings.ReplaceAll(id, "-", "_"), ".", "_")
}
