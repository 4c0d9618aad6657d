// First run with Ollama reachable but no models: a one-click download of the
// small model Go suggests, its size shown before it starts, its progress shown
// in place, and the empty state gone once it is done. And a pull resumed after
// a restart says so.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, cleanup, fireEvent, within } from '@testing-library/svelte';
import { setApi } from '../api';
import { createFakeApi, FAKE_SUGGESTION, pullProgress, survey, type FakeApi } from '../fake';
import { chat } from '../state/chat.svelte';
import { localModels } from '../state/localModels.svelte';
import { endpointKinds } from '../state/endpointKinds.svelte';
import { models } from '../state/models.svelte';
import { toasts } from '../state/toasts.svelte';
import MessageList from './MessageList.svelte';
import ModelsView from './ModelsView.svelte';

let fake: FakeApi;
let stop: () => void;
const calls = (method: string) => fake.calls.filter((c) => c.method === method).map((c) => c.args);
const ollama = { id: 'ollama', name: 'Ollama', kind: 'ollama' as const, baseUrl: 'http://127.0.0.1:11434', enabled: true };

beforeEach(async () => {
  fake = createFakeApi({
    models: [survey({ endpoint: ollama, reachable: true, models: [] })],
    local: { ollama: { installed: [], loaded: [], details: {} } },
  });
  setApi(fake);
  localModels.reset();
  toasts.clear();
  chat.newChat();
  stop = localModels.start();
  await Promise.all([models.refresh(true), endpointKinds.load()]);
});
afterEach(() => {
  stop();
  cleanup();
  toasts.clear();
  vi.restoreAllMocks();
});

async function emptyState() {
  const r = render(MessageList);
  await vi.waitFor(() => expect(r.getByTestId('suggested-pull-button')).toBeTruthy());
  return r;
}

