import { afterEach, describe, expect, it } from 'vitest';
import { render, cleanup, fireEvent } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { setApi } from '../api';
import { createFakeApi } from '../fake';
import { endpointKinds } from '../state/endpointKinds.svelte';
import { models } from '../state/models.svelte';
import Banners from './Banners.svelte';

afterEach(cleanup);

describe('unreachable Ollama banner', () => {
  it('says how to start Ollama, which URL it tried, and re-checks on Retry', async () => {
    const fake = createFakeApi({
      models: [
        {
          endpoint: { id: 'o', name: 'Ollama', kind: 'ollama', baseUrl: 'http://127.0.0.1:11434', enabled: true },
          reachable: false,
          error: 'connection refused',
          models: [],
          serverKind: 'ollama',
          parallel: 1,
          continues: true,
        },
      ],
    });
    setApi(fake);
    await Promise.all([models.refresh(true), endpointKinds.load()]);
    const { getByTestId } = render(Banners);
    const banner = getByTestId('unreachable-banner');
    expect(banner.textContent).toContain('ollama serve');
    expect(banner.textContent).toContain('ollama.com');
    expect(banner.textContent).toContain('http://127.0.0.1:11434');

    fake.db.models[0].reachable = true;
    fake.db.models[0].models = [{ name: 'llama3.2' }];
    await fireEvent.click(getByTestId('retry-models'));
    await new Promise((r) => setTimeout(r, 0));
    flushSync();
    expect(models.selection.model).toBe('llama3.2');
    expect(document.querySelector('[data-testid="unreachable-banner"]')).toBeNull();
  });
});
