import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, fireEvent, cleanup } from '@testing-library/svelte';
import { setApi } from '../api';
import { createFakeApi, survey, type FakeApi } from '../fake';
import { chat } from '../state/chat.svelte';
import { models } from '../state/models.svelte';
import { toasts } from '../state/toasts.svelte';
import { attachedDocuments, checkDocument, detailOf, PASTE_AS_DOCUMENT_CHARS } from '../state/documents.svelte';
import Composer from './Composer.svelte';
import MessageDocuments from './MessageDocuments.svelte';

let fake: FakeApi;

beforeEach(async () => {
  fake = createFakeApi({
    models: [
      survey({
        endpoint: { id: 'ollama', name: 'Ollama', kind: 'ollama', baseUrl: 'http://127.0.0.1:11434', enabled: true },
        models: [{ name: 'tiny:latest', capabilities: ['completion'] }],
      }),
    ],
  });
  setApi(fake);
  chat.newChat();
  for (const d of [...attachedDocuments.items]) attachedDocuments.remove(d.id);
  attachedDocuments.open = null;
  await models.refresh(true);
  models.select({ endpointId: 'ollama', model: 'tiny:latest' });
  toasts.clear();
});
afterEach(() => cleanup());

const text = (name: string, body: string) => new File([body], name, { type: 'text/plain' });
const callsOf = (m: string) => fake.calls.filter((c) => c.method === m);

async function pick(input: HTMLInputElement, files: File[]) {
  Object.defineProperty(input, 'files', { value: files, configurable: true });
  await fireEvent.change(input);
}

describe('documents in the composer', () => {
  it('a picked file shows as a chip with its name, size and tokens; it opens, and it can be removed', async () => {
    const r = render(Composer);
    await pick(r.getByTestId('attach-document-input') as HTMLInputElement, [text('main.go', 'package main\n\nfunc main() {}\n')]);
    await vi.waitFor(() => expect(r.getAllByTestId('document-chip')).toHaveLength(1));
    expect(r.getByTestId('document-chip').textContent).toContain('main.go');
    expect(r.getByTestId('document-detail').textContent).toBe('TEXT · 29 B · 8 tokens');
    await fireEvent.click(r.getByTestId('document-open'));
    await vi.waitFor(() => expect(document.querySelector('[data-testid="document-text"]')?.textContent).toBe('package main\n\nfunc main() {}\n'));
    attachedDocuments.open = null;
    await fireEvent.click(r.getByTestId('document-remove'));
    await vi.waitFor(() => expect(r.queryAllByTestId('document-chip')).toHaveLength(0));
    expect(callsOf('DiscardDocument')).toHaveLength(1);
  });

  it('a dropped file that is not a picture is a document; a refused one says why and attaches nothing', async () => {
    const r = render(Composer);
    const box = r.getByTestId('composer-box');
    const bin = new File([new Uint8Array([0, 1, 2])], 'blob.bin', { type: 'application/octet-stream' });
    const notes = text('notes.md', '# Notes');
    await fireEvent.drop(box, { dataTransfer: { items: [notes, bin].map((f) => ({ kind: 'file', type: f.type, getAsFile: () => f })), files: [notes, bin], types: ['Files'] } });
    await vi.waitFor(() => expect(r.getAllByTestId('document-chip')).toHaveLength(1));
    expect(toasts.toasts.map((t) => t.text)).toContain('blob.bin is a binary file, not text or a document Brook can read.');
  });

  it('refuses a file over 50 MB before reading it', () => {
    expect(checkDocument({ name: 'huge.log', size: 1024 ** 3 })).toBe('huge.log is 1 GB; Brook reads documents of at most 50 MB.');
    expect(checkDocument({ name: 'ok.log', size: 10 })).toBe('');
  });

  it('a long paste is attached as a document instead of filling the composer', async () => {
    const r = render(Composer);
    const long = 'log line\n'.repeat(Math.ceil(PASTE_AS_DOCUMENT_CHARS / 9) + 10);
    const ta = r.getByTestId('composer') as HTMLTextAreaElement;
    const notPrevented = await fireEvent.paste(ta, { clipboardData: { items: [], files: [], types: ['text/plain'], getData: () => long } });
    expect(notPrevented).toBe(false);
    await vi.waitFor(() => expect(r.getAllByTestId('document-chip')).toHaveLength(1));
    expect(r.getByTestId('document-chip').dataset.name).toMatch(/^Pasted text .*\.txt$/);
    expect(chat.draft).toBe('');
  });

  it('sends the attached documents with the message, and they leave the composer', async () => {
    const r = render(Composer);
    await pick(r.getByTestId('attach-document-input') as HTMLInputElement, [text('a.txt', 'alpha'), text('b.csv', 'x,y\n1,2')]);
    await vi.waitFor(() => expect(r.getAllByTestId('document-chip')).toHaveLength(2));
    expect(chat.send('compare them')).toBe(true);
    await vi.waitFor(() => expect(callsOf('SendWithAttachments')).toHaveLength(1));
    const args = callsOf('SendWithAttachments')[0].args;
    expect([args[1], args[5]]).toEqual(['compare them', [expect.stringContaining('a.txt'), expect.stringContaining('b.csv')]]);
    await vi.waitFor(() => expect(r.queryAllByTestId('document-chip')).toHaveLength(0));
    const user = fake.db.messages.find((m) => m.role === 'user');
    expect(user?.documents?.map((d) => d.name)).toEqual(['a.txt', 'b.csv']);
  });

  it('a sent message shows its documents, and one opens to the text the model read', async () => {
    const r = render(Composer);
    await pick(r.getByTestId('attach-document-input') as HTMLInputElement, [text('a.txt', 'alpha beta')]);
    await vi.waitFor(() => expect(r.getAllByTestId('document-chip')).toHaveLength(1));
    chat.send('read it');
    await vi.waitFor(() => expect(fake.db.messages.find((m) => m.role === 'user')?.documents?.length).toBe(1));
    cleanup();
    const docs = fake.db.messages.find((m) => m.role === 'user')!.documents!;
    const h = render(MessageDocuments, { documents: docs });
    expect(h.getByTestId('document-detail').textContent).toBe(detailOf(docs[0]));
    await fireEvent.click(h.getByTestId('document-open'));
    await vi.waitFor(() => expect(attachedDocuments.open?.text).toBe('alpha beta'));
  });
});
