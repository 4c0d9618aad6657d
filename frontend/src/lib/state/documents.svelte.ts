// Documents attached in the composer: files dropped, pasted or picked are
// read in Go as soon as they are attached (ChatService.ReadDocument), which
// says what each holds (a chip shows name, size and tokens) or why it
// cannot be read; they wait there until the message is sent with them.
// A long paste becomes a document too, so the composer never holds
// megabytes of text.
import { api, errorText, type StagedDocument } from '../api';
import { readBase64 } from '../images';
import { toasts } from './toasts.svelte';

/** The largest file Brook reads as a document (Go's documents.MaxFileBytes). */
export const MAX_DOCUMENT_BYTES = 50 * 1024 * 1024;
/** The most documents one message carries (Go's documents.MaxDocuments). */
export const MAX_DOCUMENTS = 20;
/** A paste longer than this (in characters) is attached as a document instead. */
export const PASTE_AS_DOCUMENT_CHARS = 100 * 1024;
/** What the composer says it reads, and up to what size. */
export const DOCUMENT_LIMITS = 'Text, Markdown, code, logs, CSV, JSON, HTML, PDF, DOCX or ODT, up to 50 MB each';

export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1).replace(/\.0$/, '')} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
  return `${(bytes / 1024 ** 3).toFixed(1).replace(/\.0$/, '')} GB`;
}

export function tokensText(tokens: number): string {
  return tokens < 1000 ? `${tokens} tokens` : `${(tokens / 1000).toFixed(1).replace(/\.0$/, '')}k tokens`;
}

/** Why a file is not even read, in plain words; '' when it is tried. */
export function checkDocument(f: { name: string; size: number }): string {
  if (f.size > MAX_DOCUMENT_BYTES) return `${f.name} is ${sizeText(f.size)}; Brook reads documents of at most 50 MB.`;
  return '';
}

/** The text a document viewer shows: a name and what was read. */
export interface OpenDocument {
  name: string;
  detail: string;
  text: string;
}

class AttachedDocuments {
  items = $state<StagedDocument[]>([]);
  /** Files being read now. */
  reading = $state(0);
  /** The document open in the viewer, if any. */
  open = $state<OpenDocument | null>(null);

  ids(): string[] {
    return this.items.map((d) => d.id);
  }

  /**
   * Reads files and attaches those that can be read; the others are refused
   * with their reason. One at a time: the chips keep the files' order, and
   * at most one file's bytes are in flight.
   */
  async addFiles(files: File[]): Promise<void> {
    for (const f of files) await this.addFile(f);
  }

  private async addFile(f: File): Promise<void> {
    const refused = checkDocument(f);
    if (refused) {
      toasts.show(refused, 'error');
      return;
    }
    if (this.items.length + this.reading >= MAX_DOCUMENTS) {
      toasts.show(`Brook sends at most ${MAX_DOCUMENTS} documents with one message.`, 'error');
      return;
    }
    this.reading++;
    try {
      const info = await api.ChatService.ReadDocument(f.name, await readBase64(f));
      this.items = [...this.items.filter((d) => d.id !== info.id), info];
    } catch (e) {
      toasts.show(errorText(e), 'error');
    } finally {
      this.reading--;
    }
  }

  /** A long paste, attached as a text document. */
  async addPaste(text: string): Promise<void> {
    const name = `Pasted text ${new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}.txt`;
    await this.addFile(new File([text], name, { type: 'text/plain' }));
    toasts.show(`That paste is long (${sizeText(new Blob([text]).size)}), so it is attached as a document.`, 'info');
  }

  remove(id: string): void {
    this.items = this.items.filter((d) => d.id !== id);
    api.ChatService.DiscardDocument(id).catch(() => {}); // Go lets it go anyway when Brook closes
  }

  /** After a send: the documents it carried leave the composer (Go let them go). */
  sent(ids: string[]): void {
    this.items = this.items.filter((d) => !ids.includes(d.id));
  }

  async view(d: StagedDocument): Promise<void> {
    try {
      this.open = { name: d.name, detail: detailOf(d), text: await api.ChatService.StagedDocumentText(d.id) };
    } catch (e) {
      toasts.fail(`Could not show ${d.name}`, e);
    }
  }

  async viewStored(d: { id: number; name: string; kind: string; size: number; pages?: number; tokens: number }): Promise<void> {
    try {
      const full = await api.ChatService.DocumentText(d.id);
      this.open = { name: d.name, detail: detailOf(d), text: full.text ?? '' };
    } catch (e) {
      toasts.fail(`Could not show ${d.name}`, e);
    }
  }
}

/** "PDF · 8 pages · 12.4 KB · 3.1k tokens". */
export function detailOf(d: { kind: string; size: number; pages?: number; tokens: number }): string {
  const parts = [d.kind.toUpperCase()];
  if (d.pages) parts.push(`${d.pages} pages`);
  parts.push(sizeText(d.size), tokensText(d.tokens));
  return parts.join(' · ');
}

export const attachedDocuments = new AttachedDocuments();
