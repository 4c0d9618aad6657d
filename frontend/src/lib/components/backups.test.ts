// Settings → Backups: daily backups and the databases restores kept, each restorable; a kept one can be deleted,
// after a confirmation that names its size.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, cleanup, fireEvent, within } from '@testing-library/svelte';
import { setApi, type BackupInfo } from '../api';
import { createFakeApi, type FakeApi } from '../fake';
import { toasts } from '../state/toasts.svelte';
import SettingsView from './SettingsView.svelte';

const kept: BackupInfo = {
  path: '/tmp/brook/brook.db.before-restore-20260314-153012',
  createdAt: new Date(2026, 2, 14, 15, 30, 12).getTime(),
  sizeBytes: 2.5 * 1024 * 1024,
  kind: 'before-restore',
};
const daily: BackupInfo = {
  path: '/tmp/brook/backups/brook-20260313.db',
  createdAt: new Date(2026, 2, 13).getTime(),
  sizeBytes: 2 * 1024 * 1024,
  kind: 'daily',
};

let fake: FakeApi;
beforeEach(() => {
  fake = createFakeApi({ backups: [kept, daily] });
  setApi(fake);
  toasts.toasts = [];
});
afterEach(cleanup);

async function open() {
  const r = render(SettingsView);
  await vi.waitFor(() => expect(r.getAllByTestId('backup')).toHaveLength(2));
  const [keptRow, dailyRow] = r.getAllByTestId('backup').map((li) => within(li));
  return { r, keptRow, dailyRow };
}
const calls = (method: string) => fake.calls.filter((c) => c.method === method).map((c) => c.args);
const lastToast = () => toasts.toasts.at(-1)?.text ?? '';

describe('Settings → Backups', () => {
  it('lists both kinds, newest first, and offers Delete only for a kept database', async () => {
    const { r, keptRow, dailyRow } = await open();
    expect(r.getAllByTestId('backup').map((li) => li.dataset.kind)).toEqual(['before-restore', 'daily']);
    expect(keptRow.getByText(/Kept before a restore · 2\.5 MB/)).toBeTruthy();
    expect(dailyRow.getByText(/Daily backup · 2\.0 MB/)).toBeTruthy();
    expect(keptRow.queryByTestId('delete-kept')).not.toBeNull();
    expect(dailyRow.queryByTestId('delete-kept')).toBeNull();
  });

  it('deletes a kept database only on the second click, after naming its size', async () => {
    const { r, keptRow } = await open();
    await fireEvent.click(keptRow.getByTestId('delete-kept'));
    expect(calls('DeleteKeptDatabase')).toEqual([]);
    expect(lastToast()).toMatch(/^Delete the database kept before the restore of .+ \(2\.5 MB\)\? It cannot be undone\. Click again to confirm\.$/);
    await fireEvent.click(keptRow.getByTestId('delete-kept'));
    expect(calls('DeleteKeptDatabase')).toEqual([[kept.path]]);
    await vi.waitFor(() => expect(r.getAllByTestId('backup')).toHaveLength(1));
    expect(r.getByTestId('backup').dataset.kind).toBe('daily');
    expect(lastToast()).toBe('Deleted the kept database.');
  });

  it('restores a kept database like a daily backup', async () => {
    const { keptRow } = await open();
    await fireEvent.click(keptRow.getByText('Restore…'));
    expect(calls('RestoreBackup')).toEqual([]);
    await fireEvent.click(keptRow.getByText('Restore…'));
    expect(calls('RestoreBackup')).toEqual([[kept.path]]);
    await vi.waitFor(() => expect(lastToast()).toMatch(/restored when Brook restarts/));
  });

  it('a refused delete says why and keeps the row', async () => {
    fake.SettingsService.DeleteKeptDatabase = async () => {
      throw new Error('Brook restores that database at its next start, so it is not deleted. Restart Brook first.');
    };
    const { r, keptRow } = await open();
    await fireEvent.click(keptRow.getByTestId('delete-kept'));
    await fireEvent.click(keptRow.getByTestId('delete-kept'));
    await vi.waitFor(() =>
      expect(toasts.toasts.filter((t) => t.kind === 'error').map((t) => t.text)).toEqual([
        'Could not delete the kept database: Brook restores that database at its next start, so it is not deleted. Restart Brook first.',
      ]),
    );
    expect(r.getAllByTestId('backup')).toHaveLength(2);
  });
});
