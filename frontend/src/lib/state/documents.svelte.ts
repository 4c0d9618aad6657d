import { t, fmtBytes, fmtNumber, fmtTime } from '../i18n/t.svelte';
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
export function documentLimits(): string {
  return t('documents.limits', { size: sizeText(MAX_DOCUMENT_BYTES) });
}

export function sizeText(bytes: number): string {
  return fmtBytes(bytes, 1024, () => 1);
}

export function tokensText(tokens: number): string {
  return tokens < 1000 ? t('documents.tokens', { n: tokens }) : t('documents.kTokens', { n: fmtNumber(tokens / 1000, 1) });
}

/** Why a file is not even read, in plain words; '' when it is tried. */
export function checkDocument(f: { name: string; size: number }): string {
  if (f.size > MAX_DOCUMENT_BYTES) return t('documents.tooLarge', { name: f.name, size: sizeText(f.size), max: sizeText(MAX_DOCUMENT_BYTES) });
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
      toasts.show(t('documents.tooMany', { max: MAX_DOCUMENTS }), 'error');
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
    const name = t('documents.pastedName', { time: fmtTime(new Date()) });
    await this.addFile(new File([text], name, { type: 'text/plain' }));
    toasts.show(t('documents.longPaste', { size: sizeText(new Blob([text]).size) }), 'info');
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
      toasts.fail(t('documents.couldNotShow', { name: d.name }), e);
    }
  }

  async viewStored(d: { id: number; name: string; kind: string; size: number; pages?: number; tokens: number }): Promise<void> {
    try {
      const full = await api.ChatService.DocumentText(d.id);
      this.open = { name: d.name, detail: detailOf(d), text: full.text ?? '' };
    } catch (e) {
      toasts.fail(t('documents.couldNotShow', { name: d.name }), e);
    }
  }
}

/** "PDF · 8 pages · 12.4 KB · 3.1k tokens". */
export function detailOf(d: { kind: string; size: number; pages?: number; tokens: number }): string {
  const parts = [d.kind.toUpperCase()];
  if (d.pages) parts.push(t('documents.pages', { n: d.pages }));
  parts.push(sizeText(d.size), tokensText(d.tokens));
  return parts.join(' · ');
}

export const attachedDocuments = new AttachedDocuments();
