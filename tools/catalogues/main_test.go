package main

import (
	"archive/zip"
	"bytes"
	"io/fs"
	"testing"
	"testing/fstest"
)

func TestPackIsTheSameForTheSameSources(t *testing.T) {
	src := fstest.MapFS{
		"locales/en.json":   {Data: []byte(`{"A": "one"}`)},
		"locales/de.json":   {Data: []byte(`{"A": "eins"}`)},
		"locales/notes.txt": {Data: []byte("not a catalogue")},
	}
	first, err := pack(src)
	if err != nil {
		t.Fatal(err)
	}
	again, err := pack(src)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, again) {
		t.Fatal("two packs of the same sources differ")
	}
	zr, err := zip.NewReader(bytes.NewReader(first), int64(len(first)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if len(names) != 2 || names[0] != "locales/de.json" || names[1] != "locales/en.json" {
		t.Fatalf("entries %v, want the two JSON files in name order", names)
	}
	for name, file := range src {
		if name == "locales/notes.txt" {
			continue
		}
		got, err := fs.ReadFile(zr, name)
		if err != nil || !bytes.Equal(got, file.Data) {
			t.Errorf("%s: read %q, %v; want %q", name, got, err, file.Data)
		}
	}
}

func TestPackRefusesADirectoryWithoutCatalogues(t *testing.T) {
	if _, err := pack(fstest.MapFS{"locales/en.txt": {Data: []byte("x")}}); err == nil {
		t.Fatal("packed nothing without an error")
	}
}
