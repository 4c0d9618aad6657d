// Retrieval in the UI: an answer's sources under it (each opens its
// excerpt), the words-only notice, knowledge files of a project and an
// assistant, and the embedding model in Settings with its download offer.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, cleanup, fireEvent } from '@testing-library/svelte';
import { setApi, type Settings } from '../api';
import { assistant, createFakeApi, project, survey, type FakeApi } from '../fake';
import { models } from '../state/models.svelte';
import { endpointKinds } from '../state/endpointKinds.svelte';
import { attachedDocuments } from '../state/documents.svelte';
import AnswerSources from './AnswerSources.svelte';
import KnowledgeFiles from './KnowledgeFiles.svelte';
import SettingsView from './SettingsView.svelte';

let fake: FakeApi;
beforeEach(async () => {
  fake = createFakeApi({
    models: [
      survey({
        endpoint: { id: 'ollama', name: 'Ollama', kind: 'ollama', baseUrl: 'http://127.0.0.1:11434', enabled: true },
        models: [{ name: 'llama3.2', capabilities: ['completion'] }],
      }),
    ],
  });
  setApi(fake);
  await endpointKinds.load();
  await models.refresh(true);
  attachedDocuments.open = null;
});
afterEach(cleanup);

describe('answer sources', () => {
  it('lists the excerpts with file and page, opens one, and says when the search was by words only', async () => {
    fake.db.answerSources = {
      7: {
        noticeKind: 'no_embedding_model',
        noticeText: 'No embedding model is set, so Brook searched the documents by their words only (BM25).',
        sources: [
          { rank: 1, chunkId: 3, documentId: 1, name: 'manual.pdf', page: 7, origin: 'document', text: 'The cat is Zephyrine.' },
          { rank: 2, chunkId: 9, documentId: 2, name: 'notes.txt', page: 0, origin: 'knowledge', text: 'Tides at noon.' },
        ],
      },
    };
    const r = render(AnswerSources, { messageId: 7, answerState: 'complete' });
    const chips = await vi.waitFor(() => {
      const c = r.getAllByTestId('answer-source');
      expect(c).toHaveLength(2);
      return c;
    });
    expect(chips.map((c) => c.textContent?.trim())).toEqual(['1manual.pdf, page 7', '2notes.txt']);
    expect(r.getByTestId('retrieval-notice').textContent).toContain('words only (BM25)');
    await fireEvent.click(chips[0]);
    expect(attachedDocuments.open).toMatchObject({ name: 'manual.pdf, page 7', text: 'The cat is Zephyrine.' });
  });

  it('shows nothing for an answer that was given no excerpts', async () => {
    const r = render(AnswerSources, { messageId: 8, answerState: 'complete' });
    await vi.waitFor(() => expect(fake.calls.some((c) => c.method === 'AnswerSources')).toBe(true));
    expect(r.queryByTestId('answer-sources')).toBeNull();
  });
});

describe('knowledge files', () => {
  it('adds and removes a project knowledge file, and refuses a file over the limit before reading it', async () => {
    const p = project({ id: 41, name: 'Lighthouse' });
    fake.db.projects.push(p);
    const r = render(KnowledgeFiles, { projectId: 41 });
    await vi.waitFor(() => expect(r.getByText('No knowledge files yet.')).toBeTruthy());
    const input = r.getByTestId('knowledge-input') as HTMLInputElement;
    const file = new File(['The keeper has a cat.'], 'keeper.txt', { type: 'text/plain' });
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    await fireEvent.change(input);
    await vi.waitFor(() => expect(r.getAllByTestId('knowledge-file')).toHaveLength(1));
    expect(r.getByTestId('knowledge-file').textContent).toContain('keeper.txt');
    expect(fake.db.knowledge?.[0]).toMatchObject({ projectId: 41, name: 'keeper.txt' });

    const huge = new File(['x'], 'huge.pdf');
    Object.defineProperty(huge, 'size', { value: 60 * 1024 * 1024 });
    Object.defineProperty(input, 'files', { value: [huge], configurable: true });
    await fireEvent.change(input);
    await vi.waitFor(() => expect(r.getByRole('alert').textContent).toContain('at most 50 MB'));
    expect(fake.db.knowledge).toHaveLength(1);

    await fireEvent.click(r.getByLabelText('Remove keeper.txt'));
    await vi.waitFor(() => expect(r.queryAllByTestId('knowledge-file')).toHaveLength(0));
    expect(fake.db.knowledge).toHaveLength(0);
  });

  it("loads an assistant's files only when unfolded", async () => {
    fake.db.assistants.push(assistant({ id: 52 }));
    fake.db.knowledge = [{ id: 1, assistantId: 52, documentId: 5, name: 'style.md', kind: 'text', hash: '', size: 2048, tokens: 500, addedAt: 0 }];
    const r = render(KnowledgeFiles, { assistantId: 52, folded: true });
    expect(fake.calls.some((c) => c.method === 'KnowledgeFiles')).toBe(false);
    const details = r.container.querySelector('details')!;
    details.open = true;
    await fireEvent(details, new Event('toggle'));
    await vi.waitFor(() => expect(r.getByTestId('knowledge-file').textContent).toContain('style.md'));
  });

  it('asks to create a new project before adding files', () => {
    const r = render(KnowledgeFiles, { projectId: 0 });
    expect(r.getByText('Knowledge files can be added once the project is created.')).toBeTruthy();
  });
});

describe('embedding model setting', () => {
  const saved = () => fake.calls.filter((c) => c.service === 'SettingsService' && c.method === 'Save').map((c) => (c.args as [Settings])[0]);

  it('offers small embedding models with their sizes, and saves the one downloaded', async () => {
    const r = render(SettingsView);
    const select = (await vi.waitFor(() => r.getByTestId('embed-model'))) as HTMLSelectElement;
    expect(select.selectedOptions[0].textContent).toContain('None: search by words only (BM25)');
    const offers = await vi.waitFor(() => {
      const o = r.getAllByTestId('embed-pull');
      expect(o).toHaveLength(2);
      return o;
    });
    expect(offers[0].textContent).toMatch(/all-minilm:latest \(4\d(\.\d)? MB\)/);
    await fireEvent.click(offers[0]);
    await vi.waitFor(() => expect(fake.calls.some((c) => c.service === 'LocalModelsService' && c.method === 'Pull')).toBe(true));
    await fireEvent.click(r.getByTestId('save-settings'));
    await vi.waitFor(() => expect(saved()).toHaveLength(1));
    expect(saved()[0]).toMatchObject({ embedEndpointId: 'ollama', embedModel: 'all-minilm:latest' });
  });
});
