package claude

import (
	"testing"

	"brook/backend/transfer/importers/importertest"
)

// TestFixtures imports each known layout: the 2024 data export (text and
// attachments), the 2025 one (thinking and tool blocks), and the branching
// tree that exporters through Claude.ai's own API write.
func TestFixtures(t *testing.T) {
	for _, name := range []string{"conversations-2024", "conversations-thinking", "conversations-branches"} {
		t.Run(name, func(t *testing.T) {
			importertest.Golden(t, Importer, "testdata/"+name+".json", "testdata/"+name+".golden.json")
		})
	}
}
