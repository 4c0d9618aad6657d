// The Default model setting, the one-call models overview, and "Copy diagnostics".
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, cleanup, fireEvent } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { createWailsApi, setApi } from '../lib/api';
import { createFakeApi, survey, type FakeApi } from '../lib/api.fake';
import { app } from '../lib/state/app.svelte';
import SettingsView from '../lib/components/SettingsView.svelte';

let fake: FakeApi;
beforeEach(async () => {
  fake = createFakeApi({
    models: [
      survey({
        endpoint: { id: 'ollama', name: 'Ollama', kind: 'ollama', baseUrl: 'http://127.0.0.1:11434', enabled: true },
        models: [{ name: 'llama3.2' }, { name: 'qwen3' }],
      }),
    ],
  });
  setApi(fake);
  app.settings = await fake.settings.get();
  app.selection = { endpointId: '', model: '' };
  await app.refreshModels(true);
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('default model', () => {
  it('is what start-up selects, from one call', async () => {
    const overview = vi.spyOn(fake.models, 'overview');
    const def = vi.spyOn(fake.models, 'default');
    fake.db.settings.defaultEndpointId = 'ollama';
    fake.db.settings.defaultModel = 'qwen3';
    app.selection = { endpointId: '', model: '' };
    await app.refreshModels(true);
    expect(overview).toHaveBeenCalledTimes(1);
    expect(def).not.toHaveBeenCalled();
    expect(app.selection).toEqual({ endpointId: 'ollama', model: 'qwen3' });
  });

  it('is what a new chat starts with, and is sent', async () => {
    await app.saveSettings({ ...fake.db.settings, defaultEndpointId: 'ollama', defaultModel: 'qwen3' });
    // Another model was chosen meanwhile (say, by opening an older conversation).
    app.selection = { endpointId: 'ollama', model: 'llama3.2' };
    app.newChat();
    expect(app.selection).toEqual({ endpointId: 'ollama', model: 'qwen3' });
    expect(app.send('hello')).toBe(true);
    await vi.waitFor(() => expect(fake.calls.some((c) => c.method === 'send')).toBe(true));
    expect(fake.calls.find((c) => c.method === 'send')!.args).toEqual([0, 'hello', 'ollama', 'qwen3']);
  });

  it('that is no longer offered leaves the selection alone', async () => {
    await app.saveSettings({ ...fake.db.settings, defaultEndpointId: 'ollama', defaultModel: 'gone' });
    app.selection = { endpointId: 'ollama', model: 'llama3.2' };
    app.newChat();
    expect(app.selection).toEqual({ endpointId: 'ollama', model: 'llama3.2' });
    const o = await fake.models.overview();
    expect(o.defaultOffered).toBe(false);
    expect(o.selection).toEqual({ endpointId: 'ollama', model: 'llama3.2' });
  });

  it('is shown in Settings even when it is not offered now', async () => {
    fake.db.settings.defaultEndpointId = 'ollama';
    fake.db.settings.defaultModel = 'gone';
    const r = render(SettingsView);
    await vi.waitFor(() => expect(r.getByText(/not offered now/)).toBeTruthy());
    flushSync();
    const select = r.getByText('Last used').closest('select') as HTMLSelectElement;
    expect(select.value).toBe('ollama\u0000gone');
  });
});

describe('models overview over Wails', () => {
  it('fills in what Go leaves out', async () => {
    type W = { go?: unknown };
    const Overview = vi.fn(async () => ({
      endpoints: [{ endpoint: { id: 'e', name: 'E', kind: 'ollama', baseUrl: 'http://x', enabled: true }, reachable: true, models: null }],
      selection: { endpointId: 'e', model: 'm' },
      source: 'last',
      default: { endpointId: '', model: '' },
    }));
    const Diagnostics = vi.fn(async () => 'Brook diagnostics');
    (window as W).go = { app: { ModelService: { Overview }, SystemService: { Diagnostics } } };
    try {
      const o = await createWailsApi().models.overview();
      expect(o.endpoints[0].models).toEqual([]);
      expect(o.endpoints[0].serverKind).toBe('');
      expect(o.selection).toEqual({ endpointId: 'e', model: 'm' });
      expect(o.source).toBe('last');
      expect(o.defaultOffered).toBe(false);
      expect(await createWailsApi().system.diagnostics()).toBe('Brook diagnostics');
    } finally {
      delete (window as W).go;
    }
  });
});

describe('copy diagnostics', () => {
  it('copies the report and says so', async () => {
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const toasts: string[] = [];
    vi.spyOn(app, 'toast').mockImplementation((text: string) => (toasts.push(text), 0));
    const r = render(SettingsView);
    await fireEvent.click(r.getByTestId('copy-diagnostics'));
    await vi.waitFor(() => expect(toasts).toContain('Diagnostics copied'));
    expect(writeText).toHaveBeenCalledWith('Brook diagnostics\nBrook: fake\n');
  });

  it('says when the report could not be gathered', async () => {
    fake.system.diagnostics = async () => {
      throw new Error('Brook is still starting');
    };
    const failures: string[] = [];
    vi.spyOn(app, 'fail').mockImplementation((what: string, e: unknown) => void failures.push(`${what}: ${String(e)}`));
    const r = render(SettingsView);
    await fireEvent.click(r.getByTestId('copy-diagnostics'));
    await vi.waitFor(() => expect(failures).toHaveLength(1));
    expect(failures[0]).toContain('Could not gather the diagnostics');
  });
});
