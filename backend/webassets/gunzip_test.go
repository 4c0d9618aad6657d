package webassets

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"testing"
	"testing/fstest"
)

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := io.WriteString(w, s); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGunzipOpensFilesAsTheyWere(t *testing.T) {
	script := "console.log('ünïcödé');\n"
	fsys := Gunzip(fstest.MapFS{
		"index.html":              {Data: []byte("<!doctype html>")},
		"assets/index-abc.js.gz":  {Data: gz(t, script)},
		"assets/font.woff2":       {Data: []byte{0x77, 0x4f, 0x46, 0x32}},
		"assets/style-def.css.gz": {Data: gz(t, "body{}")},
	})
	// fstest.TestFS opens, reads, stats and lists every file under the names it expects.
	if err := fstest.TestFS(fsys, "index.html", "assets/index-abc.js", "assets/font.woff2", "assets/style-def.css"); err != nil {
		t.Fatal(err)
	}
	got, err := fs.ReadFile(fsys, "assets/index-abc.js")
	if err != nil || string(got) != script {
		t.Fatalf("read %q, %v; want %q", got, err, script)
	}
	info, err := fs.Stat(fsys, "assets/index-abc.js")
	if err != nil || info.Size() != int64(len(script)) || info.Name() != "index-abc.js" {
		t.Fatalf("stat %+v, %v", info, err)
	}
}

func TestGunzipMissingAndDamagedFiles(t *testing.T) {
	fsys := Gunzip(fstest.MapFS{"bad.js.gz": {Data: []byte("not gzip")}})
	if _, err := fsys.Open("missing.js"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v, want fs.ErrNotExist", err)
	}
	_, err := fsys.Open("bad.js")
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Path != "bad.js" || errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("damaged file: %v, want a path error naming bad.js", err)
	}
}
