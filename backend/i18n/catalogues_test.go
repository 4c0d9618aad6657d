package i18n

import (
	"bytes"
	"io/fs"
	"os"
	"slices"
	"testing"
)

// The binary embeds catalogues.zip, not the JSON beside it: the zip must
// hold exactly the JSON files as they are now.
func TestEmbeddedCataloguesAreTheSources(t *testing.T) {
	const fix = "backend/i18n/catalogues.zip is stale: run `make catalogues` (or `go generate ./backend/i18n`) and commit it"
	sources := os.DirFS(".")
	want, err := fs.Glob(sources, "locales/*.json")
	if err != nil || len(want) == 0 {
		t.Fatalf("no locales/*.json beside the test (%v)", err)
	}
	got, err := fs.Glob(files(), "locales/*")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("the zip holds %v, the sources are %v; %s", got, want, fix)
	}
	for _, name := range want {
		src, err := fs.ReadFile(sources, name)
		if err != nil {
			t.Fatal(err)
		}
		packed, err := fs.ReadFile(files(), name)
		if err != nil {
			t.Fatalf("%s: %v; %s", name, err, fix)
		}
		if !bytes.Equal(packed, src) {
			t.Errorf("%s differs from its source; %s", name, fix)
		}
	}
}
