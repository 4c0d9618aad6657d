// Bringing your history: a dropped or picked export is previewed (kind,
// counts, dates, each conversation with its checkbox), only the picked ones
// are imported, and a summary says what was imported, skipped and left out.
// Bad input shows the importer's error and imports nothing.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, cleanup, fireEvent, within } from '@testing-library/svelte';
import { flushSync, tick } from 'svelte';
import { setApi } from '../api';
import { createFakeApi, FAKE_IMPORT_PATH, fakeImportPreview, type FakeApi } from '../fake';
import { app } from '../state/app.svelte';
import { conversationList } from '../state/conversationList.svelte';
import { importFlow } from '../state/importFlow.svelte';
import ImportDialog from './ImportDialog.svelte';
import TransferSection from './TransferSection.svelte';

let fake: FakeApi;
beforeEach(() => {
  fake = createFakeApi();
  setApi(fake);
  importFlow.close();
  conversationList.items = [];
});
afterEach(() => {
  cleanup();
  app.destroy();
});

const calls = (method: string) => fake.calls.filter((c) => c.method === method).map((c) => c.args);

/** The dialog as App mounts it: only while an import is under way. */
function dialog() {
  return render(ImportDialog);
}

async function previewed(path = FAKE_IMPORT_PATH) {
  await importFlow.open(path);
  const r = dialog();
  await vi.waitFor(() => expect(r.getByTestId('import-dialog').dataset.stage).toBe('preview'));
  return r;
}

