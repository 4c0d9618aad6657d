package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"brook/backend/fsutil"
	"brook/backend/guard"
)

// pendingRestoreFile names the backup to restore at the next start. A restore
// waits for a restart because the database cannot be swapped safely under a
// running app: every open handle and running answer would have to be torn down.
const pendingRestoreFile = ".restore-pending"

// ScheduleRestore arranges for [ApplyScheduledRestore] to restore the backup
// at backupPath into dbPath at the next start. Only one of Brook's own
// backups is restored: a file named like one (brook-YYYYMMDD.db) directly in
// backupsDir, once the path is cleaned and every symbolic link resolved, so
// neither "..", nor a link, nor any other path leads outside it. The backup
// must also be a sound database this build can open. A refusal says why in
// plain words, matches [ErrInvalid] and schedules nothing.
func ScheduleRestore(dbPath, backupsDir, backupPath string) error {
	resolved, err := backupInFolder(backupsDir, backupPath)
	if err != nil {
		return err
	}
	if err := checkBackup(resolved); err != nil {
		return refused(fmt.Errorf("The backup %s cannot be restored: %w.", filepath.Base(resolved), err))
	}
	return fsutil.WriteAtomically(dbPath+pendingRestoreFile, 0o600, func(w io.Writer) error {
		_, err := io.WriteString(w, resolved)
		return err
	})
}

// errNotABackup is why a path that is not one of Brook's backups is refused.
var errNotABackup = errors.New("That file is not one of Brook's backups, so Brook will not restore it. Choose one from the list in Settings → Backups.")

// backupInFolder returns backupPath with every link resolved, if it is a
// backup file directly in dir; else a refusal.
func backupInFolder(dir, backupPath string) (string, error) {
	if err := guard.Path(backupPath); err != nil {
		return "", refused(err)
	}
	if dir == "" {
		return "", refused(errors.New("Brook does not know its backups folder, so it restores nothing."))
	}
	folder, err := filepath.EvalSymlinks(filepath.Clean(dir))
	if err != nil {
		return "", refused(fmt.Errorf("Brook's backups folder cannot be read: %w", err))
	}
	if folder, err = filepath.Abs(folder); err != nil {
		return "", err
	}
	cleaned := filepath.Clean(backupPath)
	// Refuse what is outside before looking at it at all.
	if filepath.Dir(cleaned) != filepath.Clean(dir) && filepath.Dir(cleaned) != folder {
		return "", refused(errNotABackup)
	}
	resolved, err := filepath.EvalSymlinks(cleaned)
	if errors.Is(err, os.ErrNotExist) {
		return "", refused(fmt.Errorf("The backup %s is no longer there.", filepath.Base(cleaned)))
	}
	if err != nil {
		return "", refused(errNotABackup)
	}
	if resolved, err = filepath.Abs(resolved); err != nil {
		return "", err
	}
	if filepath.Dir(resolved) != folder || !backupName.MatchString(filepath.Base(resolved)) {
		return "", refused(errNotABackup)
	}
	info, err := os.Lstat(resolved)
	if err != nil || !info.Mode().IsRegular() {
		return "", refused(errNotABackup)
	}
	return resolved, nil
}

// ApplyScheduledRestore restores the backup [ScheduleRestore] chose, if any,
// with [RestoreBackup]. Call it before [Open]. It returns the backup it
// restored ("" when none was scheduled). The schedule is removed either way,
// so a backup that fails to restore is not tried on every start.
func ApplyScheduledRestore(dbPath string) (string, error) {
	marker := dbPath + pendingRestoreFile
	data, err := os.ReadFile(marker)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if err := os.Remove(marker); err != nil {
		return "", err
	}
	backup := strings.TrimSpace(string(data))
	return backup, RestoreBackup(dbPath, backup)
}
