// Settings → Endpoints: the server kind (detected or chosen), "Answers at once" and the context window.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { setApi, type Endpoint } from '../api';
import { createFakeApi, survey, type FakeApi } from '../fake';
import { models } from '../state/models.svelte';
import { openSettings } from './settings.testutil';

let fake: FakeApi;
beforeEach(async () => {
  fake = createFakeApi({
    models: [
      survey({
        endpoint: { id: 'gpu', name: 'GPU box', kind: 'openai', baseUrl: 'http://gpu:8000/v1', enabled: true },
        detectedKind: 'vllm',
        parallel: 4,
        models: [{ name: 'qwen' }],
      }),
      survey({
        endpoint: { id: 'oai', name: 'OpenAI', kind: 'openai', baseUrl: 'https://api.openai.com/v1', enabled: true, serverKind: 'openai', maxParallel: 2 },
        detectedKind: 'generic',
        models: [{ name: 'gpt' }],
      }),
    ],
  });
  setApi(fake);
  await models.refresh(true);
});
afterEach(cleanup);

const open = () => openSettings(2);
const saved = () => fake.calls.filter((c) => c.method.startsWith('SaveEndpoint')).map((c) => c.args as [Endpoint, string, boolean]);

describe('endpoint server settings', () => {
  it('shows the detected or chosen kind and what it means for broken answers', async () => {
    const { row } = await open();
    expect(row('GPU box').getByTestId('server-kind').textContent).toBe('Detected: vLLM — continues broken answers');
    expect(row('OpenAI').getByTestId('server-kind').textContent).toBe('OpenAI — broken answers are asked again in full');
    const sel = row('GPU box').getByTestId('server-kind-select') as HTMLSelectElement;
    expect([...sel.options].map((o) => o.textContent!.trim())).toEqual([
      'Detect automatically (vLLM)',
      'Ollama',
      'llama.cpp server',
      'vLLM',
      'OpenRouter',
      'OpenAI',
      'OpenAI-compatible',
    ]);
    expect(sel.value).toBe('');
    expect((row('OpenAI').getByTestId('server-kind-select') as HTMLSelectElement).value).toBe('openai');
    // Empty = automatic, with the effective default as placeholder.
    const gpuPar = row('GPU box').getByTestId('max-parallel') as HTMLInputElement;
    expect(gpuPar.value).toBe('');
    expect(gpuPar.placeholder).toBe('auto (4)');
    expect((row('OpenAI').getByTestId('max-parallel') as HTMLInputElement).value).toBe('2');
  });

  it('saves an override of the kind, keeping the rest of the endpoint (and its key)', async () => {
    const { row } = await open();
    const sel = row('GPU box').getByTestId('server-kind-select') as HTMLSelectElement;
    sel.value = 'openai';
    await fireEvent.change(sel);
    await vi.waitFor(() => expect(saved()).toHaveLength(1));
    const [ep, key, clear] = saved()[0];
    expect(ep).toMatchObject({ id: 'gpu', name: 'GPU box', baseUrl: 'http://gpu:8000/v1', serverKind: 'openai' });
    expect('hasApiKey' in ep).toBe(false);
    expect([key, clear]).toEqual(['', false]);
    await vi.waitFor(() =>
      expect(row('GPU box').getByTestId('server-kind').textContent).toBe('OpenAI — broken answers are asked again in full'),
    );
    // Back to automatic detection.
    sel.value = '';
    await fireEvent.change(sel);
    await vi.waitFor(() => expect(saved()).toHaveLength(2));
    expect(saved()[1][0].serverKind).toBe('');
    await vi.waitFor(() => expect(row('GPU box').getByTestId('server-kind').textContent).toBe('Detected: vLLM — continues broken answers'));
  });

  it('saves answers at once as a whole number 1–64, empty as automatic, and refuses anything else', async () => {
    const { row } = await open();
    const input = row('GPU box').getByTestId('max-parallel') as HTMLInputElement;
    input.value = '8';
    await fireEvent.change(input);
    await vi.waitFor(() => expect(saved()).toHaveLength(1));
    expect(saved()[0][0]).toMatchObject({ id: 'gpu', maxParallel: 8 });
    await vi.waitFor(() => expect(fake.db.models[0].parallel).toBe(8));

    for (const bad of ['0', '65', '2.5', '-3']) {
      input.value = bad;
      await fireEvent.change(input);
      flushSync();
      expect(row('GPU box').getByTestId('endpoint-server-error').textContent).toMatch(/whole number from 1 to 64/);
      expect(input.getAttribute('aria-invalid')).toBe('true');
    }
    expect(saved()).toHaveLength(1);

    const other = row('OpenAI').getByTestId('max-parallel') as HTMLInputElement;
    other.value = '';
    await fireEvent.change(other);
    await vi.waitFor(() => expect(saved()).toHaveLength(2));
    expect(saved()[1][0]).toMatchObject({ id: 'oai', maxParallel: 0, serverKind: 'openai' });
  });

  it('saves a context window for servers that do not say, empty as ask the server, and refuses anything else', async () => {
    const { row } = await open();
    const input = row('OpenAI').getByTestId('context-window') as HTMLInputElement;
    expect(input.value).toBe('');
    expect(input.placeholder).toBe('from the server');
    input.value = '128000';
    await fireEvent.change(input);
    await vi.waitFor(() => expect(saved()).toHaveLength(1));
    expect(saved()[0][0]).toMatchObject({ id: 'oai', contextWindow: 128000, serverKind: 'openai' });

    for (const bad of ['100', '99999999', '4096.5']) {
      input.value = bad;
      await fireEvent.change(input);
      flushSync();
      expect(row('OpenAI').getByTestId('endpoint-server-error').textContent).toMatch(/whole number of tokens from 256 to 16777216/);
      expect(input.getAttribute('aria-invalid')).toBe('true');
    }
    expect(saved()).toHaveLength(1);

    input.value = '';
    await fireEvent.change(input);
    await vi.waitFor(() => expect(saved()).toHaveLength(2));
    expect(saved()[1][0]).toMatchObject({ id: 'oai', contextWindow: 0 });
  });

  it("shows Go's error when it rejects the endpoint", async () => {
    const { row } = await open();
    fake.SettingsService.SaveEndpoint = async () => {
      throw "endpoint max parallel 9 must be from 0 (the server's default) to 8";
    };
    const input = row('GPU box').getByTestId('max-parallel') as HTMLInputElement;
    input.value = '9';
    await fireEvent.change(input);
    await vi.waitFor(() =>
      expect(row('GPU box').getByTestId('endpoint-server-error').textContent).toBe(
        "endpoint max parallel 9 must be from 0 (the server's default) to 8",
      ),
    );
    expect(input.getAttribute('aria-invalid')).toBe('true');

    const sel = row('GPU box').getByTestId('server-kind-select') as HTMLSelectElement;
    sel.value = 'vllm';
    await fireEvent.change(sel);
    await vi.waitFor(() => expect(sel.value).toBe('')); // back to what is stored
  });

  it('the endpoint editor keeps the server settings saved from the list', async () => {
    const { r, row } = await open();
    await fireEvent.click(row('GPU box').getByText('Edit'));
    const input = row('GPU box').getByTestId('max-parallel') as HTMLInputElement;
    input.value = '3';
    await fireEvent.change(input);
    await vi.waitFor(() => expect(saved()).toHaveLength(1));
    await vi.waitFor(() => expect(input.value).toBe('3'));
    await fireEvent.click(r.getByText('Save endpoint'));
    await vi.waitFor(() => expect(saved()).toHaveLength(2));
    expect(saved()[1][0]).toMatchObject({ id: 'gpu', maxParallel: 3 });
  });
});
