package secrets

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"brook/backend/fsutil"
	"brook/backend/i18n"
)

// KeyFileName is the file in Brook's data folder that keeps API keys when
// there is no OS keyring and the user chose to keep them in a file.
//
// The data folder (see backend/paths) is created 0700 and already holds the
// database; the keys sit beside it, not in the database, so that backups,
// exports and copies of brook.db never carry them.
//
// The file's presence is the user's choice: it is written when they opt in
// and removed when they opt out. No separate setting is kept, so the choice
// and the keys can never disagree (a restored or reset database cannot
// switch the file on or off behind the keys' back).
const KeyFileName = "keys.json"

// keyFileMode is the only mode a key file may have: the user reads and
// writes it, nobody else.
const keyFileMode fs.FileMode = 0o600

// keyFile is the file's JSON.
type keyFile struct {
	Version int               `json:"version"`
	Keys    map[string]string `json:"keys"`
}

// checkPerms is false on Windows, whose files carry no Unix mode bits.
var checkPerms = runtime.GOOS != "windows"

// readKeyFile reads the keys in path. It returns an error wrapping
// fs.ErrNotExist when there is no file. It refuses a symbolic link, anything
// but a regular file, and a file other users could read. Its errors never
// hold the file's content.
func readKeyFile(path string) (map[string]string, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if err := usable(path, fi); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The file opened must be the one checked (not swapped for a link since).
	if opened, err := f.Stat(); err != nil {
		return nil, err
	} else if !os.SameFile(fi, opened) {
		return nil, i18n.Errorf("Secrets.fileChanged", i18n.Args{"Path": path})
	}
	data, err := io.ReadAll(io.LimitReader(f, 4<<20))
	if err != nil {
		return nil, err
	}
	var kf keyFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&kf); err != nil || kf.Version != 1 {
		// json's errors can quote the content; say only where the file is.
		return nil, i18n.Errorf("Secrets.fileForeign", i18n.Args{"Path": path})
	}
	if kf.Keys == nil {
		kf.Keys = map[string]string{}
	}
	return kf.Keys, nil
}

// usable refuses a key file that is a link, not a regular file, or readable
// by others.
func usable(path string, fi fs.FileInfo) error {
	if fi.Mode()&fs.ModeSymlink != 0 {
		return i18n.Errorf("Secrets.fileSymlink", i18n.Args{"Path": path})
	}
	if !fi.Mode().IsRegular() {
		return i18n.Errorf("Secrets.fileIrregular", i18n.Args{"Path": path})
	}
	if checkPerms && fi.Mode().Perm()&0o077 != 0 {
		return i18n.Errorf("Secrets.fileReadable", i18n.Args{"Path": path, "Mode": fmt.Sprintf("%04o", fi.Mode().Perm())})
	}
	return nil
}

// writeKeyFile replaces path with keys, atomically and with mode 0600, in a
// folder created 0700 if missing. It refuses to replace a symbolic link.
func writeKeyFile(path string, keys map[string]string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return usable(path, fi)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	data, err := json.MarshalIndent(keyFile{Version: 1, Keys: keys}, "", "  ")
	if err != nil {
		return err
	}
	return fsutil.WriteAtomically(path, keyFileMode, func(w io.Writer) error {
		_, err := w.Write(append(data, '\n'))
		return err
	})
}
