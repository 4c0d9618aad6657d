// Package webassets serves the web UI embedded in Brook's binary. The build
// stores its scripts and styles gzipped (a third of their size, about half a
// megabyte less binary); [Gunzip] gives the asset server the files as they
// were, decompressed once, when the window asks for them.
package webassets

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"time"
)

// Suffix marks a gzipped file in the embedded tree.
const Suffix = ".gz"

// Gunzip returns fsys where a file stored as name.gz opens as name, with its
// content decompressed. A file stored as it is opens as it is. Directories
// list the files under the names they open as.
func Gunzip(fsys fs.FS) fs.FS { return gunzipFS{fsys} }

type gunzipFS struct{ fsys fs.FS }

func (g gunzipFS) Open(name string) (fs.File, error) {
	f, err := g.fsys.Open(name)
	if err == nil {
		if info, serr := f.Stat(); serr == nil && info.IsDir() {
			return &dirFile{File: f, g: g, name: name}, nil
		}
		return f, nil
	}
	if !errors.Is(err, fs.ErrNotExist) || !fs.ValidPath(name) || name == "." {
		return nil, err
	}
	zf, zerr := g.fsys.Open(name + Suffix)
	if zerr != nil {
		return nil, err // the caller asked for name: say that name does not exist
	}
	defer zf.Close()
	info, err := zf.Stat()
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(zf)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("gunzip: %w", err)}
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("gunzip: %w", err)}
	}
	return &memFile{Reader: bytes.NewReader(data), info: fileInfo{name: baseName(name), size: int64(len(data)), mod: info.ModTime()}}, nil
}

func (g gunzipFS) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(g.fsys, name)
	if err != nil {
		return nil, err
	}
	out := make([]fs.DirEntry, 0, len(entries))
	for _, e := range entries {
		plain, zipped := cutSuffix(e.Name())
		if !zipped || e.IsDir() {
			out = append(out, e)
			continue
		}
		info, err := fs.Stat(g, joinPath(name, plain))
		if err != nil {
			return nil, err
		}
		out = append(out, fs.FileInfoToDirEntry(info))
	}
	return out, nil
}

// dirFile lists a directory under the names its files open as.
type dirFile struct {
	fs.File
	g       gunzipFS
	name    string
	entries []fs.DirEntry
	read    bool
}

func (d *dirFile) ReadDir(n int) ([]fs.DirEntry, error) {
	if !d.read {
		entries, err := d.g.ReadDir(d.name)
		if err != nil {
			return nil, err
		}
		d.entries, d.read = entries, true
	}
	if n <= 0 {
		out := d.entries
		d.entries = nil
		return out, nil
	}
	if len(d.entries) == 0 {
		return nil, io.EOF
	}
	k := min(n, len(d.entries))
	out := d.entries[:k]
	d.entries = d.entries[k:]
	return out, nil
}

// memFile is a decompressed file.
type memFile struct {
	*bytes.Reader
	info fileInfo
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Close() error               { return nil }

type fileInfo struct {
	name string
	size int64
	mod  time.Time
}

func (i fileInfo) Name() string       { return i.name }
func (i fileInfo) Size() int64        { return i.size }
func (i fileInfo) Mode() fs.FileMode  { return 0o444 }
func (i fileInfo) ModTime() time.Time { return i.mod }
func (i fileInfo) IsDir() bool        { return false }
func (i fileInfo) Sys() any           { return nil }

func cutSuffix(name string) (string, bool) {
	if len(name) > len(Suffix) && name[len(name)-len(Suffix):] == Suffix {
		return name[:len(name)-len(Suffix)], true
	}
	return name, false
}

func baseName(name string) string {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '/' {
			return name[i+1:]
		}
	}
	return name
}

func joinPath(dir, name string) string {
	if dir == "." {
		return name
	}
	return dir + "/" + name
}
