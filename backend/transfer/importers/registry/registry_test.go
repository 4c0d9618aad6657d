package registry

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"brook/backend/transfer/importers"
	"brook/backend/transfer/importers/importertest"
)

// TestEachFixtureHasOneImporter checks, for every fixture of every
// importer, that Detect picks that importer and that no other importer
// claims the fixture too: the order of All must not be what tells them
// apart.
func TestEachFixtureHasOneImporter(t *testing.T) {
	owners := map[string]*importers.Importer{}
	for _, imp := range All {
		owners[string(imp.Source)] = imp
	}
	fixtures := 0
	for _, dir := range []string{"claude", "openwebui", "lmstudio", "jan", "chatbox", "cherrystudio"} {
		want := owners[dir]
		if want == nil {
			t.Fatalf("no importer of source %q in All", dir)
		}
		entries, err := os.ReadDir(filepath.Join("..", dir, "testdata"))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			name := e.Name()
			if strings.HasSuffix(name, ".golden.json") || name == "fuzz" || (!e.IsDir() && !strings.HasSuffix(name, ".json")) {
				continue
			}
			fixtures++
			t.Run(dir+"/"+name, func(t *testing.T) {
				in := importertest.Load(t, filepath.Join("..", dir, "testdata", name))
				if got := Detect(in); got != want {
					t.Fatalf("Detect = %v, want %s", got, want.Name)
				}
				for _, other := range All {
					if other != want && other.Detect(in) {
						t.Errorf("%s claims it too", other.Name)
					}
				}
			})
		}
	}
	if fixtures < 12 {
		t.Fatalf("only %d fixtures found", fixtures)
	}
}
