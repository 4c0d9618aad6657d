package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// CorruptError is returned by [Open] when the database file is not a
// database or is damaged. The file, with its -wal and -shm companions, has
// been renamed to MovedTo (the same name plus ".corrupt-<timestamp>") without
// being changed, so nothing is lost and a fresh database can be opened at
// Path. MovedTo is empty if the file could not be moved; then Err says why
// as well.
type CorruptError struct {
	Path    string
	MovedTo string
	// Err is what showed the damage: a SQLite error with code SQLITE_CORRUPT
	// or SQLITE_NOTADB, or a problem with the file header.
	Err error
}

func (e *CorruptError) Error() string {
	if e.MovedTo == "" {
		return fmt.Sprintf("store: database %s is damaged and could not be moved aside: %v", e.Path, e.Err)
	}
	return fmt.Sprintf("store: database %s is damaged (%v); it was moved to %s", e.Path, e.Err, e.MovedTo)
}

func (e *CorruptError) Unwrap() error { return e.Err }

// headerError is a problem found in the file header before SQLite opens the
// file. It counts as corruption.
type headerError struct{ reason string }

func (e *headerError) Error() string { return "not a valid SQLite database: " + e.reason }

// sqliteMagic starts every SQLite 3 database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// checkHeader validates the 100-byte database header without SQLite, so a
// file that is not a database is never touched by SQLite (opening it in WAL
// mode would create -wal and -shm files next to it). A missing or empty file
// is a new database and passes.
func checkHeader(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	size := info.Size()
	if size == 0 {
		return nil
	}
	header := make([]byte, 100)
	if _, err := io.ReadFull(f, header); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return &headerError{fmt.Sprintf("file is only %d bytes", size)}
		}
		return err
	}
	if !bytes.Equal(header[:16], sqliteMagic) {
		return &headerError{"wrong magic string"}
	}
	pageSize := int64(binary.BigEndian.Uint16(header[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	if pageSize < 512 || pageSize > 65536 || pageSize&(pageSize-1) != 0 {
		return &headerError{fmt.Sprintf("impossible page size %d", pageSize)}
	}

	// While the write-ahead log holds pages, the main file may legitimately
	// lag behind (a checkpoint was interrupted); SQLite will sort it out.
	if walHasContent(path) {
		return nil
	}
	if size < pageSize {
		return &headerError{fmt.Sprintf("file is %d bytes, smaller than one %d-byte page", size, pageSize)}
	}
	// The page count in the header is only trustworthy when the change
	// counter matches "version-valid-for" (SQLite's own rule).
	pageCount := int64(binary.BigEndian.Uint32(header[28:32]))
	changeCounter := binary.BigEndian.Uint32(header[24:28])
	validFor := binary.BigEndian.Uint32(header[92:96])
	if pageCount > 0 && changeCounter == validFor && size < pageCount*pageSize {
		return &headerError{fmt.Sprintf("file is truncated: %d bytes, header says %d pages of %d bytes", size, pageCount, pageSize)}
	}
	return nil
}

func walHasContent(path string) bool {
	info, err := os.Stat(path + "-wal")
	return err == nil && info.Size() > 0
}

// moveAside renames a damaged database and its companions out of the way.
func moveAside(path string, cause error) error {
	target := path + ".corrupt-" + time.Now().Format("20060102-150405")
	for i := 2; fileExists(target); i++ {
		target = fmt.Sprintf("%s.corrupt-%s-%d", path, time.Now().Format("20060102-150405"), i)
	}
	if err := os.Rename(path, target); err != nil {
		return &CorruptError{Path: path, Err: errors.Join(cause, err)}
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Rename(path+suffix, target+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return &CorruptError{Path: path, MovedTo: target, Err: errors.Join(cause, err)}
		}
	}
	return &CorruptError{Path: path, MovedTo: target, Err: cause}
}

func fileExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
