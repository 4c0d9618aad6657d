import { t, fmtBytes, fmtDate, fmtTime } from './i18n/t.svelte';
import type { Conversation } from './api';

// The group labels are ids (shown through groupName). i18n-ids
export type GroupLabel = 'Pinned' | 'Today' | 'Yesterday' | 'Previous 7 days' | 'Previous 30 days' | 'Older'; // i18n-ids
export interface ConversationGroup {
  label: GroupLabel;
  items: Conversation[];
}

const ORDER: GroupLabel[] = ['Pinned', 'Today', 'Yesterday', 'Previous 7 days', 'Previous 30 days', 'Older']; // i18n-ids

/** A group's name in the current language. */
export function groupName(label: GroupLabel): string {
  switch (label) {
    case 'Pinned': // i18n-ids
      return t('dates.pinned');
    case 'Today': // i18n-ids
      return t('dates.today');
    case 'Yesterday': // i18n-ids
      return t('dates.yesterday');
    case 'Previous 7 days':
      return t('dates.previous7');
    case 'Previous 30 days':
      return t('dates.previous30');
    default:
      return t('dates.older');
  }
}

function startOfDay(time: number): number {
  const d = new Date(time);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Which date group a conversation belongs to (by updatedAt, local calendar days). */
export function groupOf(c: Conversation, now: number): GroupLabel {
  if (c.pinned) return 'Pinned'; // i18n-ids
  const today = startOfDay(now);
  const day = startOfDay(c.updatedAt);
  const days = Math.round((today - day) / 86_400_000);
  if (days <= 0) return 'Today'; // i18n-ids
  if (days === 1) return 'Yesterday'; // i18n-ids
  if (days <= 7) return 'Previous 7 days';
  if (days <= 30) return 'Previous 30 days';
  return 'Older'; // i18n-ids
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

export function formatTime(time: number): string {
  const d = new Date(time);
  const now = new Date();
  if (d.toDateString() === now.toDateString()) return fmtTime(d);
  return fmtDate(d);
}

export function formatBytes(n?: number): string {
  if (!n) return '';
  const u = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) {
    n /= 1024;
    i++;
  }
  void u;
  return fmtBytes(n * 1024 ** i, 1024, (x, unit) => (x < 10 && unit > 0 ? 1 : 0), true);
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
export function relativeTime(time: number, now = Date.now()): string {
  if (!time) return '';
  const s = Math.max(0, Math.round((now - time) / 1000));
  if (s < 60) return t('dates.justNow');
  const min = Math.floor(s / 60);
  if (min < 60) return t('dates.minutesAgo', { n: min });
  const h = Math.floor(min / 60);
  if (h < 24) return t('dates.hoursAgo', { n: h });
  const d = Math.floor(h / 24);
  if (d === 1) return t('dates.yesterdayLower');
  if (d < 14) return t('dates.daysAgo', { n: d });
  if (d < 60) return t('dates.weeksAgo', { n: Math.floor(d / 7) });
  if (d < 365) return t('dates.monthsAgo', { n: Math.floor(d / 30) });
  return t('dates.yearsAgo', { n: Math.floor(d / 365) });
}
