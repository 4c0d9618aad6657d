import { describe, expect, it } from 'vitest';
import { groupConversations, safeSnippet } from './dates';
import { conv } from './fake';

describe('groupConversations', () => {
  const now = new Date(2026, 10, 21, 15, 0, 0).getTime();
  const day = 86_400_000;
  it('groups by date with pinned first and newest first inside a group', () => {
    const list = [
      conv({ id: 1, title: 'old', updatedAt: now - 90 * day }),
      conv({ id: 2, title: 'today-early', updatedAt: new Date(2026, 10, 21, 1).getTime() }),
      conv({ id: 3, title: 'today-late', updatedAt: now - 1000 }),
      conv({ id: 4, title: 'yesterday', updatedAt: new Date(2026, 10, 20, 23, 59).getTime() }),
      conv({ id: 5, title: 'week', updatedAt: now - 5 * day }),
      conv({ id: 6, title: 'month', updatedAt: now - 20 * day }),
      conv({ id: 7, title: 'pinned-old', updatedAt: now - 400 * day, pinned: true }),
    ];
    const g = groupConversations(list, now);
    expect(g.map((x) => x.label)).toEqual(['Pinned', 'Today', 'Yesterday', 'Previous 7 days', 'Previous 30 days', 'Older']);
    expect(g[0].items.map((c) => c.id)).toEqual([7]);
    expect(g[1].items.map((c) => c.id)).toEqual([3, 2]);
    expect(g[2].items.map((c) => c.id)).toEqual([4]);
    expect(g[5].items.map((c) => c.id)).toEqual([1]);
  });
  it('omits empty groups', () => {
    expect(groupConversations([conv({ updatedAt: now })], now).map((g) => g.label)).toEqual(['Today']);
    expect(groupConversations([], now)).toEqual([]);
  });
});

describe('safeSnippet', () => {
  it('keeps <mark> and escapes any other tag', () => {
    expect(safeSnippet('a <mark>b</mark> c')).toBe('a <mark>b</mark> c');
    expect(safeSnippet('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)>');
    expect(safeSnippet('<mark onclick="x">y</mark>')).toBe('&lt;mark onclick="x">y</mark>');
  });
});
