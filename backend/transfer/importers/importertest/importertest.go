// Package importertest runs an importer on a fixture, stores what it made
// in a fresh database and compares what was stored with a golden file,
// field by field; with -update it rewrites the golden file.
package importertest

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"brook/backend/store"
	"brook/backend/transfer/importers"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// stored is what a golden file holds: every conversation as the store
// gives it back, and the closing summary.
type stored struct {
	Conversations []store.Bundle `json:"conversations"`
	Skipped       []string       `json:"skipped"`
}

// Load reads the fixture at path (a file, or a folder whose files all
// count) as an [importers.Input].
func Load(t testing.TB, path string) *importers.Input {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if !info.IsDir() {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return &importers.Input{Files: []importers.File{{Name: filepath.Base(path), Data: data}}}
	}
	in := &importers.Input{Folder: true}
	err = filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(path, p)
		in.Files = append(in.Files, importers.File{Name: filepath.ToSlash(rel), Data: data})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// Golden checks that imp recognises the fixture at fixture, imports it into
// a fresh store whole, that a second import adds nothing, and that what
// the store holds matches golden.
func Golden(t *testing.T, imp *importers.Importer, fixture, golden string) {
	t.Helper()
	in := Load(t, fixture)
	if !imp.Detect(in) {
		t.Fatalf("%s does not recognise %s", imp.Name, fixture)
	}
	res, err := imp.Parse(in)
	if err != nil {
		t.Fatalf("%s: %v", fixture, err)
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	first, err := st.Import(ctx, res.Bundles)
	if err != nil || first.Imported != len(res.Bundles) {
		t.Fatalf("%s: import = %+v, %v", fixture, first, err)
	}
	// The same content again, parsed afresh, is skipped whole.
	again, err := imp.Parse(Load(t, fixture))
	if err != nil {
		t.Fatal(err)
	}
	second, err := st.Import(ctx, again.Bundles)
	if err != nil || second.Imported != 0 || second.Skipped != len(res.Bundles) {
		t.Fatalf("%s: a second import = %+v, %v; want all skipped", fixture, second, err)
	}
	list, err := st.ListExport(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := stored{Skipped: res.Skipped}
	for b, err := range list.Bundles(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		got.Conversations = append(got.Conversations, b)
	}
	Compare(t, got, golden)
}

// Compare compares v, as indented JSON, with the golden file, naming the
// first line that differs.
func Compare(t *testing.T, v any, golden string) {
	t.Helper()
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, '\n')
	if *update {
		if err := os.WriteFile(golden, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run the test with -update to write it)", err)
	}
	if bytes.Equal(data, want) {
		return
	}
	gotLines, wantLines := strings.Split(string(data), "\n"), strings.Split(string(want), "\n")
	for i := range max(len(gotLines), len(wantLines)) {
		var g, w string
		if i < len(gotLines) {
			g = gotLines[i]
		}
		if i < len(wantLines) {
			w = wantLines[i]
		}
		if g != w {
			t.Fatalf("%s differs at line %d:\n got: %s\nwant: %s\n(run with -update if the change is meant)", golden, i+1, g, w)
		}
	}
}

// Fuzz feeds imp arbitrary files, seeded with the fixtures in testdata: it
// must never panic, and what it returns must be storable or an error.
func Fuzz(f *testing.F, imp *importers.Importer) {
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
		check(t, imp, &importers.Input{Files: []importers.File{{Name: "fuzz.json", Data: data}}})
	})
}

// FuzzFolder is [Fuzz] for importers of folders: each input is split at
// NUL bytes into files, each written "name\ncontent". The seeds are the
// folders in testdata, joined that way.
func FuzzFolder(f *testing.F, imp *importers.Importer) {
	dirs, _ := os.ReadDir("testdata")
	for _, d := range dirs {
		if !d.IsDir() || d.Name() == "fuzz" {
			continue
		}
		var seed []byte
		for _, file := range Load(f, filepath.Join("testdata", d.Name())).Files {
			if len(seed) > 0 {
				seed = append(seed, 0)
			}
			seed = append(append(append(seed, file.Name...), '\n'), file.Data...)
		}
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in := &importers.Input{Folder: true}
		for _, part := range bytes.Split(data, []byte{0}) {
			name, content, _ := bytes.Cut(part, []byte("\n"))
			if importers.Check(string(name), content) != nil {
				return
			}
			in.Files = append(in.Files, importers.File{Name: string(name), Data: content})
		}
		check(t, imp, in)
	})
}

// check runs imp on in, when it recognises it, and fails on a result the
// store could not take.
func check(t *testing.T, imp *importers.Importer, in *importers.Input) {
	if !imp.Detect(in) {
		return
	}
	res, err := imp.Parse(in)
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
}
