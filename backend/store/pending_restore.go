package store

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// pendingRestoreFile names the backup to restore at the next start. A restore
// waits for a restart because the database cannot be swapped safely under a
// running app: every open handle and running answer would have to be torn down.
const pendingRestoreFile = ".restore-pending"

// ScheduleRestore checks backupPath and arranges for [ApplyScheduledRestore]
// to restore it into dbPath at the next start.
func ScheduleRestore(dbPath, backupPath string) error {
	if err := checkBackup(backupPath); err != nil {
		return fmt.Errorf("store: restore %s: %w", backupPath, err)
	}
	return os.WriteFile(dbPath+pendingRestoreFile, []byte(backupPath), 0o600)
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
