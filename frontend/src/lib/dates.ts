import type { Conversation } from './api';

export type GroupLabel = 'Pinned' | 'Today' | 'Yesterday' | 'Previous 7 days' | 'Previous 30 days' | 'Older';
export interface ConversationGroup {
  label: GroupLabel;
  items: Conversation[];
}

const ORDER: GroupLabel[] = ['Pinned', 'Today', 'Yesterday', 'Previous 7 days', 'Previous 30 days', 'Older'];

function startOfDay(t: number): number {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Which date group a conversation belongs to (by updatedAt, local calendar days). */
export function groupOf(c: Conversation, now: number): GroupLabel {
  if (c.pinned) return 'Pinned';
  const today = startOfDay(now);
  const day = startOfDay(c.updatedAt);
  const days = Math.round((today - day) / 86_400_000);
  if (days <= 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (days <= 7) return 'Previous 7 days';
  if (days <= 30) return 'Previous 30 days';
  return 'Older';
}

/** Groups in fixed order (Pinned first), newest first inside each group; empty groups omitted. */
export function groupConversations(list: Conversation[], now = Date.now()): ConversationGroup[] {
  const m = new Map<GroupLabel, Conversation[]>();
  for (const c of list) {
    const g = groupOf(c, now);
    let arr = m.get(g);
    if (!arr) m.set(g, (arr = []));
    arr.push(c);
  }
  return ORDER.filter((l) => m.has(l)).map((label) => ({
    label,
    items: m.get(label)!.slice().sort((a, b) => b.updatedAt - a.updatedAt),
  }));
}

export function formatTime(t: number): string {
  const d = new Date(t);
  const now = new Date();
  if (d.toDateString() === now.toDateString()) return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

export function formatBytes(n?: number): string {
  if (!n) return '';
  const u = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(n < 10 && i > 0 ? 1 : 0)} ${u[i]}`;
}

/** Only <mark> survives from a search snippet (Go escapes everything else; this is defence in depth). */
export function safeSnippet(html: string): string {
  return tidySnippet(html.replace(/<(?!\/?mark>)/gi, '&lt;'));
}

/**
 * Snippets come from the raw Markdown of a message. For reading, drop the
 * syntax that means nothing out of context — code fences, table rules and
 * pipes, emphasis stars, heading and quote marks — and fold white space.
 */
export function tidySnippet(html: string): string {
  return html
    .replace(/`{3,}[\w+-]*/g, ' ')
    .replace(/\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?/g, ' ')
    .replace(/\s*\|\s*/g, ' · ')
    .replace(/\*{1,3}|_{2,3}|~~/g, '')
    .replace(/(^|\s)(#{1,6}|&gt;)\s/g, '$1')
    .replace(/(\s*·\s*){2,}/g, ' · ')
    .replace(/^\s*·\s*|\s*·\s*$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** How long ago t was, in words ("just now", "5 minutes ago", "yesterday", "3 weeks ago"); now is when it is shown. */
export function relativeTime(t: number, now = Date.now()): string {
  if (!t) return '';
  const s = Math.max(0, Math.round((now - t) / 1000));
  const ago = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'} ago`;
  if (s < 60) return 'just now';
  const min = Math.floor(s / 60);
  if (min < 60) return ago(min, 'minute');
  const h = Math.floor(min / 60);
  if (h < 24) return ago(h, 'hour');
  const d = Math.floor(h / 24);
  if (d === 1) return 'yesterday';
  if (d < 14) return ago(d, 'day');
  if (d < 60) return ago(Math.floor(d / 7), 'week');
  if (d < 365) return ago(Math.floor(d / 30), 'month');
  return ago(Math.floor(d / 365), 'year');
}
