// Settings → Endpoints: where API keys are kept when there is no system keyring.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, cleanup, fireEvent } from '@testing-library/svelte';
import { setApi } from '../api';
import { createFakeApi, type FakeApi } from '../fake';
import { toasts } from '../state/toasts.svelte';
import SettingsView from './SettingsView.svelte';

let fake: FakeApi;
beforeEach(() => {
  fake = createFakeApi();
  setApi(fake);
});
afterEach(cleanup);

async function open() {
  const r = render(SettingsView);
  await vi.waitFor(() => expect(r.container.querySelector('.ep-name')?.textContent).toBe('Ollama'));
  return r;
}
const keyFileCalls = () => fake.calls.filter((c) => c.method === 'SetKeyFile').map((c) => c.args[0]);

describe('where API keys are kept', () => {
  it('says nothing when the system keyring works', async () => {
    const r = await open();
    expect(r.queryByTestId('key-storage')).toBeNull();
    expect(r.queryByText(/keyring is not available/)).toBeNull();
  });

  it('without a keyring, says keys last this session and offers a file, explained first', async () => {
    fake.keyStore = { where: 'session', path: '/home/ann/.local/share/brook/keys.json', fileKeys: 0 };
    const r = await open();
    const box = await vi.waitFor(() => r.getByTestId('key-storage'));
    expect(box.dataset.where).toBe('session');
    expect(box.textContent).toContain('The system keyring is not available. API keys are kept for this session only.');
    expect(box.textContent).not.toContain('keys.json');

    await fireEvent.click(r.getByRole('button', { name: 'Keep keys in a file only you can read' }));
    // The explanation comes before anything is written.
    expect(keyFileCalls()).toEqual([]);
    const text = r.getByTestId('key-storage').textContent!;
    expect(text).toContain('/home/ann/.local/share/brook/keys.json');
    expect(text).toContain('mode 0600');
    expect(text).toContain('not encrypted');
    expect(text).toContain('anyone with your user account, or root, can read it');

    await fireEvent.click(r.getByRole('button', { name: 'Keep keys in this file' }));
    await vi.waitFor(() => expect(r.getByTestId('key-storage').dataset.where).toBe('file'));
    expect(keyFileCalls()).toEqual([true]);
    expect(r.getByTestId('key-storage').textContent).toContain(
      'API keys are kept in /home/ann/.local/share/brook/keys.json (readable only by you)',
    );
  });

  it('with the file, says where it is and can stop using it', async () => {
    fake.keyStore = { where: 'file', path: '/home/ann/.local/share/brook/keys.json', fileKeys: 0 };
    const r = await open();
    const box = await vi.waitFor(() => r.getByTestId('key-storage'));
    expect(box.textContent).toContain('API keys are kept in /home/ann/.local/share/brook/keys.json (readable only by you)');

    await fireEvent.click(r.getByRole('button', { name: 'Stop using the file' }));
    await vi.waitFor(() => expect(r.getByTestId('key-storage').dataset.where).toBe('session'));
    expect(keyFileCalls()).toEqual([false]);
    expect(r.getByTestId('key-storage').textContent).toContain('API keys are kept for this session only.');
  });

  it('shows why Go refused, and keeps the state it had', async () => {
    fake.keyStore = { where: 'session', path: '/home/ann/.local/share/brook/keys.json', fileKeys: 0 };
    fake.SettingsService.SetKeyFile = async () => {
      throw new Error('Brook will not use the key file /home/ann/.local/share/brook/keys.json: other users can read it (mode 0644). Make it readable only by you with: chmod 600 /home/ann/.local/share/brook/keys.json');
    };
    const fail = vi.spyOn(toasts, 'fail');
    const r = await open();
    await vi.waitFor(() => r.getByTestId('key-storage'));
    await fireEvent.click(r.getByRole('button', { name: 'Keep keys in a file only you can read' }));
    await fireEvent.click(r.getByRole('button', { name: 'Keep keys in this file' }));
    await vi.waitFor(() => expect(fail).toHaveBeenCalledOnce());
    expect(fail.mock.calls[0][0]).toBe('Could not keep the keys in a file');
    expect(String(fail.mock.calls[0][1])).toContain('chmod 600');
    expect(r.getByTestId('key-storage').dataset.where).toBe('session');
    fail.mockRestore();
  });

  it('once the keyring answers again, offers to move the file\'s keys into it, and moves them only on yes', async () => {
    fake.keyStore = { where: 'keyring', path: '/home/ann/.local/share/brook/keys.json', fileKeys: 2 };
    const r = await open();
    const box = await vi.waitFor(() => r.getByTestId('key-storage'));
    expect(box.dataset.where).toBe('keyring');
    expect(box.textContent!.replace(/\s+/g, ' ')).toContain(
      'The system keyring is available now, but 2 API keys are still in /home/ann/.local/share/brook/keys.json, a file that is not encrypted.',
    );
    expect(fake.calls.filter((c) => c.method === 'MoveKeysToKeyring')).toEqual([]); // nothing moves unasked
    await fireEvent.click(r.getByRole('button', { name: 'Move them into the keyring' }));
    await vi.waitFor(() => expect(r.queryByTestId('key-storage')).toBeNull());
    expect(fake.calls.filter((c) => c.method === 'MoveKeysToKeyring')).toHaveLength(1);
    expect(toasts.toasts.map((t) => t.text)).toContain('The API keys are in the system keyring now, and the key file is removed.');
  });

  it('says one key in the singular', async () => {
    fake.keyStore = { where: 'keyring', path: '/k/keys.json', fileKeys: 1 };
    const r = await open();
    const box = await vi.waitFor(() => r.getByTestId('key-storage'));
    expect(box.textContent!.replace(/\s+/g, ' ')).toContain('but 1 API key is still in /k/keys.json');
  });
});
