// Settings → Titles: on by default, off with one click, and another model for titles.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, cleanup, fireEvent } from '@testing-library/svelte';
import { setApi, type Settings } from '../api';
import { createFakeApi, survey, type FakeApi } from '../fake';
import { models } from '../state/models.svelte';
import SettingsView from './SettingsView.svelte';

let fake: FakeApi;
beforeEach(async () => {
  fake = createFakeApi({
    models: [
      survey({
        endpoint: { id: 'ollama', name: 'Ollama', kind: 'ollama', baseUrl: 'http://127.0.0.1:11434', enabled: true },
        models: [{ name: 'llama3.2' }, { name: 'qwen3:0.6b' }],
      }),
    ],
  });
  setApi(fake);
  await models.refresh(true);
});
afterEach(cleanup);

const savedSettings = () => fake.calls.filter((c) => c.service === 'SettingsService' && c.method === 'Save').map((c) => (c.args as [Settings])[0]);

describe('title settings', () => {
  it('saves titles off, and a small model for titles', async () => {
    const r = render(SettingsView);
    const on = (await vi.waitFor(() => r.getByTestId('auto-titles'))) as HTMLInputElement;
    const model = r.getByTestId('title-model') as HTMLSelectElement;
    expect(on.checked).toBe(true);
    expect(model.selectedOptions[0].textContent).toBe("The conversation's own model");
    expect([...model.options].map((o) => o.textContent)).toContain('qwen3:0.6b (Ollama)');

    model.value = [...model.options].find((o) => o.textContent === 'qwen3:0.6b (Ollama)')!.value;
    await fireEvent.change(model);
    await fireEvent.click(r.getByTestId('save-settings'));
    await vi.waitFor(() => expect(savedSettings()).toHaveLength(1));
    expect(savedSettings()[0]).toMatchObject({ autoTitles: true, titleEndpointId: 'ollama', titleModel: 'qwen3:0.6b' });

    await fireEvent.click(on);
    expect(model.disabled).toBe(true);
    await fireEvent.click(r.getByTestId('save-settings'));
    await vi.waitFor(() => expect(savedSettings()).toHaveLength(2));
    expect(savedSettings()[1]).toMatchObject({ autoTitles: false });
  });
});
