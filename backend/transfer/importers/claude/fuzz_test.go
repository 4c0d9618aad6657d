package claude

import (
	"os"
	"path/filepath"
	"testing"

	"brook/backend/transfer/importers"
)

// FuzzParse feeds the parser arbitrary files, seeded with the fixtures: it
// must never panic, and what it returns must be storable or an error.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.json")
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if importers.Check("fuzz.json", data) != nil {
			return // refused before any parser sees it
		}
		in := &importers.Input{Files: []importers.File{{Name: "fuzz.json", Data: data}}}
		if !Importer.Detect(in) {
			return
		}
		res, err := Importer.Parse(in)
		if err != nil {
			return
		}
		for _, b := range res.Bundles {
			if b.Conversation.UID == "" || b.Conversation.Title == "" {
				t.Fatalf("a bundle without a UID or title: %+v", b.Conversation)
			}
			seen := map[string]bool{}
			for _, m := range b.Messages {
				if m.ParentUID != "" && !seen[m.ParentUID] {
					t.Fatalf("message %s follows %s, which is not before it", m.UID, m.ParentUID)
				}
				seen[m.UID] = true
			}
		}
	})
}
