package openwebui

import (
	"testing"

	"brook/backend/transfer/importers/importertest"
)

// TestFixtures imports each known layout: the chat menu's and settings'
// download (an array of chat records, with a branching tree, reasoning, a
// picture and a file), a chat's own JSON, and the plain message list of
// exports older than the tree.
func TestFixtures(t *testing.T) {
	for _, name := range []string{"all-chats", "chat", "old-list"} {
		t.Run(name, func(t *testing.T) {
			importertest.Golden(t, Importer, "testdata/"+name+".json", "testdata/"+name+".golden.json")
		})
	}
}