describe('the import preview', () => {
  it('opens when a file is dropped on the window, and shows what the export holds', async () => {
    document.body.style.setProperty('--wails-drop-target', 'drop'); // as App.svelte's style has it
    await app.init();
    fake.emitFileDrop([FAKE_IMPORT_PATH]);
    await vi.waitFor(() => expect(importFlow.stage.kind).toBe('preview'));
    expect(calls('Preview')).toEqual([[FAKE_IMPORT_PATH]]);

    const r = dialog();
    await tick();
    expect(r.getByTestId('import-kind').textContent).toContain('Open WebUI export');
    expect(r.getByTestId('import-kind').textContent).toContain('open-webui-chats.json');
    const p = fakeImportPreview();
    expect(r.getByTestId('import-found').textContent).toMatch(new RegExp(`^5 conversations · ${p.messages} messages · .+2025 – .+2025$`));
    expect(r.getByTestId('import-stored').textContent).toBe('1 is already in Brook as it is: importing it again adds nothing.');
    const rows = r.getAllByTestId('import-row');
    expect(rows.map((row) => row.textContent?.includes('Branching chat'))[0]).toBe(true);
    expect(rows.map((row) => row.dataset.status)).toEqual(['new', 'stored', 'new', 'new', 'new']);
    expect(within(rows[1]).getByText('In Brook')).toBeTruthy();
    expect(r.getAllByTestId('import-pick').every((c) => (c as HTMLInputElement).checked)).toBe(true);
    expect(r.getByTestId('import-go').textContent?.trim()).toBe('Import all 5');
    expect(calls('ImportPicked')).toEqual([]); // nothing is written before Import
    await vi.waitFor(() => expect(document.activeElement).toBe(r.getByTestId('import-go'))); // Enter imports
  });

  it('imports only the picked conversations, then says what was imported, skipped and left out', async () => {
    const r = await previewed();
    const picks = r.getAllByTestId('import-pick');
    await fireEvent.click(picks[3]);
    await fireEvent.click(picks[4]);
    expect(r.getByTestId('import-go').textContent?.trim()).toBe('Import 3');
    await fireEvent.click(r.getByTestId('import-go'));
    await vi.waitFor(() => expect(r.getByTestId('import-dialog').dataset.stage).toBe('done'));

    expect(calls('ImportPicked')).toEqual([[FAKE_IMPORT_PATH, 'fake-token-5', [0, 1, 2]]]);
    const summary = r.getByTestId('import-summary').textContent ?? '';
    const p = fakeImportPreview();
    const messages = p.conversations[0].messages + p.conversations[2].messages;
    expect(summary).toContain(`Imported 2 conversations (${messages} messages).`);
    expect(summary).toContain('Skipped 1 conversation already in Brook.');
    expect(summary).toContain('Left out 2 conversations you did not pick.');
    expect(r.getByText(/notes\.pdf \(files are not imported\)/)).toBeTruthy();
    // The sidebar shows them at once.
    expect(conversationList.items.map((c) => c.title).sort()).toEqual(['Branching chat', 'Trip to Lisbon']);
    await fireEvent.click(r.getByTestId('import-close'));
    expect(importFlow.stage.kind).toBe('idle');
  });

  it('says so when every picked conversation is in Brook already, and offers Cancel', async () => {
    const r = await previewed();
    const picks = r.getAllByTestId('import-pick');
    for (const i of [0, 2, 3, 4]) await fireEvent.click(picks[i]);
    expect(r.getByTestId('import-go').textContent?.trim()).toBe('Nothing new to import');
    expect((r.getByTestId('import-go') as HTMLButtonElement).disabled).toBe(true);
  });

  it('cannot import with nothing picked; "Pick only new ones" leaves out what Brook has', async () => {
    const r = await previewed();
    await fireEvent.click(r.getByTestId('import-all'));
    expect(importFlow.pickedCount).toBe(0);
    expect((r.getByTestId('import-go') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(r.getByText('Pick only new ones'));
    expect(importFlow.picked).toEqual([true, false, true, true, true]);
    expect((r.getByTestId('import-all') as HTMLInputElement).indeterminate).toBe(true);
  });

  it('shows the importer\'s error for what is no export, and imports nothing', async () => {
    fake.db.imports['/home/you/notes.txt'] = 'notes.txt: unknown format: this is not a JSON file, a folder or a ZIP';
    await importFlow.dropped(['/home/you/notes.txt']);
    const r = dialog();
    await tick();
    expect(r.getByTestId('import-dialog').dataset.stage).toBe('failed');
    expect(r.getByText("Brook can't import notes.txt")).toBeTruthy();
    expect(r.getByTestId('import-error').textContent).toBe('unknown format: this is not a JSON file, a folder or a ZIP'); // the title names the file
    expect(r.getByText(/Nothing was changed/)).toBeTruthy();
    expect(calls('ImportPicked')).toEqual([]);
  });

  it('keeps the preview when the file changed since, says so, and reads it again on request', async () => {
    const r = await previewed();
    fake.db.imports[FAKE_IMPORT_PATH] = fakeImportPreview(6); // another token: the file changed
    await fireEvent.click(r.getByTestId('import-go'));
    await vi.waitFor(() => expect(r.getByTestId('import-error').textContent).toMatch(/changed since its preview.*Nothing was changed/));
    expect(fake.db.conversations).toEqual([]);
    await fireEvent.click(r.getByText('Read it again'));
    await vi.waitFor(() => expect(r.getAllByTestId('import-row')).toHaveLength(6));
    expect(importFlow.picked.every(Boolean)).toBe(true);
  });

  it('mounts a page of rows of a long export, not thousands', async () => {
    fake.db.imports['/big.json'] = fakeImportPreview(5000);
    await importFlow.open('/big.json');
    // jsdom has no IntersectionObserver: the list mounts all; with one it mounts a page.
    const observed: Element[] = [];
    vi.stubGlobal(
      'IntersectionObserver',
      class {
        observe(el: Element) {
          observed.push(el);
        }
        disconnect() {}
      },
    );
    try {
      const r = dialog();
      flushSync();
      await tick();
      expect(r.getAllByTestId('import-row').length).toBe(80);
      expect(observed).toHaveLength(1);
      expect(r.getByTestId('import-go').textContent?.trim()).toBe('Import all 5,000');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('Settings → Export and import', () => {
  it('offers a file and a folder, and previews what the dialog gave', async () => {
    const r = render(TransferSection);
    await fireEvent.click(r.getByTestId('import-folder'));
    await vi.waitFor(() => expect(importFlow.stage.kind).toBe('preview'));
    expect(calls('PickImport')).toEqual([[true]]);
    expect(calls('Preview')).toEqual([[FAKE_IMPORT_PATH]]);
  });

  it('does nothing when the dialog is cancelled', async () => {
    fake.db.importPick = '';
    const r = render(TransferSection);
    await fireEvent.click(r.getByTestId('import-file'));
    await vi.waitFor(() => expect(calls('PickImport')).toEqual([[false]]));
    expect(importFlow.stage.kind).toBe('idle');
    expect(calls('Preview')).toEqual([]);
  });
});
