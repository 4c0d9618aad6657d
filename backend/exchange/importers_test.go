package exchange

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// readTree reads the files under root, by slash path.
func readTree(t *testing.T, root string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestReadOtherApps reads the importers' folder fixtures as the user picks
// them: Cherry Studio's backup as its ZIP (data.json and Data/Files), Jan's
// threads as a folder and as a ZIP of it (messages.jsonl kept beside
// thread.json).
func TestReadOtherApps(t *testing.T) {
	importers := filepath.Join("..", "transfer", "importers")
	dir := t.TempDir()
	cherryZip := filepath.Join(dir, "cherry-studio.202504031000.zip")
	writeZip(t, cherryZip, readTree(t, filepath.Join(importers, "cherrystudio", "testdata", "zip")))
	janZip := filepath.Join(dir, "jan.zip")
	writeZip(t, janZip, readTree(t, filepath.Join(importers, "jan", "testdata", "threads")))

	for _, tc := range []struct {
		name, path, source string
		conversations      int
		images             int
	}{
		{"Cherry Studio ZIP", cherryZip, "cherrystudio", 2, 1},
		{"Jan folder", filepath.Join(importers, "jan", "testdata", "threads"), "jan", 2, 1},
		{"Jan ZIP", janZip, "jan", 2, 1},
		{"one Jan thread's folder", filepath.Join(importers, "jan", "testdata", "threads-0.4", "threads", "jan_1705432100"), "jan", 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ReadReport(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			images := 0
			for _, b := range r.Bundles {
				for _, m := range b.Messages {
					images += len(m.Images)
				}
			}
			if string(r.Source) != tc.source || len(r.Bundles) != tc.conversations || images != tc.images {
				t.Fatalf("read %s: %d conversations, %d pictures; want %s: %d, %d", r.Source, len(r.Bundles), images, tc.source, tc.conversations, tc.images)
			}
		})
	}
}
