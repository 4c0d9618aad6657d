// Settings → Endpoints asks each kind of endpoint what it offers (Go's
// SettingsService.EndpointKinds): a kind only Go knows appears with its name
// and defaults, takes a key as it says, and gets the Models button only when
// its models are managed from Brook.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent } from '@testing-library/svelte';
import { setApi, type Endpoint, type EndpointKindInfo } from '../api';
import { createFakeApi, FAKE_ENDPOINT_KINDS, survey, type FakeApi } from '../fake';
import { endpointKinds } from '../state/endpointKinds.svelte';
import { models } from '../state/models.svelte';
import { openSettings } from './settings.testutil';

/** A kind the UI has never heard of: it needs a key, lists no local models, takes models by hand. */
const THROWAWAY: EndpointKindInfo = {
  id: 'throwaway',
  label: 'Throwaway API',
  key: 'required',
  defaultName: 'Throwaway',
  defaultUrl: 'https://throwaway.example/v2',
  caps: { extraModels: true, localModels: false, thinkOnOff: false },
};

let fake: FakeApi;
beforeEach(async () => {
  fake = createFakeApi({
    models: [
      survey({ endpoint: { id: 't', name: 'Mine', kind: 'throwaway', baseUrl: 'https://throwaway.example/v2', enabled: true } }),
      survey({ endpoint: { id: 'o', name: 'Local', kind: 'ollama', baseUrl: 'http://127.0.0.1:11434', enabled: true } }),
    ],
  });
  fake.SettingsService.EndpointKinds = async () => [...structuredClone(FAKE_ENDPOINT_KINDS), THROWAWAY];
  setApi(fake);
  endpointKinds.list = await fake.SettingsService.EndpointKinds();
  await models.refresh(true);
});
afterEach(() => {
  cleanup();
  endpointKinds.list = structuredClone(FAKE_ENDPOINT_KINDS);
});

const open = () => openSettings(2);

describe('endpoint kinds from Go', () => {
  it('names each endpoint by its kind and offers Models only where the kind manages them', async () => {
    const { row } = await open();
    expect(row('Mine').getByText(/Throwaway API · https:\/\/throwaway\.example\/v2/)).toBeTruthy();
    expect(row('Mine').queryByTestId('open-models')).toBeNull();
    expect(row('Local').getByTestId('open-models')).toBeTruthy();
  });

  it('offers every kind, fills in its defaults, and asks for a key only where the kind takes one', async () => {
    const { r } = await open();
    await fireEvent.click(r.getByText('+ Add endpoint'));
    const kind = r.getByTestId('endpoint-kind') as HTMLSelectElement;
    expect([...kind.options].map((o) => [o.value, o.textContent])).toEqual([
      ['ollama', 'Ollama'],
      ['openai', 'OpenAI-compatible'],
      ['throwaway', 'Throwaway API'],
    ]);
    const url = () => (r.container.querySelector('input[type=url]') as HTMLInputElement).value;
    expect(url()).toBe('http://127.0.0.1:11434');
    expect(r.container.querySelector('input[type=password]')).toBeNull(); // Ollama takes no key

    await fireEvent.change(kind, { target: { value: 'throwaway' } });
    expect(url()).toBe('https://throwaway.example/v2');
    const key = r.container.querySelector('input[type=password]') as HTMLInputElement;
    expect(key.placeholder).toBe('required');
    expect(r.getByTestId('extra-models')).toBeTruthy();
    await fireEvent.input(key, { target: { value: 'tk-1' } });
    await fireEvent.click(r.getByText('Save endpoint'));
    await vi.waitFor(() => expect(fake.calls.some((c) => c.method === 'SaveEndpointWithHeaders')).toBe(true));
    const [ep, apiKey] = fake.calls.find((c) => c.method === 'SaveEndpointWithHeaders')!.args as [Endpoint, string];
    expect(ep).toMatchObject({ kind: 'throwaway', name: 'Throwaway', baseUrl: 'https://throwaway.example/v2' });
    expect(apiKey).toBe('tk-1');
  });

  it('keeps a name and address the user typed when the kind changes', async () => {
    const { r } = await open();
    await fireEvent.click(r.getByText('+ Add endpoint'));
    const url = r.container.querySelector('input[type=url]') as HTMLInputElement;
    await fireEvent.input(url, { target: { value: 'http://gpu:9000/v1' } });
    await fireEvent.change(r.getByTestId('endpoint-kind'), { target: { value: 'openai' } });
    expect(url.value).toBe('http://gpu:9000/v1');
  });
});
