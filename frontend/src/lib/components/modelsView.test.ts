// Settings → Endpoints → Models: an Ollama endpoint's installed and loaded
// models, and downloads that go on (and stay visible) while the view is closed.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, cleanup, fireEvent, within } from '@testing-library/svelte';
import { setApi } from '../api';
import { createFakeApi, installed, pullProgress, survey, type FakeApi } from '../fake';
import { app } from '../state/app.svelte';
import { localModels } from '../state/localModels.svelte';
import { models } from '../state/models.svelte';
import { toasts } from '../state/toasts.svelte';
import { ui } from '../state/ui.svelte';
import ModelsView from './ModelsView.svelte';
import SettingsView from './SettingsView.svelte';

const DAY = 86_400_000;
let fake: FakeApi;
let stop: () => void;
const calls = (method: string) => fake.calls.filter((c) => c.method === method).map((c) => c.args);
const errors = () => toasts.toasts.filter((t) => t.kind === 'error').map((t) => t.text);

beforeEach(async () => {
  fake = createFakeApi({
    models: [
      survey({
        endpoint: { id: 'ollama', name: 'Home Ollama', kind: 'ollama', baseUrl: 'http://127.0.0.1:11434', enabled: true },
        models: [{ name: 'llama3.2:3b' }, { name: 'qwen3:8b' }],
      }),
      survey({ endpoint: { id: 'oai', name: 'OpenAI', kind: 'openai', baseUrl: 'https://api.openai.com/v1', enabled: true }, models: [{ name: 'gpt' }] }),
    ],
    local: {
      ollama: {
        installed: [
          installed({ name: 'llama3.2:3b', family: 'llama', parameterSize: '3.2B', quantization: 'Q4_K_M', size: 2_019_393_189, modifiedAt: Date.now() - 3 * DAY, capabilities: ['completion', 'tools'] }),
          installed({ name: 'qwen3:8b', family: 'qwen3', parameterSize: '8.2B', quantization: 'Q4_K_M', size: 5_225_376_047, modifiedAt: Date.now() - 2 * 3600_000, capabilities: ['completion', 'thinking', 'tools'] }),
        ],
        loaded: [{ name: 'qwen3:8b', size: 6_400_000_000, sizeVram: 6_400_000_000, expiresAt: Date.now() + 4 * 60_000 + 10_000, contextLength: 8192 }],
        details: {
          'llama3.2:3b': {
            name: 'llama3.2:3b',
            family: 'llama',
            parameterSize: '3.2B',
            quantization: 'Q4_K_M',
            contextLength: 131072,
            capabilities: ['completion', 'tools'],
            template: '<|start_header_id|>{{ .Role }}<|end_header_id|>',
            parameters: 'stop "<|eot_id|>"',
            license: 'LLAMA 3.2 COMMUNITY LICENSE <b>AGREEMENT</b>',
            system: 'You are <i>helpful</i>.',
          },
        },
      },
    },
  });
  setApi(fake);
  localModels.reset();
  toasts.clear();
  stop = localModels.start();
  await models.refresh(true);
});
afterEach(() => {
  stop();
  cleanup();
  toasts.clear();
  ui.modelsEndpointId = '';
  ui.settingsOpen = false;
  vi.restoreAllMocks();
});

async function open(endpointId = 'ollama') {
  const r = render(ModelsView, { endpointId });
  await vi.waitFor(() => expect(r.getByTestId('installed')).toBeTruthy());
  await vi.waitFor(() => expect(r.getByTestId('loaded')).toBeTruthy());
  return r;
}
const row = (r: { container: HTMLElement }, name: string) => within(r.container.querySelector<HTMLElement>(`tr[data-model="${name}"]`)!);

