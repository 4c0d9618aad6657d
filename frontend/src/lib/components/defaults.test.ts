// The Default model setting, the one-call models overview, and "Copy diagnostics".
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, cleanup, fireEvent } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { createWailsApi, setApi } from '../api';
import { createFakeApi, survey, type FakeApi } from '../fake';
import { chat } from '../state/chat.svelte';
import { models } from '../state/models.svelte';
import { settings } from '../state/settings.svelte';
import { toasts } from '../state/toasts.svelte';
import SettingsView from './SettingsView.svelte';

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
  settings.value = await fake.SettingsService.Get();
  models.selection = { endpointId: '', model: '' };
  await models.refresh(true);
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('default model', () => {
  it('is what start-up selects, from one call', async () => {
    const overview = vi.spyOn(fake.ModelService, 'Overview');
    fake.db.settings.defaultEndpointId = 'ollama';
    fake.db.settings.defaultModel = 'qwen3';
    models.selection = { endpointId: '', model: '' };
    await models.refresh(true);
    expect(overview).toHaveBeenCalledTimes(1);
    expect(models.selection).toEqual({ endpointId: 'ollama', model: 'qwen3' });
  });

  it('is what a new chat starts with, and is sent', async () => {
    await settings.save({ ...fake.db.settings, defaultEndpointId: 'ollama', defaultModel: 'qwen3' });
    // Another model was chosen meanwhile (say, by opening an older conversation).
    models.selection = { endpointId: 'ollama', model: 'llama3.2' };
    chat.newChat();
    expect(models.selection).toEqual({ endpointId: 'ollama', model: 'qwen3' });
    expect(chat.send('hello')).toBe(true);
    await vi.waitFor(() => expect(fake.calls.some((c) => c.method === 'Send')).toBe(true));
    expect(fake.calls.find((c) => c.method === 'Send')!.args).toEqual([0, 'hello', 'ollama', 'qwen3']);
  });

  it('that is no longer offered leaves the selection alone', async () => {
    await settings.save({ ...fake.db.settings, defaultEndpointId: 'ollama', defaultModel: 'gone' });
    models.selection = { endpointId: 'ollama', model: 'llama3.2' };
    chat.newChat();
    expect(models.selection).toEqual({ endpointId: 'ollama', model: 'llama3.2' });
    const o = await fake.ModelService.Overview();
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
      const o = await createWailsApi().ModelService.Overview();
      expect(o.endpoints[0].models).toEqual([]);
      expect(o.endpoints[0].serverKind).toBe('');
      expect(o.selection).toEqual({ endpointId: 'e', model: 'm' });
      expect(o.source).toBe('last');
      expect(o.defaultOffered).toBe(false);
      expect(await createWailsApi().SystemService.Diagnostics()).toBe('Brook diagnostics');
    } finally {
      delete (window as W).go;
    }
  });
});

describe('copy diagnostics', () => {
  it('copies the report and says so', async () => {
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    toasts.clear();
    const r = render(SettingsView);
    await fireEvent.click(r.getByTestId('copy-diagnostics'));
    await vi.waitFor(() => expect(toasts.toasts.map((t) => t.text)).toContain('Diagnostics copied'));
    expect(writeText).toHaveBeenCalledWith('Brook diagnostics\nBrook: fake\n');
  });

  it('says when the report could not be gathered', async () => {
    fake.SystemService.Diagnostics = async () => {
      throw new Error('Brook is still starting');
    };
    toasts.clear();
    const r = render(SettingsView);
    await fireEvent.click(r.getByTestId('copy-diagnostics'));
    await vi.waitFor(() => expect(toasts.toasts.filter((t) => t.kind === 'error')).toHaveLength(1));
    expect(toasts.toasts[0].text).toBe('Could not gather the diagnostics: Brook is still starting');
    expect((r.getByTestId('copy-diagnostics') as HTMLButtonElement).disabled).toBe(false); // not left busy
  });
});
