// The words of an import's preview and closing summary.
import type { ImportPreview, ImportSummary } from './api';

/** The name of a path's last part, for the user. */
export function baseName(path: string): string {
  const parts = path.split(/[/\\]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}

/** "1 conversation", "2,400 conversations". */
export function plural(n: number, one: string, many = one + 's'): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** A day, short: "14 Apr 2025"; "" for an unknown time (0). */
export function shortDate(t: number): string {
  if (!t) return '';
  return new Date(t).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** The days a preview's conversations span: one day, "from – to", or "" when none has a time. */
export function dateRange(first: number, last: number): string {
  if (!first && !last) return '';
  const a = shortDate(first || last);
  const b = shortDate(last || first);
  return a === b ? a : `${a} – ${b}`;
}

/** What a preview found, in one line: "2 conversations · 9 messages · 13 Apr 2025 – 2 May 2025". */
export function foundLine(p: ImportPreview): string {
  return [plural(p.conversations.length, 'conversation'), plural(p.messages, 'message'), dateRange(p.first, p.last)].filter(Boolean).join(' · ');
}

/** How many of a preview's conversations Brook has already ("" for none): they are skipped. */
export function storedNote(p: ImportPreview): string {
  const n = p.stored;
  const total = p.conversations.length;
  if (!n) return '';
  const who = n === total ? (n === 1 ? 'It is' : n === 2 ? 'Both are' : `All ${n.toLocaleString()} are`) : `${n.toLocaleString()} ${n === 1 ? 'is' : 'are'}`;
  return `${who} already in Brook as ${n === 1 ? 'it is' : 'they are'}: importing ${n === 1 ? 'it' : 'them'} again adds nothing.`;
}

/** An importer's error without the name the dialog's title already gives ("notes.txt: unknown format: …"). */
export function errorFor(path: string, error: string): string {
  const prefix = baseName(path) + ': ';
  return path && error.startsWith(prefix) ? error.slice(prefix.length) : error;
}

/** The Import button's words: how many are picked, or that nothing picked is new. */
export function importLabel(p: ImportPreview, picked: boolean[], importing: boolean): string {
  if (importing) return 'Importing…';
  const n = picked.filter(Boolean).length;
  if (n > 0 && p.conversations.every((c, i) => !picked[i] || c.status === 'stored')) return 'Nothing new to import';
  return n === p.conversations.length && n > 1 ? `Import all ${n.toLocaleString()}` : `Import ${n.toLocaleString()}`;
}

/** The closing summary in sentences: what was imported, skipped and left out, and why. */
export function summaryLines(s: ImportSummary): string[] {
  const lines = [s.imported ? `Imported ${plural(s.imported, 'conversation')} (${plural(s.messages, 'message')}).` : 'No conversation was imported.'];
  if (s.copied === 1) lines.push('One of them differs from the conversation with its id in Brook, so it came in as a copy beside it.');
  else if (s.copied) lines.push(`${s.copied} of them differ from the conversations with their ids in Brook, so they came in as copies beside them.`);
  if (s.archived) {
    lines.push(`${s.archived === 1 ? '1 of them is' : `${s.archived.toLocaleString()} of them are`} archived, as in the export: find ${s.archived === 1 ? 'it' : 'them'} under Archived.`);
  }
  if (s.skipped) lines.push(`Skipped ${plural(s.skipped, 'conversation')} already in Brook.`);
  if (s.notPicked) lines.push(`Left out ${plural(s.notPicked, 'conversation')} you did not pick.`);
  return lines;
}
