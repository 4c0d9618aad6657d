import { afterEach, describe, expect, it } from 'vitest';
import { render, cleanup, fireEvent } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { setApi, type Endpoint, type ProbeResult } from '../api';
import { createFakeApi, survey } from '../fake';
import { toasts } from '../state/toasts.svelte';
import EndpointTest from './EndpointTest.svelte';

afterEach(cleanup);

const ollama: Endpoint = { id: 'o', name: 'Ollama', kind: 'ollama', baseUrl: 'http://127.0.0.1:11434', enabled: true };

async function settle() {
  await new Promise((r) => setTimeout(r, 0));
  flushSync();
}

describe('Test connection', () => {
  it('says Testing… while it waits, then what it found', async () => {
    const fake = createFakeApi({ models: [survey({ endpoint: ollama, models: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] })] });
    let answer!: (r: ProbeResult) => void;
    fake.SettingsService.TestEndpoint = (e, key) => {
      fake.calls.push({ service: 'SettingsService', method: 'TestEndpoint', args: [e, key] });
      return new Promise((r) => (answer = r));
    };
    setApi(fake);
    const { getByTestId, queryByTestId } = render(EndpointTest, { endpoint: { ...ollama, hasApiKey: false }, apiKey: '' });
    const button = getByTestId('endpoint-test') as HTMLButtonElement;
    expect(button.textContent?.trim()).toBe('Test connection');

    await fireEvent.click(button);
    flushSync();
    expect(button.textContent?.trim()).toBe('Testing…');
    expect(button.disabled).toBe(true);
    expect(fake.calls.find((c) => c.method === 'TestEndpoint')?.args).toEqual([ollama, '']);

    answer({ ok: true, message: 'Connected: Ollama 0.17.4, 3 models, 42 ms.', serverKind: 'ollama', version: '0.17.4', models: 3, millis: 42 });
    await settle();
    expect(button.textContent?.trim()).toBe('Test connection');
    const shown = getByTestId('endpoint-test-result');
    expect(shown.textContent).toBe('✓ Connected: Ollama 0.17.4, 3 models, 42 ms.');
    expect(shown.classList.contains('ok')).toBe(true);
    expect(queryByTestId('endpoint-test-result')?.getAttribute('role')).toBe('status');
  });

  it("shows Go's words for a failure as an error, and drops them once the address changes", async () => {
    const fake = createFakeApi({ models: [] });
    setApi(fake);
    const { getByTestId, queryByTestId, rerender } = render(EndpointTest, {
      endpoint: { ...ollama, hasApiKey: false },
      apiKey: '',
    });
    await fireEvent.click(getByTestId('endpoint-test'));
    await settle();
    const shown = getByTestId('endpoint-test-result');
    expect(shown.textContent).toBe('Connection refused at 127.0.0.1:11434: nothing is listening there. Is the server running?');
    expect(shown.classList.contains('error')).toBe(true);
    expect(shown.getAttribute('role')).toBe('alert');

    await rerender({ endpoint: { ...ollama, baseUrl: 'http://127.0.0.1:11435', hasApiKey: false }, apiKey: '' });
    flushSync();
    expect(queryByTestId('endpoint-test-result')).toBeNull();
  });

  it('tests without the stored key when it is about to be removed', async () => {
    const fake = createFakeApi({ models: [] });
    setApi(fake);
    const cloud: Endpoint = { id: 'c', name: 'Cloud', kind: 'openai', baseUrl: 'https://api.example.com/v1', enabled: true };
    const { getByTestId } = render(EndpointTest, { endpoint: { ...cloud, hasApiKey: true }, apiKey: '', clearKey: true });
    await fireEvent.click(getByTestId('endpoint-test'));
    await settle();
    expect(fake.calls.find((c) => c.method === 'TestEndpoint')?.args).toEqual([{ ...cloud, id: '' }, '']);
  });

  it('sends a failed call to a toast', async () => {
    const fake = createFakeApi({ models: [] });
    fake.SettingsService.TestEndpoint = async () => {
      throw new Error('There is no endpoint with the id "x\\n".');
    };
    setApi(fake);
    const { getByTestId, queryByTestId } = render(EndpointTest, { endpoint: { ...ollama, hasApiKey: false }, apiKey: '' });
    await fireEvent.click(getByTestId('endpoint-test'));
    await settle();
    expect(toasts.log.at(-1)).toContain('Could not test the endpoint: There is no endpoint');
    expect(queryByTestId('endpoint-test-result')).toBeNull();
    expect(getByTestId('endpoint-test').textContent?.trim()).toBe('Test connection');
  });
});
