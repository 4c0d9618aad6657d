package exchange

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"brook/backend/guard"
	"brook/backend/i18n"
	"brook/backend/store"
	"brook/backend/transfer"
	"brook/backend/transfer/importers"
	"brook/backend/transfer/importers/registry"
)

// ErrNoConversationsFile is returned by [Read] for a ZIP or folder in which
// no importer finds an export.
var ErrNoConversationsFile = i18n.New("Import.noExportInFolder")

// Report is what [Read] found: the conversations, which kind of export
// they came from, and what was left out and why.
type Report struct {
	Bundles []store.Bundle
	Source  transfer.Source
	// Name names the kind of export for the user, in the language current
	// when it was read: "Open WebUI export".
	Name    string
	Skipped []string
}

// Read reads what the user picked to import: a file, a folder or a ZIP,
// recognised by content (see package registry for the formats). Nothing
// past [importers.MaxInputBytes] in all, or [importers.MaxFiles] files, is
// read; JSON that is not UTF-8, nests too deep or holds too long a text is
// refused whole. Errors name the file.
func Read(filePath string) ([]store.Bundle, transfer.Source, error) {
	r, err := ReadReport(filePath)
	return r.Bundles, r.Source, err
}

// ReadReport is [Read] with what was left out.
func ReadReport(filePath string) (Report, error) {
	in, err := gather(filePath)
	if err != nil {
		return Report{}, unreadable(filePath, err)
	}
	res, imp, err := registry.Parse(in)
	if err != nil {
		if in.Folder && errors.Is(err, importers.ErrUnknownFormat) {
			err = ErrNoConversationsFile
		}
		return Report{}, unreadable(filePath, err)
	}
	return Report{Bundles: res.Bundles, Source: imp.Source, Name: imp.Title(), Skipped: res.Skipped}, nil
}

// gather reads the files of what was picked.
func gather(filePath string) (*importers.Input, error) {
	info, err := os.Stat(filePath)
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return gatherFolder(filePath)
	}
	if !info.Mode().IsRegular() {
		return nil, i18n.New("Import.notAFile")
	}
	if info.Size() > importers.MaxInputBytes {
		return nil, i18n.Kind(transfer.ErrTooLarge, "Transfer.tooLarge", i18n.Args{"Max": guard.Size(importers.MaxInputBytes), "Size": guard.Size(info.Size())})
	}
	if info.Size() == 0 {
		return nil, transfer.ErrEmpty
	}
	data, err := os.ReadFile(filePath)
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return gatherZip(data)
	}
	if !looksJSON(data) {
		return nil, i18n.Kind(transfer.ErrUnknownFormat, "Import.notJSONFolderOrZip", nil)
	}
	if err := importers.Check(filepath.Base(filePath), data); err != nil {
		return nil, err
	}
	return &importers.Input{Files: []importers.File{{Name: filepath.Base(filePath), Data: data}}}, nil
}

// budget counts what a folder or ZIP has given so far.
type budget struct {
	files int
	bytes int64
}

func (b *budget) take(name string, n int64) error {
	b.files++
	b.bytes += n
	if b.files > importers.MaxFiles {
		return i18n.Kind(importers.ErrHostile, "Import.tooManyFiles", i18n.Args{"Max": importers.MaxFiles})
	}
	if b.bytes > importers.MaxInputBytes {
		return i18n.Kind(importers.ErrHostile, "Import.filesTooLarge", i18n.Args{"Max": guard.Size(importers.MaxInputBytes), "At": name})
	}
	return nil
}

// add keeps a file of a folder or ZIP, checked when it is JSON. Other files
// (pictures, attachments) are kept as they are, for importers that look
// them up.
func add(in *importers.Input, name string, data []byte) error {
	if looksJSON(data) {
		if err := importers.Check(name, data); err != nil {
			return err
		}
	}
	in.Files = append(in.Files, importers.File{Name: name, Data: data})
	return nil
}

func gatherFolder(root string) (*importers.Input, error) {
	in := &importers.Input{Folder: true}
	var b budget
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil // folders, and links that could lead out or round
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if err := b.take(rel, info.Size()); err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return add(in, rel, data)
	})
	return in, err
}

func gatherZip(data []byte) (*importers.Input, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, i18n.Wrap("Import.zipUnreadable", err, nil)
	}
	in := &importers.Input{Folder: true}
	var b budget
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || path.Base(f.Name) == ".DS_Store" {
			continue
		}
		// What the ZIP claims is checked first, and reading stops at the
		// limit whatever it claimed: a bomb claims little.
		claimed := int64(min(f.UncompressedSize64, uint64(1<<62)))
		if err := b.take(f.Name, claimed); err != nil {
			return nil, err
		}
		rc, err := f.Open()
		if err != nil {
			return nil, i18n.Wrap("Import.zipEntryUnreadable", err, i18n.Args{"Name": f.Name})
		}
		left := importers.MaxInputBytes - (b.bytes - claimed)
		content, err := io.ReadAll(io.LimitReader(rc, left+1))
		rc.Close()
		if err != nil {
			return nil, i18n.Wrap("Import.zipEntryUnreadable", err, i18n.Args{"Name": f.Name})
		}
		if int64(len(content)) > left {
			return nil, i18n.Kind(importers.ErrHostile, "Import.zipExpandsPast", i18n.Args{"Max": guard.Size(importers.MaxInputBytes), "At": f.Name})
		}
		b.bytes += int64(len(content)) - claimed
		if err := add(in, f.Name, content); err != nil {
			return nil, err
		}
	}
	return in, nil
}

// looksJSON reports whether data starts, past a byte order mark and white
// space, like JSON or JSON Lines.
func looksJSON(data []byte) bool {
	data = bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	return len(data) > 0 && (data[0] == '{' || data[0] == '[')
}
