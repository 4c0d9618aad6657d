package exchange

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"

	"brook/backend/store"
	"brook/backend/transfer"
)

// chatGPTFile is the file of a ChatGPT data export that holds the
// conversations. The export is a ZIP with it at the top, beside chat.html,
// user.json, message_feedback.json and the attachments (as described by
// github.com/jack-driscoll/chatgpt-dataexport README.md and
// github.com/cbwinslow/upload personal/chatgpt-archive/README.md).
const chatGPTFile = "conversations.json"

// ErrNoConversationsFile is returned by [Read] for a ZIP with no
// conversations.json in it.
var ErrNoConversationsFile = errors.New("this ZIP has no conversations.json; is it a ChatGPT data export?")

// Read reads a file to import: Brook's JSON export, a ChatGPT
// conversations.json, or the ZIP of a ChatGPT data export (its
// conversations.json is read, at the top or, if the ZIP was made of the
// unpacked folder, in that one folder). Errors name the file.
func Read(filePath string) ([]store.Bundle, transfer.Source, error) {
	f, err := os.Open(filePath)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, "", err
	}
	if !info.Mode().IsRegular() {
		return nil, "", fmt.Errorf("%s: not a file", filepath.Base(filePath))
	}
	head := make([]byte, 4)
	n, _ := io.ReadFull(f, head)
	if bytes.Equal(head[:n], []byte("PK\x03\x04")) {
		bundles, source, err := readZip(f, info.Size())
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", filepath.Base(filePath), err)
		}
		return bundles, source, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, "", err
	}
	bundles, source, err := transfer.Parse(f, info.Size())
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", filepath.Base(filePath), err)
	}
	return bundles, source, nil
}

// readZip reads the conversations.json of a ChatGPT export's ZIP.
func readZip(r io.ReaderAt, size int64) ([]store.Bundle, transfer.Source, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, "", fmt.Errorf("reading the ZIP: %w", err)
	}
	var found []*zip.File
	for _, f := range zr.File {
		if path.Base(f.Name) != chatGPTFile || f.FileInfo().IsDir() {
			continue
		}
		if f.Name == chatGPTFile {
			found = []*zip.File{f}
			break
		}
		if dir := path.Dir(f.Name); path.Dir(dir) == "." {
			found = append(found, f)
		}
	}
	switch {
	case len(found) == 0:
		return nil, "", ErrNoConversationsFile
	case len(found) > 1:
		return nil, "", fmt.Errorf("this ZIP has %d conversations.json files; unzip it and import the one you mean", len(found))
	}
	rc, err := found[0].Open()
	if err != nil {
		return nil, "", fmt.Errorf("reading %s in the ZIP: %w", found[0].Name, err)
	}
	defer rc.Close()
	// The size the ZIP claims is checked against transfer's limit before
	// anything is read, and reading stops at the limit whatever it claimed.
	size64 := int64(min(found[0].UncompressedSize64, uint64(1<<62)))
	bundles, source, err := transfer.Parse(rc, size64)
	if err != nil {
		return nil, "", fmt.Errorf("%s in the ZIP: %w", found[0].Name, err)
	}
	return bundles, source, nil
}
