// Command catalogues packs the Go side's message catalogues
// (backend/i18n/locales/*.json) into backend/i18n/catalogues.zip, which
// the binary embeds instead of the JSON: deflated, they take a quarter of
// the room. `make catalogues` runs it, and every build runs it first; the
// i18n tests fail when the committed zip is not what the JSON says.
//
// The zip is the same for the same sources: its entries are sorted and
// carry no times.
package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
)

func main() {
	dir := flag.String("dir", "backend/i18n", "the i18n package's directory: reads locales/*.json, writes catalogues.zip")
	flag.Parse()
	if err := run(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "catalogues:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	data, err := pack(os.DirFS(dir))
	if err != nil {
		return err
	}
	out := filepath.Join(dir, "catalogues.zip")
	// Written even when unchanged: make compares times, Go's build cache
	// compares contents.
	tmp := out + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, out)
}

// pack zips every locales/*.json of fsys under its own path, deflated as
// hard as Go can, in name order and with no times.
func pack(fsys fs.FS) ([]byte, error) {
	names, err := fs.Glob(fsys, "locales/*.json")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, errors.New("no locales/*.json to pack")
	}
	slices.Sort(names)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: path.Clean(name), Method: zip.Deflate})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
