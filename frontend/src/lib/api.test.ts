import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWailsApi, errorText } from './api';

type W = { go?: unknown; runtime?: unknown };
afterEach(() => {
  delete (window as W).go;
  delete (window as W).runtime;
});

describe('Wails api', () => {
  it('calls window.go.app.<Service>.<Method> with the arguments', async () => {
    const Send = vi.fn(async () => ({ conversation: { id: 5 }, user: {}, answer: {} }));
    const List = vi.fn(async () => null);
    (window as W).go = { app: { ChatService: { Send }, ConversationService: { List } } };
    const api = createWailsApi();
    const r = await api.ChatService.Send(0, 'hi', 'ollama', 'llama3.2');
    expect(Send).toHaveBeenCalledWith(0, 'hi', 'ollama', 'llama3.2');
    expect(r.conversation.id).toBe(5);
    expect(await api.ConversationService.List(false, 10, 0)).toEqual([]); // Go nil slice → []
  });

  it('binds ChatService.AskNow and SettingsService.ServerKinds, and fills survey defaults', async () => {
    const AskNow = vi.fn(async () => undefined);
    const ServerKinds = vi.fn(async () => null);
    const Overview = vi.fn(async () => ({ endpoints: [{ endpoint: { id: 'o' }, reachable: true, models: null }] }));
    (window as W).go = { app: { ChatService: { AskNow }, SettingsService: { ServerKinds }, ModelService: { Overview } } };
    const api = createWailsApi();
    await api.ChatService.AskNow(42);
    expect(AskNow).toHaveBeenCalledWith(42);
    expect(await api.SettingsService.ServerKinds()).toEqual([]); // Go nil slice → []
    expect((await api.ModelService.Overview()).endpoints).toEqual([
      { endpoint: { id: 'o' }, reachable: true, models: [], serverKind: '', parallel: 0, continues: false },
    ]);
  });

  it('passes model capabilities through; a Go nil list is "not known"', async () => {
    const Overview = vi.fn(async () => ({
      endpoints: [
        { endpoint: { id: 'o' }, reachable: true, models: [{ name: 'qwen3', capabilities: ['completion', 'thinking'] }, { name: 'x', capabilities: null }] },
      ],
    }));
    (window as W).go = { app: { ModelService: { Overview } } };
    const [em] = (await createWailsApi().ModelService.Overview()).endpoints;
    expect(em.models[0].capabilities).toEqual(['completion', 'thinking']);
    expect(em.models[1].capabilities).toBeUndefined();
  });

  it('binds LocalModelsService, turning Go nil lists into []', async () => {
    const Installed = vi.fn(async () => [{ name: 'llama3.2:3b', size: 1, capabilities: null }]);
    const Loaded = vi.fn(async () => null);
    const Pulls = vi.fn(async () => [{ endpointId: 'o', model: 'm', state: 'running', layers: null }]);
    const CancelPull = vi.fn(async () => undefined);
    (window as W).go = { app: { LocalModelsService: { Installed, Loaded, Pulls, CancelPull } } };
    const api = createWailsApi();
    expect(await api.LocalModelsService.Installed('o')).toEqual([{ name: 'llama3.2:3b', size: 1, capabilities: [] }]);
    expect(Installed).toHaveBeenCalledWith('o');
    expect(await api.LocalModelsService.Loaded('o')).toEqual([]);
    const [p] = await api.LocalModelsService.Pulls();
    expect(p.layers).toEqual([]);
    expect(p.errorKind).toBe('');
    await api.LocalModelsService.CancelPull('o', 'm');
    expect(CancelPull).toHaveBeenCalledWith('o', 'm');
    await expect(api.LocalModelsService.Pull('o', 'm')).rejects.toThrow(/LocalModelsService.Pull is missing/);
  });

  it('rejects in plain words when the backend is missing', async () => {
    const api = createWailsApi();
    await expect(api.SettingsService.Get()).rejects.toThrow(/not connected/);
  });

  it('subscribes with EventsOn (waiting for the runtime) and unsubscribes with its return value', async () => {
    const api = createWailsApi();
    const cb = vi.fn();
    const off = vi.fn();
    let handler: ((p: unknown) => void) | null = null;
    const unsub = api.events.onStream(cb);
    // The runtime shows up a little later.
    (window as W).runtime = {
      EventsOn: (name: string, f: (p: unknown) => void) => {
        expect(name).toBe('brook:stream');
        handler = f;
        return off;
      },
    };
    await vi.waitFor(() => expect(handler).not.toBeNull());
    handler!({ messageId: 1, seq: 1 });
    expect(cb).toHaveBeenCalledWith({ messageId: 1, seq: 1 });
    unsub();
    expect(off).toHaveBeenCalled();
  });

  it('errorText handles strings, Errors and objects', () => {
    expect(errorText('boom')).toBe('boom');
    expect(errorText(new Error('bad'))).toBe('bad');
    expect(errorText({ message: 'm' })).toBe('m');
  });
});
