// The backups store: Settings → Backups without the view.
import { beforeEach, describe, expect, it } from 'vitest';
import { setApi, type BackupInfo } from '../api';
import { createFakeApi, type FakeApi } from '../fake';
import { backups } from './backups.svelte';
import { toasts } from './toasts.svelte';

const kept: BackupInfo = { path: '/b/brook.db.before-restore-1', createdAt: 2, sizeBytes: 10, kind: 'before-restore' };
const daily: BackupInfo = { path: '/b/backups/brook-1.db', createdAt: 1, sizeBytes: 10, kind: 'daily' };

let fake: FakeApi;
beforeEach(async () => {
  fake = createFakeApi({ backups: [kept, daily] });
  setApi(fake);
  toasts.toasts = [];
  await backups.load();
});

const texts = (kind: string) => toasts.toasts.filter((t) => t.kind === kind).map((t) => t.text);

describe('backups store', () => {
  it('lists what Go keeps', () => {
    expect(backups.list.map((b) => b.path)).toEqual([kept.path, daily.path]);
  });

  it('an unreadable list is empty, with a toast', async () => {
    fake.SettingsService.Backups = async () => {
      throw 'backups folder unreadable';
    };
    await backups.load();
    expect(backups.list).toEqual([]);
    expect(texts('error')).toEqual(['Could not list the backups: backups folder unreadable']);
  });

  it('restores at the next start, and says so', async () => {
    await backups.restore(daily);
    expect(fake.calls.filter((c) => c.method === 'RestoreBackup').map((c) => c.args)).toEqual([[daily.path]]);
    expect(texts('info')[0]).toMatch(/restored when Brook restarts/);
  });

  it('deletes a kept database and lists again', async () => {
    await backups.deleteKept(kept);
    expect(backups.list.map((b) => b.path)).toEqual([daily.path]);
    expect(texts('info')).toEqual(['Deleted the kept database.']);
  });

  it("lists again after Go refused a delete, with Go's reason", async () => {
    await backups.deleteKept(daily);
    expect(texts('error')[0]).toMatch(/^Could not delete the kept database: That file is not a database Brook kept/);
    expect(backups.list).toHaveLength(2);
  });
});
