// A scenario of documents in the real window: files handed over by the Go
// test (base64 in the scenario's argument) are attached through the
// composer's file input, shown as chips, opened, and sent with a question.
import { attachedDocuments } from '../lib/state/documents.svelte';
import { $, $$, click, shownMessages, waitFor } from './dom';
import { newChat, ready, send, settled } from './steps';

type Scenario = (arg: string) => Promise<Record<string, unknown>>;

interface GivenFile {
  name: string;
  type: string;
  data: string;
}

export const documentScenarios: Record<string, Scenario> = {
  async documents(arg: string) {
    await ready();
    await newChat();
    const given = JSON.parse(arg) as GivenFile[];
    const files = given.map((f) => new File([Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
    const input = await waitFor(() => $('attach-document-input') as HTMLInputElement | null, 'the attach-documents input');
    const dt = new DataTransfer();
    for (const f of files) dt.items.add(f);
    input.files = dt.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await waitFor(() => $$('document-chip').length === files.length || null, `${files.length} document chips`, 30000);
    const chips = $$('document-chip').map((el) => ({ name: el.dataset.name, detail: ($('document-detail', el)?.textContent ?? '').trim() }));
    // The PDF's chip opens to the text the model will read.
    const pdfChip = $$('document-chip').find((el) => el.dataset.name?.endsWith('.pdf'));
    if (!pdfChip) throw new Error('no chip for the PDF');
    await click($('document-open', pdfChip), 'the PDF chip');
    const viewerText = await waitFor(() => document.querySelector('[data-testid="document-text"]')?.textContent || null, 'the document viewer');
    attachedDocuments.open = null;
    const answerId = await send("What is the name of the lighthouse keeper's cat?");
    const answer = await settled(answerId);
    const user = shownMessages().find((m) => m.role === 'user' && m.id < answerId);
    const userEl = user ? document.querySelector(`[data-testid="message"][data-message-id="${user.id}"]`) : null;
    const historyChips = await waitFor(() => {
      const n = userEl?.querySelectorAll('[data-testid="document-chip"]').length ?? 0;
      return n > 0 ? n : null;
    }, 'the documents in the history');
    return {
      answerId,
      state: answer.state,
      chips,
      viewerHasPage7: viewerText.includes('--- Page 7 ---'),
      viewerHasWord: viewerText.includes('Zephyrine'),
      attachedLeft: $$('document-chip').length - historyChips,
      historyChips,
    };
  },
};

/** Attaches files made in the page through the composer's documents input. */
async function attachMade(files: File[]): Promise<void> {
  const input = await waitFor(() => $('attach-document-input') as HTMLInputElement | null, 'the attach-documents input');
  const dt = new DataTransfer();
  for (const f of files) dt.items.add(f);
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
  const before = $$('document-chip').length;
  await waitFor(() => $$('document-chip').length >= before + files.length || null, `${files.length} more document chips`, 30000);
}

/** The documentation screenshot's state: a question sent with documents, and one more waiting in the composer. */
export async function poseDocuments(): Promise<void> {
  await newChat();
  const file = (name: string, type: string, text: string) => new File([text], name, { type });
  await attachMade([
    file('harbour-notes.md', 'text/markdown', '# Harbour notes\n\nHigh water at 06:12, low at 12:30.\n'.repeat(40)),
    file('boats.csv', 'text/csv', 'boat,length,berth\nHeron,12,A3\nPuffin,9,B1\n'.repeat(30)),
  ]);
  const id = await send('Which boats need a berth at high water?');
  await settled(id);
  await attachMade([file('lamp.go', 'text/x-go', 'package lighthouse\n\n// Lamp turns the light on at dusk.\nfunc Lamp() string { return "on" }\n')]);
}
