// Settings → Endpoints → Edit: models added by hand and extra headers, saved with the endpoint.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, cleanup, fireEvent, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { setApi, type Endpoint } from '../api';
import { createFakeApi, survey, type FakeApi } from '../fake';
import { models } from '../state/models.svelte';
import SettingsView from './SettingsView.svelte';

let fake: FakeApi;
beforeEach(async () => {
  fake = createFakeApi({
    models: [
      survey({
        endpoint: {
          id: 'gw',
          name: 'Gateway',
          kind: 'openai',
          baseUrl: 'http://gw:8000/v1',
          enabled: true,
          extraModels: ['hidden-a'],
          headerNames: ['X-Api-Key'],
        },
        models: [{ name: 'listed' }, { name: 'hidden-a', manual: true }],
      }),
      survey({ endpoint: { id: 'o', name: 'Ollama', kind: 'ollama', baseUrl: 'http://127.0.0.1:11434', enabled: true } }),
    ],
  });
  setApi(fake);
  await models.refresh(true);
});
afterEach(cleanup);

const saved = () =>
  fake.calls.filter((c) => c.method === 'SaveEndpointWithHeaders').map((c) => c.args as [Endpoint, string, boolean, Record<string, string>]);

async function edit(name: string) {
  const r = render(SettingsView);
  await vi.waitFor(() => expect(r.getAllByTestId('endpoint-server')).toHaveLength(2));
  const li = [...r.container.querySelectorAll<HTMLElement>('li')].find((x) => x.querySelector('.ep-name')?.textContent === name)!;
  await fireEvent.click(within(li).getByText('Edit'));
  flushSync();
  return r;
}

describe('endpoint extras', () => {
  it('shows the saved models and headers, a saved value as "stored", and saves additions and removals', async () => {
    const r = await edit('Gateway');
    const modelsBox = within(r.getByTestId('extra-models'));
    expect(modelsBox.getByText('hidden-a')).toBeTruthy();
    const rows = r.getAllByTestId('header-row');
    expect(rows).toHaveLength(1);
    const [name0, value0] = rows[0].querySelectorAll('input');
    expect(name0.value).toBe('X-Api-Key');
    expect(name0.readOnly).toBe(true);
    expect(value0.type).toBe('password');
    expect(value0.value).toBe('');
    expect(value0.placeholder).toBe('stored');

    // Add a model (twice: kept once), remove none; add a header with a value.
    const input = modelsBox.getByLabelText('Model name to add') as HTMLInputElement;
    for (const n of [' my-model ', 'my-model']) {
      await fireEvent.input(input, { target: { value: n } });
      await fireEvent.click(modelsBox.getByText('Add model'));
    }
    await fireEvent.click(r.getByText('+ Add header'));
    const row1 = r.getAllByTestId('header-row')[1];
    const [name1, value1] = row1.querySelectorAll('input');
    expect(value1.placeholder).toBe('value');
    await fireEvent.input(name1, { target: { value: 'HTTP-Referer' } });
    await fireEvent.input(value1, { target: { value: 'https://brook.example' } });

    await fireEvent.click(r.getByText('Save endpoint'));
    await vi.waitFor(() => expect(saved()).toHaveLength(1));
    const [ep, key, clear, values] = saved()[0];
    expect(ep.extraModels).toEqual(['hidden-a', 'my-model']);
    expect(ep.headerNames).toEqual(['X-Api-Key', 'HTTP-Referer']);
    // The stored value is not sent again; only the new one is.
    expect(values).toEqual({ 'HTTP-Referer': 'https://brook.example' });
    expect([key, clear]).toEqual(['', false]);

    // Edit again: remove the model and the first header.
    await vi.waitFor(() => expect(r.queryByTestId('extra-models')).toBeNull());
    const li = [...r.container.querySelectorAll<HTMLElement>('li')].find((x) => x.querySelector('.ep-name')?.textContent === 'Gateway')!;
    await fireEvent.click(within(li).getByText('Edit'));
    flushSync();
    await fireEvent.click(r.getByLabelText('Remove the model hidden-a'));
    await fireEvent.click(r.getByLabelText('Remove the header X-Api-Key'));
    expect(r.getAllByTestId('header-row')).toHaveLength(1);
    await fireEvent.click(r.getByText('Save endpoint'));
    await vi.waitFor(() => expect(saved()).toHaveLength(2));
    const [ep2, , , values2] = saved()[1];
    expect(ep2.extraModels).toEqual(['my-model']);
    expect(ep2.headerNames).toEqual(['HTTP-Referer']);
    expect(values2).toEqual({});
  });

  it('shows Go’s refusal of a bad header and keeps the editor open', async () => {
    const r = await edit('Gateway');
    await fireEvent.click(r.getByText('+ Add header'));
    const [name1, value1] = r.getAllByTestId('header-row')[1].querySelectorAll('input');
    await fireEvent.input(name1, { target: { value: 'X Bad' } });
    await fireEvent.input(value1, { target: { value: 'v' } });
    await fireEvent.click(r.getByText('Save endpoint'));
    await vi.waitFor(() => expect(r.getByText(/is not a valid header name/)).toBeTruthy());
    expect(r.getByTestId('extra-headers')).toBeTruthy();
  });

  it('offers the models list only for OpenAI-compatible endpoints', async () => {
    const r = await edit('Ollama');
    expect(r.queryByTestId('extra-models')).toBeNull();
    expect(r.getByTestId('extra-headers')).toBeTruthy();
  });
});