describe('the Models view', () => {
  it('opens from Settings for Ollama endpoints only', async () => {
    const r = render(SettingsView);
    await vi.waitFor(() => expect(r.container.querySelectorAll('.ep-name')).toHaveLength(2));
    expect(r.getAllByTestId('open-models')).toHaveLength(1);
    await fireEvent.click(r.getByTestId('open-models'));
    expect(ui.modelsEndpointId).toBe('ollama');
  });

  it('lists installed and loaded models with human sizes, dates and badges', async () => {
    const r = await open();
    expect(r.getByText('Models on Home Ollama')).toBeTruthy();
    const llama = row(r, 'llama3.2:3b');
    expect(llama.getByText('2.0 GB')).toBeTruthy();
    expect(llama.getByText('3 days ago')).toBeTruthy();
    expect(llama.getByText('3.2B')).toBeTruthy();
    expect(llama.getByText('Q4_K_M')).toBeTruthy();
    expect([...r.container.querySelectorAll('tr[data-model="qwen3:8b"] .badge')].map((b) => b.textContent)).toEqual(['completion', 'thinking', 'tools']);
    expect(row(r, 'qwen3:8b').getByText('5.2 GB')).toBeTruthy();
    expect(row(r, 'qwen3:8b').getByText('2 hours ago')).toBeTruthy();

    const loaded = within(r.getByTestId('loaded'));
    expect(loaded.getByText('6.4 GB · GPU')).toBeTruthy();
    expect(loaded.getByText('unloads in 4 min')).toBeTruthy();
    expect(loaded.getByText('8,192')).toBeTruthy();
  });

  it('shows details as text, never as HTML', async () => {
    const r = await open();
    await fireEvent.click(row(r, 'llama3.2:3b').getByRole('button', { name: 'Details' }));
    const d = await vi.waitFor(() => r.getByTestId('details-license'));
    expect(d.textContent).toBe('LLAMA 3.2 COMMUNITY LICENSE <b>AGREEMENT</b>');
    expect(d.querySelector('b')).toBeNull();
    expect(r.getByTestId('details-system').textContent).toBe('You are <i>helpful</i>.');
    expect(r.getByTestId('details-template').textContent).toContain('{{ .Role }}');
    expect(r.getByTestId('details-parameters').textContent).toBe('stop "<|eot_id|>"');
    expect(r.getByTestId('model-details').textContent).toContain('131,072 tokens');
    // Closes again.
    await fireEvent.click(row(r, 'llama3.2:3b').getByRole('button', { name: 'Details' }));
    expect(r.queryByTestId('model-details')).toBeNull();
  });

  it('asks before deleting, naming the model and the space freed, then deletes and reads the list again', async () => {
    const r = await open();
    await fireEvent.click(row(r, 'llama3.2:3b').getByRole('button', { name: 'Delete' }));
    expect(calls('Delete')).toEqual([]);
    const confirm = r.getByTestId('confirm-delete');
    expect(confirm.textContent).toContain('Delete llama3.2:3b? This frees 2.0 GB.');
    const before = calls('Installed').length;
    await fireEvent.click(within(confirm).getByRole('button', { name: 'Delete llama3.2:3b' }));
    await vi.waitFor(() => expect(r.container.querySelector('tr[data-model="llama3.2:3b"]')).toBeNull());
    expect(calls('Delete')).toEqual([['ollama', 'llama3.2:3b']]);
    expect(calls('Installed').length).toBeGreaterThan(before);
    // Go says the models changed: the picker's survey follows.
    await vi.waitFor(() => expect(models.endpoints[0].models.map((m) => m.name)).toEqual(['qwen3:8b']));
  });

  it('keeps the model when the confirmation is declined', async () => {
    const r = await open();
    await fireEvent.click(row(r, 'llama3.2:3b').getByRole('button', { name: 'Delete' }));
    await fireEvent.click(r.getByRole('button', { name: 'Keep it' }));
    expect(r.queryByTestId('confirm-delete')).toBeNull();
    expect(calls('Delete')).toEqual([]);
  });

  it('says why a delete failed', async () => {
    fake.LocalModelsService.Delete = async () => {
      throw 'model is in use';
    };
    const r = await open();
    await fireEvent.click(row(r, 'llama3.2:3b').getByRole('button', { name: 'Delete' }));
    await fireEvent.click(r.getByRole('button', { name: 'Delete llama3.2:3b' }));
    await vi.waitFor(() => expect(errors()).toEqual(['Could not delete llama3.2:3b: model is in use']));
    expect(row(r, 'llama3.2:3b').getByRole('button', { name: 'Delete' })).toBeTruthy();
  });

  it('unloads a loaded model', async () => {
    const r = await open();
    await fireEvent.click(within(r.getByTestId('loaded')).getByRole('button', { name: 'Unload' }));
    await vi.waitFor(() => expect(r.queryByTestId('loaded')).toBeNull());
    expect(calls('Unload')).toEqual([['ollama', 'qwen3:8b']]);
    expect(r.getByText('No model is loaded now.')).toBeTruthy();
  });

  it('checks a name lightly before pulling', async () => {
    const r = await open();
    await fireEvent.input(r.getByTestId('pull-name'), { target: { value: 'llama 3' } });
    await fireEvent.click(r.getByRole('button', { name: 'Pull' }));
    expect(r.getByRole('alert').textContent).toContain('no spaces');
    expect(calls('Pull')).toEqual([]);
  });

  it('pulls, shows progress from events, and cancels', async () => {
    const r = await open();
    await fireEvent.input(r.getByTestId('pull-name'), { target: { value: 'mistral:7b' } });
    await fireEvent.click(r.getByRole('button', { name: 'Pull' }));
    expect(calls('Pull')).toEqual([['ollama', 'mistral:7b']]);
    const pull = await vi.waitFor(() => r.getByTestId('pull'));
    expect(pull.textContent).toContain('mistral:7b');
    expect(r.getByTestId('pull-status').textContent).toBe('pulling manifest');
    expect((r.getByTestId('pull-name') as HTMLInputElement).value).toBe('');

    const started = fake.db.pulls[0].startedAt;
    fake.emitPull({
      endpointId: 'ollama',
      model: 'mistral:7b',
      startedAt: started,
      status: 'pulling ff82381e2bea',
      completed: 1_230_000_000,
      total: 4_100_000_000,
      bytesPerSecond: 12_300_000,
      etaSeconds: 233,
      layers: [
        { digest: 'sha256:ff82381e2bea77d91c1b824c7afb83f6fb73e9f7de9dda631bcdbca564aa5435', status: 'pulling ff82381e2bea', completed: 1_230_000_000, total: 4_100_000_000 },
        { digest: 'sha256:43070e2d4e532684de521b885f385d0841030efa2b1a20bafb76133a5e1379c1', status: 'pulling 43070e2d4e53', completed: 0, total: 4_800 },
      ],
    });
    await vi.waitFor(() => expect(r.getByTestId('pull-line').textContent).toBe('30% · 1.2 GB of 4.1 GB · 12.3 MB/s · 4 min left'));
    expect(r.getByTestId('pull-status').textContent).toBe('pulling ff82381e2bea');
    expect(r.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('30');
    expect(r.getByText('Layers (2)')).toBeTruthy();
    expect(r.getByText('ff82381e2bea')).toBeTruthy();

    await fireEvent.click(within(r.getByTestId('pull')).getByRole('button', { name: 'Cancel' }));
    expect(calls('CancelPull')).toEqual([['ollama', 'mistral:7b']]);
    await vi.waitFor(() => expect(r.getByTestId('pull').dataset.state).toBe('cancelled'));
    expect(r.queryByRole('progressbar')).toBeNull();
  });

  it('shows a failed pull with Go’s words, which say what to do', async () => {
    const r = await open();
    const words = 'Ollama found no model "nosuch:1b" in its registry. Check the name and the tag at https://ollama.com/library.';
    fake.emitPull({ endpointId: 'ollama', model: 'nosuch:1b', state: 'failed', errorKind: 'not_found', error: words });
    const pull = await vi.waitFor(() => r.getByTestId('pull'));
    expect(pull.dataset.state).toBe('failed');
    expect(r.getByTestId('pull-error').textContent).toBe(words);
    await fireEvent.click(within(pull).getByRole('button', { name: 'Dismiss' }));
    expect(r.queryByTestId('pull')).toBeNull();
  });

  it('shows ✓ when a pull is done, and reads the list again when Go says the models changed', async () => {
    const r = await open();
    fake.emitPull({ endpointId: 'ollama', model: 'phi4:14b', state: 'done', status: 'success', completed: 9_100_000_000, total: 9_100_000_000 });
    await vi.waitFor(() => expect(r.getByTestId('pull').textContent).toContain('✓ Downloaded'));
    fake.db.local.ollama.installed.push(installed({ name: 'phi4:14b', size: 9_100_000_000 }));
    fake.db.models[0].models.push({ name: 'phi4:14b' });
    fake.emitModelsChanged();
    await vi.waitFor(() => expect(row(r, 'phi4:14b').getByText('9.1 GB')).toBeTruthy());
    await vi.waitFor(() => expect(models.endpoints[0].models.map((m) => m.name)).toContain('phi4:14b'));
  });

  it('keeps showing a running pull after the view is closed and opened again', async () => {
    const first = await open();
    fake.emitPull({ endpointId: 'ollama', model: 'mistral:7b', completed: 500_000_000, total: 4_100_000_000, bytesPerSecond: 10_000_000, etaSeconds: 360 });
    await vi.waitFor(() => first.getByTestId('pull'));
    first.unmount();
    // Progress while closed is not lost.
    fake.emitPull({ endpointId: 'ollama', model: 'mistral:7b', startedAt: fake.db.pulls[0].startedAt, completed: 2_060_000_000, total: 4_100_000_000, bytesPerSecond: 10_000_000, etaSeconds: 205 });
    const again = await open();
    expect(again.getByTestId('pull-line').textContent).toBe('50% · 2.1 GB of 4.1 GB · 10.0 MB/s · 3 min left');
  });

  it('on opening, shows a pull that began before the window subscribed (Go’s list)', async () => {
    fake.db.pulls = [pullProgress({ endpointId: 'ollama', model: 'gemma3:4b', completed: 1_000_000_000, total: 3_300_000_000, status: 'pulling aeda25e63ebd' })];
    const r = await open();
    await vi.waitFor(() => expect(r.getByTestId('pull').textContent).toContain('gemma3:4b'));
    expect(calls('Pulls').length).toBe(1);
    expect(r.getByTestId('pull-line').textContent).toBe('30% · 1.0 GB of 3.3 GB');
    // Another endpoint's pulls are not shown here.
    fake.emitPull({ endpointId: 'other', model: 'x:1b' });
    expect(r.getAllByTestId('pull')).toHaveLength(1);
  });

  it('shows a size not known yet as static words, with no progress bar', async () => {
    const r = await open();
    fake.emitPull({ endpointId: 'ollama', model: 'mistral:7b', status: 'pulling manifest' });
    await vi.waitFor(() => expect(r.getByTestId('pull-line').textContent).toBe('Starting…'));
    expect(r.queryByRole('progressbar')).toBeNull();
  });

  it('says when a list could not be read, and clears its loading state', async () => {
    fake.LocalModelsService.Installed = async () => {
      throw 'connection refused';
    };
    const r = render(ModelsView, { endpointId: 'ollama' });
    await vi.waitFor(() => expect(errors()).toContain('Could not list the models on Home Ollama: connection refused'));
    await vi.waitFor(() => expect(r.getByText('No models are installed. Download one above.')).toBeTruthy());
    expect((r.getByTestId('models-refresh') as HTMLButtonElement).disabled).toBe(false);
  });

  it('says why a pull could not start', async () => {
    fake.LocalModelsService.Pull = async () => {
      throw 'invalid model name';
    };
    const r = await open();
    await fireEvent.input(r.getByTestId('pull-name'), { target: { value: 'x' } });
    await fireEvent.click(r.getByRole('button', { name: 'Pull' }));
    await vi.waitFor(() => expect(errors()).toEqual(['Could not download x: invalid model name']));
    expect((r.getByTestId('pull-name') as HTMLInputElement).value).toBe('x');
  });

  it('is subscribed from start-up: models-changed makes the picker survey again', async () => {
    stop();
    stop = () => app.destroy();
    await app.init();
    fake.db.models[0].models.push({ name: 'phi4:14b' });
    fake.emitModelsChanged();
    await vi.waitFor(() => expect(models.endpoints[0].models.map((m) => m.name)).toContain('phi4:14b'));
    // And pulls are tracked with no view open.
    fake.emitPull({ endpointId: 'ollama', model: 'phi4:14b', state: 'done' });
    expect(localModels.pullsOn('ollama').map((p) => p.state)).toEqual(['done']);
  });
});
