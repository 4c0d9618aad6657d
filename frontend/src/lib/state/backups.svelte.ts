// Settings → Backups: the daily backups and the databases restores kept,
// newest first. Either kind can be restored at the next start; a kept
// database can be deleted, and only by the user (the view asks first).
import { t } from '../i18n/t.svelte';
import { api, type BackupInfo } from '../api';
import { toasts } from './toasts.svelte';

export class BackupsStore {
  list = $state<BackupInfo[]>([]);

  /** Reads the list; a failure is a toast and an empty list (the rest of Settings works without it). */
  async load(): Promise<void> {
    try {
      this.list = await api.SettingsService.Backups();
    } catch (e) {
      this.list = [];
      toasts.fail(t('backups.couldNotListBackups'), e);
    }
  }

  /** Asks Go to restore b at the next start; says so, or why not. */
  async restore(b: BackupInfo): Promise<void> {
    try {
      await api.SettingsService.RestoreBackup(b.path);
      toasts.show(t('backups.backupWillBeRestoredWhen'), 'info', undefined, 12000);
    } catch (e) {
      toasts.fail(t('backups.couldNotRestoreBackup'), e);
    }
  }

  /** Deletes a database a restore kept, then lists again (what Go has now, whether or not it was deleted). */
  async deleteKept(b: BackupInfo): Promise<void> {
    try {
      await api.SettingsService.DeleteKeptDatabase(b.path);
      toasts.show(t('backups.deletedKeptDatabase'));
    } catch (e) {
      toasts.fail(t('backups.couldNotDeleteKeptDatabase'), e);
    }
    await this.load();
  }
}

export const backups = new BackupsStore();
