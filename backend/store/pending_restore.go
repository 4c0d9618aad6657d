package store

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"brook/backend/fsutil"
	"brook/backend/guard"
	"brook/backend/i18n"
)

// pendingRestoreFile names the backup to restore at the next start. A restore
// waits for a restart because the database cannot be swapped safely under a
// running app: every open handle and running answer would have to be torn down.
const pendingRestoreFile = ".restore-pending"

// ScheduleRestore arranges for [ApplyScheduledRestore] to restore the backup
// at backupPath into dbPath at the next start. Only one of Brook's own
// backups is restored: a daily backup (brook-YYYYMMDD.db) directly in
// backupsDir, or a database an earlier restore kept beside dbPath (see
// [ListKept]), once the path is cleaned and every symbolic link resolved, so
// neither "..", nor a link, nor any other path leads outside those folders.
// The backup must also be a sound database this build can open. A refusal
// says why in plain words, matches [ErrInvalid] and schedules nothing.
func ScheduleRestore(dbPath, backupsDir, backupPath string) error {
	resolved, err := restorable(dbPath, backupsDir, backupPath)
	if err != nil {
		return err
	}
	if err := checkBackup(resolved); err != nil {
		return refused(i18n.Wrap("Backups.cannotRestore", err, i18n.Args{"Backup": filepath.Base(resolved)}))
	}
	return fsutil.WriteAtomically(dbPath+pendingRestoreFile, 0o600, func(w io.Writer) error {
		_, err := io.WriteString(w, resolved)
		return err
	})
}

// errNotABackup is why a path that is not one of Brook's backups is refused.
var errNotABackup = i18n.New("Backups.notABackup")

// restorable returns backupPath with every link resolved, if it is a daily
// backup in backupsDir or a database kept beside dbPath; else a refusal.
func restorable(dbPath, backupsDir, backupPath string) (string, error) {
	if err := guard.Path(backupPath); err != nil {
		return "", refused(err)
	}
	if dbPath != "" && filepath.Dir(filepath.Clean(backupPath)) == filepath.Dir(filepath.Clean(dbPath)) {
		return fileInFolder(filepath.Dir(dbPath), backupPath, keptPattern(filepath.Base(dbPath)), errNotABackup)
	}
	if backupsDir == "" {
		return "", refused(i18n.New("Backups.noFolder"))
	}
	return fileInFolder(backupsDir, backupPath, backupName, errNotABackup)
}

// fileInFolder returns path with every link resolved, if it is a regular
// file directly in dir whose name matches name; else a refusal, notOne when
// it is not such a file.
func fileInFolder(dir, path string, name *regexp.Regexp, notOne error) (string, error) {
	if err := guard.Path(path); err != nil {
		return "", refused(err)
	}
	folder, err := filepath.EvalSymlinks(filepath.Clean(dir))
	if err != nil {
		return "", refused(i18n.Wrap("Backups.folderUnreadable", err, i18n.Args{"Folder": dir}))
	}
	if folder, err = filepath.Abs(folder); err != nil {
		return "", err
	}
	cleaned := filepath.Clean(path)
	// Refuse what is outside before looking at it at all.
	if filepath.Dir(cleaned) != filepath.Clean(dir) && filepath.Dir(cleaned) != folder {
		return "", refused(notOne)
	}
	resolved, err := filepath.EvalSymlinks(cleaned)
	if errors.Is(err, os.ErrNotExist) {
		return "", refused(i18n.Errorf("Backups.fileGone", i18n.Args{"File": filepath.Base(cleaned)}))
	}
	if err != nil {
		return "", refused(notOne)
	}
	if resolved, err = filepath.Abs(resolved); err != nil {
		return "", err
	}
	if filepath.Dir(resolved) != folder || !name.MatchString(filepath.Base(resolved)) {
		return "", refused(notOne)
	}
	info, err := os.Lstat(resolved)
	if err != nil || !info.Mode().IsRegular() {
		return "", refused(notOne)
	}
	return resolved, nil
}

// Restored says what [ApplyScheduledRestore] did.
type Restored struct {
	// Backup is the file restored, "" when no restore was scheduled.
	Backup string
	// KeptAs is where the database it replaced is kept ("" when there was
	// none).
	KeptAs string
}

// ApplyScheduledRestore restores the backup [ScheduleRestore] chose, if any,
// with [RestoreBackup]. Call it before [Open]. The schedule is removed
// either way, so a backup that fails to restore is not tried on every start.
func ApplyScheduledRestore(dbPath string) (Restored, error) {
	marker := dbPath + pendingRestoreFile
	data, err := os.ReadFile(marker)
	if errors.Is(err, os.ErrNotExist) {
		return Restored{}, nil
	}
	if err != nil {
		return Restored{}, err
	}
	if err := os.Remove(marker); err != nil {
		return Restored{}, err
	}
	backup := strings.TrimSpace(string(data))
	kept, err := RestoreBackup(dbPath, backup)
	return Restored{Backup: backup, KeptAs: kept}, err
}
