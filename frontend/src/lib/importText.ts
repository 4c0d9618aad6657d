import { t, fmtDate } from './i18n/t.svelte';
// The words of an import's preview and closing summary.
import type { ImportPreview, ImportSummary } from './api';

/** The name of a path's last part, for the user. */
export function baseName(path: string): string {
  const parts = path.split(/[/\\]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}

/** A day, short: "14 Apr 2025"; "" for an unknown time (0). */
export function shortDate(time: number): string {
  if (!time) return '';
  return fmtDate(new Date(time));
}

/** The days a preview's conversations span: one day, "from – to", or "" when none has a time. */
export function dateRange(first: number, last: number): string {
  if (!first && !last) return '';
  const a = shortDate(first || last);
  const b = shortDate(last || first);
  return a === b ? a : t('importText.range', { from: a, to: b });
}

/** What a preview found, in one line: "2 conversations · 9 messages · 13 Apr 2025 – 2 May 2025". */
export function foundLine(p: ImportPreview): string {
  return [t('importText.conversations', { n: p.conversations.length }), t('importText.messages', { n: p.messages }), dateRange(p.first, p.last)].filter(Boolean).join(' · ');
}

/** How many of a preview's conversations Brook has already ("" for none): they are skipped. */
export function storedNote(p: ImportPreview): string {
  const n = p.stored;
  const total = p.conversations.length;
  if (!n) return '';
  return n === total ? t('importText.storedAll', { n }) : t('importText.storedSome', { n });
}

/** An importer's error without the name the dialog's title already gives ("notes.txt: unknown format: …"). */
export function errorFor(path: string, error: string): string {
  const prefix = baseName(path) + ': ';
  return path && error.startsWith(prefix) ? error.slice(prefix.length) : error;
}

/** The Import button's words: how many are picked, or that nothing picked is new. */
export function importLabel(p: ImportPreview, picked: boolean[], importing: boolean): string {
  if (importing) return t('importText.importing');
  const n = picked.filter(Boolean).length;
  if (n > 0 && p.conversations.every((c, i) => !picked[i] || c.status === 'stored')) return t('importText.nothingNew');
  return n === p.conversations.length && n > 1 ? t('importText.importAll', { n }) : t('importText.importN', { n });
}

/** The closing summary in sentences: what was imported, skipped and left out, and why. */
export function summaryLines(s: ImportSummary): string[] {
  const lines = [s.imported ? t('importText.imported', { n: s.imported, messages: s.messages }) : t('importText.noneImported')];
  if (s.copied) lines.push(t('importText.copied', { n: s.copied }));
  if (s.archived) lines.push(t('importText.archived', { n: s.archived }));
  if (s.skipped) lines.push(t('importText.skipped', { n: s.skipped }));
  if (s.notPicked) lines.push(t('importText.notPicked', { n: s.notPicked }));
  return lines;
}