describe('the first-run download', () => {
  it('names the model Go suggests and its size before it starts', async () => {
    const r = await emptyState();
    expect(r.getByTestId('empty-state').textContent).toContain('No models yet');
    expect(r.getByTestId('suggested-pull-button').textContent?.trim()).toBe('Download llama3.2:1b (1.3 GB)');
    expect(r.getByTestId('suggested-pull').textContent).toContain(FAKE_SUGGESTION.why);
    expect(calls('SuggestedModel')).toHaveLength(1);
    expect(calls('Pull')).toEqual([]);
    expect(r.queryByTestId('suggested-pull-progress')).toBeNull();
  });

  it('takes the name and size from Go, not from the UI', async () => {
    fake.LocalModelsService.SuggestedModel = async () => ({ name: 'qwen3:0.6b', sizeBytes: 522_000_000, why: '' });
    const r = await emptyState();
    expect(r.getByTestId('suggested-pull-button').textContent?.trim()).toBe('Download qwen3:0.6b (522.0 MB)');
  });

  it('starts the pull with one click and shows its progress in place', async () => {
    const r = await emptyState();
    await fireEvent.click(r.getByTestId('suggested-pull-button'));
    expect(calls('Pull')).toEqual([['ollama', 'llama3.2:1b']]);
    const box = await vi.waitFor(() => r.getByTestId('suggested-pull-progress'));
    expect(box.dataset.state).toBe('running');
    expect(box.textContent).toContain('llama3.2:1b');
    expect(within(box).getByTestId('pull-status').textContent).toBe('pulling manifest');
    expect(r.queryByTestId('suggested-pull-button')).toBeNull(); // no second click
    fake.emitPull({
      endpointId: 'ollama',
      model: 'llama3.2:1b',
      startedAt: fake.db.pulls[0].startedAt,
      status: 'pulling 74701a8c35f6',
      completed: 396_000_000,
      total: 1_321_000_000,
      bytesPerSecond: 20_000_000,
      etaSeconds: 46,
    });
    await vi.waitFor(() => expect(within(box).getByTestId('pull-line').textContent).toBe('29% · 396.0 MB of 1.3 GB · 20.0 MB/s · 46 s left'));
    expect(within(box).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('29');
    // It can be cancelled here too.
    await fireEvent.click(within(box).getByRole('button', { name: 'Cancel' }));
    expect(calls('CancelPull')).toEqual([['ollama', 'llama3.2:1b']]);
    await vi.waitFor(() => expect(r.getByTestId('suggested-pull-progress').dataset.state).toBe('cancelled'));
    expect(r.getByTestId('suggested-pull-button')).toBeTruthy(); // and started again
  });

  it('goes away when the pull is done and the models changed', async () => {
    const r = await emptyState();
    await fireEvent.click(r.getByTestId('suggested-pull-button'));
    await vi.waitFor(() => r.getByTestId('suggested-pull-progress'));
    const startedAt = fake.db.pulls[0].startedAt;
    fake.emitPull({ endpointId: 'ollama', model: 'llama3.2:1b', startedAt, state: 'done', status: 'success', completed: 1_321_000_000, total: 1_321_000_000 });
    await vi.waitFor(() => expect(r.getByTestId('suggested-pull-progress').textContent).toContain('✓ Downloaded'));
    // Go: the model is there now, and the window is told (brook:models-changed).
    fake.db.models[0].models = [{ name: 'llama3.2:1b', sizeBytes: 1_321_000_000 }];
    fake.emitModelsChanged();
    await vi.waitFor(() => expect(r.queryByTestId('suggested-pull')).toBeNull());
    expect(r.getByTestId('empty-state').textContent).not.toContain('No models yet');
    expect(models.endpoints[0].models.map((m) => m.name)).toEqual(['llama3.2:1b']); // the picker offers it
  });

  it('shows a failure in Go’s words, and offers the download again', async () => {
    const r = await emptyState();
    await fireEvent.click(r.getByTestId('suggested-pull-button'));
    await vi.waitFor(() => r.getByTestId('suggested-pull-progress'));
    const words = 'Ollama could not reach the model registry (no such host). Check the internet connection of the machine Ollama runs on, then pull again.';
    fake.emitPull({ endpointId: 'ollama', model: 'llama3.2:1b', startedAt: fake.db.pulls[0].startedAt, state: 'failed', errorKind: 'offline', error: words });
    await vi.waitFor(() => expect(r.getByTestId('pull-error').textContent).toBe(words));
    expect(r.getByTestId('suggested-pull-button').textContent?.trim()).toBe('Download llama3.2:1b (1.3 GB)');
  });

  it('is not offered when the endpoint without models is not Ollama', async () => {
    fake.db.models = [survey({ endpoint: { id: 'oai', name: 'vLLM', kind: 'openai', baseUrl: 'http://gpu:8000/v1', enabled: true }, models: [] })];
    await models.refresh(true);
    const r = render(MessageList);
    await vi.waitFor(() => expect(r.getByTestId('empty-state').textContent).toContain('No models yet'));
    expect(r.queryByTestId('suggested-pull')).toBeNull();
    expect(calls('SuggestedModel')).toEqual([]);
  });
});

describe('a pull resumed after a restart', () => {
  const resumed = () =>
    pullProgress({ endpointId: 'ollama', model: 'mistral:7b', resumed: true, status: 'pulling ff82381e2bea', completed: 2_060_000_000, total: 4_100_000_000 });

  it('shows in the empty state at start-up, saying it was resumed', async () => {
    fake.db.pulls = [resumed()];
    await localModels.load(); // as app.init does
    const r = await emptyState();
    const box = r.getByTestId('suggested-pull-progress');
    expect(box.textContent).toContain('mistral:7b');
    expect(within(box).getByTestId('pull-resumed').textContent).toBe('Resumed after a restart');
    expect(within(box).getByTestId('pull-line').textContent).toBe('50% · 2.1 GB of 4.1 GB');
  });

  it('says so in the Models view; a new pull does not', async () => {
    const r = render(ModelsView, { endpointId: 'ollama' });
    fake.emitPull(resumed());
    fake.emitPull({ endpointId: 'ollama', model: 'phi4:14b' });
    await vi.waitFor(() => expect(r.getAllByTestId('pull')).toHaveLength(2));
    const byModel = (name: string) => r.getAllByTestId('pull').find((el) => el.textContent?.includes(name))!;
    const [phi, mistral] = [byModel('phi4:14b'), byModel('mistral:7b')];
    expect(within(mistral).getByTestId('pull-resumed').textContent).toBe('Resumed after a restart');
    expect(within(phi).queryByTestId('pull-resumed')).toBeNull();
  });
});
