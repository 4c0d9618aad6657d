// The endpoints store: Settings → Endpoints without the view.
import { beforeEach, describe, expect, it } from 'vitest';
import { setApi } from '../api';
import { createFakeApi, survey, type FakeApi } from '../fake';
import { endpoints } from './endpoints.svelte';
import { models } from './models.svelte';
import { toasts } from './toasts.svelte';

let fake: FakeApi;
beforeEach(async () => {
  fake = createFakeApi({
    models: [
      survey({ endpoint: { id: 'gpu', name: 'GPU box', kind: 'openai', baseUrl: 'http://gpu:8000/v1', enabled: true, maxParallel: 2 } }),
    ],
  });
  setApi(fake);
  toasts.toasts = [];
  endpoints.cancel();
  await endpoints.load();
});

const errors = () => toasts.toasts.filter((t) => t.kind === 'error').map((t) => t.text);

describe('endpoints store', () => {
  it('loads the endpoints and the kinds Go offers', () => {
    expect(endpoints.list.map((e) => e.id)).toEqual(['gpu']);
    expect(endpoints.kinds.map((k) => k.value)).toContain('vllm');
  });

  it('loads the endpoints without the kinds when Go cannot list them, and says so', async () => {
    fake.SettingsService.ServerKinds = async () => {
      throw 'not ready';
    };
    await endpoints.load();
    expect(endpoints.list).toHaveLength(1);
    expect(endpoints.kinds).toEqual([]);
    expect(errors()).toEqual(['Could not list the server kinds: not ready']);
  });

  it('opens a new endpoint on the first kind Go offers, with its defaults', () => {
    endpoints.startNew();
    expect(endpoints.editing).toMatchObject({ id: '', kind: 'ollama', name: 'Ollama', baseUrl: 'http://127.0.0.1:11434' });
  });

  it('changes the kind: its defaults replace the old kind\'s, a typed name and address stay', () => {
    endpoints.startNew();
    endpoints.changeKind('openai');
    expect(endpoints.editing).toMatchObject({ kind: 'openai', name: 'OpenAI', baseUrl: 'https://api.openai.com/v1' });
    endpoints.editing!.baseUrl = 'http://gpu:9000/v1';
    endpoints.changeKind('ollama');
    expect(endpoints.editing).toMatchObject({ kind: 'ollama', name: 'Ollama', baseUrl: 'http://gpu:9000/v1' });
  });

  it('sends no key for a kind that takes none, even one typed before the kind changed', async () => {
    endpoints.startNew();
    endpoints.changeKind('openai');
    endpoints.apiKey = 'sk-typed';
    endpoints.changeKind('ollama');
    expect(endpoints.takesKey).toBe(false);
    expect(await endpoints.save()).toBe(true);
    expect(fake.calls.find((c) => c.method === 'SaveEndpointWithHeaders')!.args.slice(1, 3)).toEqual(['', false]);
  });

  it('adds an endpoint: saved with its key and headers, listed, surveyed, and the editor closes', async () => {
    endpoints.startNew();
    endpoints.changeKind('openai');
    endpoints.editing!.name = 'Home';
    endpoints.apiKey = 'sk-1';
    endpoints.headerValues = { 'X-Team': 'a' };
    endpoints.editing!.headerNames = ['X-Team'];
    expect(await endpoints.save()).toBe(true);
    const call = fake.calls.find((c) => c.method === 'SaveEndpointWithHeaders')!;
    expect(call.args.slice(1)).toEqual(['sk-1', false, { 'X-Team': 'a' }]);
    expect(call.args[0]).not.toHaveProperty('hasApiKey');
    expect(endpoints.editing).toBeNull();
    expect(endpoints.list.map((e) => e.name)).toEqual(['GPU box', 'Home']);
    expect(models.endpoints.map((e) => e.endpoint.name)).toContain('Home');
  });

  it("keeps the editor open with Go's reason when Go refuses", async () => {
    endpoints.edit(endpoints.list[0]);
    endpoints.editing!.headerNames = ['bad name'];
    expect(await endpoints.save()).toBe(false);
    expect(endpoints.error).toMatch(/not a valid header name/);
    expect(endpoints.editing).not.toBeNull();
  });

  it("saves the list's server settings with an edit, not the editor's copy", async () => {
    endpoints.edit(endpoints.list[0]);
    endpoints.editing!.maxParallel = 9;
    expect(await endpoints.save()).toBe(true);
    expect(fake.calls.find((c) => c.method === 'SaveEndpointWithHeaders')!.args[0]).toMatchObject({ id: 'gpu', maxParallel: 2 });
  });

  it('a reopened editor starts clean', () => {
    endpoints.edit(endpoints.list[0]);
    endpoints.apiKey = 'typed';
    endpoints.error = 'old';
    endpoints.edit(endpoints.list[0]);
    expect([endpoints.apiKey, endpoints.error, endpoints.clearKey]).toEqual(['', '', false]);
  });

  it('removes an endpoint, or says why not', async () => {
    await endpoints.remove(endpoints.list[0]);
    expect(endpoints.list).toEqual([]);
    fake.SettingsService.DeleteEndpoint = async () => {
      throw 'in use';
    };
    await endpoints.remove({ id: 'x', name: 'X', kind: 'ollama', baseUrl: 'http://x', enabled: true, hasApiKey: false });
    expect(errors()).toEqual(['Could not delete the endpoint: in use']);
  });
});
