// The local Ollama that Brook starts: the banner while it starts and when it
// failed (with Ollama's last lines and a Retry, never a retry by itself), the
// first-run screen without Ollama, Restart only for the Ollama Brook started,
// the settings, the memory line and the warning before a model too big loads.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, cleanup, fireEvent } from '@testing-library/svelte';
import { setApi, type OllamaStatus } from '../api';
import { createFakeApi, ollamaStatus, survey, type FakeApi } from '../fake';
import { endpointKinds } from '../state/endpointKinds.svelte';
import { chat } from '../state/chat.svelte';
import { models } from '../state/models.svelte';
import { ollamaServer } from '../state/ollamaServer.svelte';
import { toasts } from '../state/toasts.svelte';
import Banners from './Banners.svelte';
import MessageList from './MessageList.svelte';
import OllamaSettings from './OllamaSettings.svelte';
import OllamaMemory from './OllamaMemory.svelte';

const ollama = { id: 'ollama', name: 'Ollama', kind: 'ollama' as const, baseUrl: 'http://127.0.0.1:11434', enabled: true };
let fake: FakeApi;
const serverCalls = (method: string) => fake.calls.filter((c) => c.service === 'OllamaServerService' && c.method === method);

async function withOllama(initial: Partial<OllamaStatus>, reachable = false) {
  fake = createFakeApi({ models: [survey({ endpoint: ollama, reachable, models: reachable ? [{ name: 'tiny' }] : [] })] });
  fake.db.ollama.status = ollamaStatus(initial);
  setApi(fake);
  ollamaServer.status = null;
  chat.newChat();
  // Banners ask the endpoint's kind what it can do, as at start-up.
  await Promise.all([models.refresh(true), endpointKinds.load()]);
}

beforeEach(() => toasts.clear());
afterEach(() => {
  cleanup();
  toasts.clear();
});

describe('the banner of the Ollama Brook starts', () => {
  it('says Ollama is starting, then fills the model list when it answers', async () => {
    await withOllama({ state: 'starting', startedByBrook: true });
    const r = render(Banners);
    await vi.waitFor(() => expect(r.getByTestId('ollama-starting').textContent).toContain('Starting Ollama…'));
    expect(r.queryByTestId('unreachable-banner')).toBeNull(); // not "Start it with ollama serve"
    fake.db.models = [survey({ endpoint: ollama, reachable: true, models: [{ name: 'tiny' }] })];
    fake.emitOllamaServer(ollamaStatus({ state: 'running', startedByBrook: true }));
    await vi.waitFor(() => expect(models.endpoints[0].models.map((m) => m.name)).toEqual(['tiny']));
    expect(r.queryByTestId('ollama-starting')).toBeNull();
  });

  it('says what failed with Ollama’s last lines, and starts it again only on Retry', async () => {
    await withOllama({
      state: 'failed',
      failure: 'exited',
      startedByBrook: false,
      message: 'Ollama exited as it started (exit status 1).',
      logTail: ['Error: listen tcp 127.0.0.1:11434: bind: address already in use'],
    });
    const r = render(Banners);
    await vi.waitFor(() => expect(r.getByTestId('ollama-failed')).toBeTruthy());
    const banner = r.getByTestId('ollama-failed').textContent ?? '';
    expect(banner).toContain('Ollama stopped as it started');
    expect(banner).toContain('exit status 1');
    expect(r.getByTestId('ollama-log-tail').textContent).toContain('address already in use');
    expect(r.queryByTestId('restart-ollama')).toBeNull();
    expect(serverCalls('Retry')).toHaveLength(0);
    fake.db.ollama.next = ollamaStatus({ state: 'running', startedByBrook: true });
    await fireEvent.click(r.getByTestId('retry-ollama'));
    await vi.waitFor(() => expect(r.queryByTestId('ollama-failed')).toBeNull());
    expect(serverCalls('Retry')).toHaveLength(1);
  });
});

