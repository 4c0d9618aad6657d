package app

import (
	"cmp"
	"path/filepath"
	"slices"

	"brook/backend/i18n"
	"brook/backend/store"
)

// BackupInfo is one file the database can be restored from.
type BackupInfo struct {
	Path      string `json:"path"`
	CreatedAt int64  `json:"createdAt"`
	SizeBytes int64  `json:"sizeBytes"`
	// Kind is "daily" (a daily backup, rotated by Brook) or
	// "before-restore" (a database a restore replaced, kept until the user
	// deletes it).
	Kind string `json:"kind"`
}

// Backups lists the daily backups and the databases kept before a restore,
// newest first.
func (s *SettingsService) Backups() ([]BackupInfo, error) {
	if err := s.a.ready(); err != nil {
		return []BackupInfo{}, err
	}
	daily, err := store.ListBackups(s.a.layout.Backups)
	if err != nil {
		return []BackupInfo{}, err
	}
	kept, err := store.ListKept(s.a.layout.Database)
	if err != nil {
		return []BackupInfo{}, err
	}
	out := make([]BackupInfo, 0, len(daily)+len(kept))
	for _, b := range append(kept, daily...) {
		out = append(out, BackupInfo{Path: b.Path, CreatedAt: b.Day.UnixMilli(), SizeBytes: b.Size, Kind: b.Kind})
	}
	slices.SortStableFunc(out, func(x, y BackupInfo) int { return cmp.Compare(y.CreatedAt, x.CreatedAt) })
	return out, nil
}

// RestoreBackup schedules a backup to replace the database when Brook next
// starts; the current database is then kept beside it. Only one of Brook's
// backups or kept databases is accepted (the store checks the path).
func (s *SettingsService) RestoreBackup(path string) error {
	if err := s.a.ready(); err != nil {
		return err
	}
	return store.ScheduleRestore(s.a.layout.Database, s.a.layout.Backups, path)
}

// DeleteKeptDatabase deletes a database a restore kept (one listed by
// Backups with kind "before-restore"). Nothing else is deleted this way.
func (s *SettingsService) DeleteKeptDatabase(path string) error {
	if err := s.a.ready(); err != nil {
		return err
	}
	if err := store.DeleteKept(s.a.layout.Database, path); err != nil {
		return err
	}
	s.a.log.Info("kept database deleted", "path", path)
	return nil
}

// restoredNotice tells the user at start-up which backup was restored and
// where the database it replaced is kept.
func restoredNotice(r store.Restored) string {
	if r.KeptAs != "" {
		return i18n.T("Backups.restoredKept", i18n.Args{"Backup": filepath.Base(r.Backup), "KeptAs": r.KeptAs})
	}
	return i18n.T("Backups.restored", i18n.Args{"Backup": filepath.Base(r.Backup)})
}

// restoreFailedNotice tells the user a restore failed, and where their
// database is if it had already been set aside.
func restoreFailedNotice(r store.Restored, err error) string {
	if r.KeptAs != "" {
		return i18n.T("Backups.restoreFailedKept", i18n.Args{"Err": err, "KeptAs": r.KeptAs})
	}
	return i18n.T("Backups.restoreFailed", i18n.Args{"Err": err})
}
