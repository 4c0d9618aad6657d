// Bringing conversations in from other apps: a file, folder or ZIP is picked
// (Settings) or dropped on the window, Go reads it and says what it holds
// (the preview), the user picks which conversations to bring, and Go imports
// those in one transaction. Nothing is written before Import.
import { api, errorText, type ImportPreview, type ImportSummary } from '../api';
import { conversationList } from './conversationList.svelte';

export type ImportStage =
  /** Nothing is being imported. */
  | { kind: 'idle' }
  /** Go reads what was picked or dropped. */
  | { kind: 'reading'; path: string }
  /** The preview is shown; the user picks. error is a failed Import, shown above the list. */
  | { kind: 'preview'; path: string; preview: ImportPreview; error: string }
  /** The picked conversations are being imported. */
  | { kind: 'importing'; path: string; preview: ImportPreview }
  /** Done: the closing summary. */
  | { kind: 'done'; path: string; preview: ImportPreview; summary: ImportSummary }
  /** What was picked or dropped cannot be imported; nothing changed. */
  | { kind: 'failed'; path: string; error: string };

export class ImportFlowStore {
  stage = $state<ImportStage>({ kind: 'idle' });
  /** picked[i]: conversation i of the preview is to be imported. */
  picked = $state<boolean[]>([]);
  readonly pickedCount = $derived(this.picked.reduce((n, p) => n + (p ? 1 : 0), 0));

  private seq = 0;

  get busy(): boolean {
    return this.stage.kind === 'reading' || this.stage.kind === 'importing';
  }

  /** Asks for a file (or, with folder, a folder) and previews it; cancelling does nothing. */
  async pick(folder: boolean): Promise<void> {
    if (this.busy) return;
    let path = '';
    try {
      path = await api.TransferService.PickImport(folder);
    } catch (e) {
      this.stage = { kind: 'failed', path: '', error: errorText(e) };
      return;
    }
    if (path) await this.open(path);
  }

  /** Files or folders were dropped on the window: the first is previewed (one import at a time). */
  async dropped(paths: string[]): Promise<void> {
    const path = paths.find((p) => p);
    if (!path || this.stage.kind === 'importing') return;
    await this.open(path);
  }

  /** Reads path and shows its preview, every conversation picked. */
  async open(path: string): Promise<void> {
    const seq = ++this.seq;
    this.stage = { kind: 'reading', path };
    try {
      const preview = await api.TransferService.Preview(path);
      if (seq !== this.seq) return; // another drop or pick came meanwhile
      this.picked = preview.conversations.map(() => true);
      this.stage = { kind: 'preview', path, preview, error: '' };
    } catch (e) {
      if (seq !== this.seq) return;
      this.stage = { kind: 'failed', path, error: errorText(e) };
    }
  }

  toggle(i: number): void {
    this.picked[i] = !this.picked[i];
  }

  /** Picks every conversation, or none. */
  setAll(on: boolean): void {
    this.picked = this.picked.map(() => on);
  }

  /** Picks only the conversations Brook does not have yet. */
  pickNew(): void {
    if (this.stage.kind !== 'preview') return;
    this.picked = this.stage.preview.conversations.map((c) => c.status !== 'stored');
  }

  /** Imports the picked conversations; a failure is shown in the preview and changes nothing. */
  async importPicked(): Promise<void> {
    const st = this.stage;
    if (st.kind !== 'preview' || this.pickedCount === 0) return;
    const picked = this.picked.flatMap((on, i) => (on ? [i] : []));
    const seq = ++this.seq;
    this.stage = { kind: 'importing', path: st.path, preview: st.preview };
    try {
      const summary = await api.TransferService.ImportPicked(st.path, st.preview.token, picked);
      if (seq !== this.seq) return;
      this.stage = { kind: 'done', path: st.path, preview: st.preview, summary };
      await conversationList.refresh();
    } catch (e) {
      if (seq !== this.seq) return;
      this.stage = { kind: 'preview', path: st.path, preview: st.preview, error: errorText(e) };
    }
  }

  /** Reads the same path again (after a failure, or when it changed since its preview). */
  async again(): Promise<void> {
    const st = this.stage;
    if (st.kind === 'idle' || !st.path) return;
    await this.open(st.path);
  }

  close(): void {
    if (this.stage.kind === 'importing') return; // the transaction runs on; its summary follows
    this.seq++;
    this.stage = { kind: 'idle' };
    this.picked = [];
  }
}

export const importFlow = new ImportFlowStore();