describe('the first-run screen without Ollama', () => {
  it('on Linux shows the official install command as text, and how to use a server elsewhere', async () => {
    await withOllama({ state: 'not_installed' });
    ollamaServer.start();
    const r = render(MessageList);
    await vi.waitFor(() => expect(r.getByTestId('ollama-setup')).toBeTruthy());
    expect(r.getByTestId('ollama-install-command').textContent).toBe('curl -fsSL https://ollama.com/install.sh | sh');
    expect(r.getByTestId('ollama-setup').textContent).toContain('Settings → Endpoints');
    expect(r.getByTestId('ollama-setup').querySelector('a')).toBeNull(); // text, nothing to download from Brook
    await fireEvent.click(r.getByTestId('ollama-check-again'));
    expect(serverCalls('Retry')).toHaveLength(1);
  });

  it('on macOS and Windows shows the download page', async () => {
    await withOllama({ state: 'not_installed', install: { command: '', link: 'https://ollama.com/download' } });
    ollamaServer.start();
    const r = render(MessageList);
    await vi.waitFor(() => expect(r.getByTestId('ollama-install-link').textContent).toBe('https://ollama.com/download'));
    expect(r.queryByTestId('ollama-install-command')).toBeNull();
  });
});

describe('Restart Ollama', () => {
  it('is offered for the Ollama Brook started, in the Models view', async () => {
    await withOllama({ state: 'running', startedByBrook: true }, true);
    fake.db.ollama.next = ollamaStatus({ state: 'running', startedByBrook: true });
    ollamaServer.start();
    const r = render(OllamaMemory, { endpointId: 'ollama', loaded: [] });
    await vi.waitFor(() => expect(r.getByTestId('restart-ollama')).toBeTruthy());
    await fireEvent.click(r.getByTestId('restart-ollama'));
    await vi.waitFor(() => expect(serverCalls('Restart')).toHaveLength(1));
  });

  it('is not offered for an Ollama Brook did not start: it says how instead', async () => {
    await withOllama({ state: 'running', startedByBrook: false }, true);
    ollamaServer.start();
    const r = render(OllamaMemory, { endpointId: 'ollama', loaded: [] });
    await vi.waitFor(() => expect(r.getByTestId('restart-ollama-hint').textContent).toContain('systemctl restart ollama'));
    expect(r.queryByTestId('restart-ollama')).toBeNull();
  });
});

describe('memory', () => {
  it('shows what the loaded models use against the free memory', async () => {
    await withOllama({ state: 'running' }, true);
    const r = render(OllamaMemory, {
      endpointId: 'ollama',
      loaded: [{ name: 'tiny', size: 3_000_000_000, sizeVram: 0, expiresAt: 0, contextLength: 4096 }],
    });
    await vi.waitFor(() => expect(r.getByTestId('ollama-memory').textContent).toContain('Loaded models use 3.0 GB'));
    expect(r.getByTestId('ollama-memory').textContent).toContain('12.0 GB of memory free, of 24.0 GB');
  });

  it('warns before a model that does not fit is loaded', async () => {
    await withOllama({ state: 'running' }, true);
    fake.db.ollama.fits.tiny = { known: true, fits: false, needBytes: 40e9, availableBytes: 4e9, message: 'tiny needs about 40.0 GB of memory, and this computer has 4.0 GB free.' };
    const r = render(Banners);
    await vi.waitFor(() => expect(r.getByTestId('memory-warning').textContent).toContain('40.0 GB'));
    expect(serverCalls('Fit')[0].args).toEqual(['ollama', 'tiny']);
  });
});

describe('Settings', () => {
  it('shows the version with one line on its known failure, and the two choices', async () => {
    await withOllama({ state: 'running', version: '0.17.4', versionNote: 'Ollama 0.17 can keep a request’s slot busy.' }, true);
    ollamaServer.start();
    const s = await fake.SettingsService.Get();
    const r = render(OllamaSettings, { s });
    await vi.waitFor(() => expect(r.getByTestId('ollama-version').textContent).toContain('Ollama 0.17.4 runs'));
    expect(r.getByTestId('ollama-version-note').textContent).toContain('0.17');
    const start = r.getByTestId('start-ollama') as HTMLInputElement;
    expect(start.checked).toBe(true);
    await fireEvent.click(start);
    expect(s.startOllama).toBe(false);
    cleanup();
    // Keeping running is about an Ollama Brook starts: with starting off, it has no say.
    const off = render(OllamaSettings, { s: { ...s, startOllama: false } });
    expect((off.getByTestId('keep-ollama-running') as HTMLInputElement).disabled).toBe(true);
  });
});
