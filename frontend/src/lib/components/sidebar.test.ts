// The sidebar mounts a window of conversations and more as its end comes
// into view, so thousands of conversations cost the window little.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, cleanup } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { setApi } from '../api';
import { createFakeApi, conv, type FakeApi } from '../fake';
import { ConversationListStore, conversationList, LIST_PAGE } from '../state/conversationList.svelte';
import Sidebar from './Sidebar.svelte';

/** An IntersectionObserver the test drives: `reveal()` says the sentinel came into view. */
class TestObserver {
  static live = new Set<TestObserver>();
  constructor(private cb: IntersectionObserverCallback) {}
  observe(el: Element) {
    this.el = el;
    TestObserver.live.add(this);
  }
  disconnect() {
    TestObserver.live.delete(this);
  }
  el?: Element;
  reveal() {
    this.cb([{ isIntersecting: true, target: this.el! } as IntersectionObserverEntry], this as unknown as IntersectionObserver);
  }
}

describe('the sidebar window', () => {
  beforeEach(async () => {
    vi.stubGlobal('IntersectionObserver', TestObserver);
    const now = Date.now();
    setApi(createFakeApi({ conversations: Array.from({ length: 100 }, (_, i) => conv({ id: i + 1, title: `Chat ${i + 1}`, updatedAt: now - i * 1000 })) }));
    await conversationList.refresh();
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
    TestObserver.live.clear();
  });

  it('mounts 30 conversations, then 30 more each time the end comes into view, then stops watching', () => {
    const r = render(Sidebar);
    const items = () => r.container.querySelectorAll('[data-testid="conversation-item"]').length;
    expect(conversationList.items.length).toBe(100);
    expect(items()).toBe(30);
    expect(TestObserver.live.size).toBe(1);

    for (const want of [60, 90, 100]) {
      [...TestObserver.live][0].reveal();
      flushSync();
      expect(items()).toBe(want);
    }
    expect(r.queryByTestId('sidebar-more')).toBeNull();
    expect(TestObserver.live.size).toBe(0); // nothing left to watch
  });
});

describe('a sidebar over more conversations than one read brings', () => {
  let fake: FakeApi;
  beforeEach(async () => {
    vi.stubGlobal('IntersectionObserver', TestObserver);
    const now = Date.now();
    fake = createFakeApi({ conversations: Array.from({ length: 250 }, (_, i) => conv({ id: i + 1, title: `Chat ${i + 1}`, updatedAt: now - i * 1000 })) });
    setApi(fake);
    // The main list from its top, whatever a test before scrolled to: a switch of lists starts there.
    await conversationList.toggleArchived();
    await conversationList.toggleArchived();
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
    TestObserver.live.clear();
  });

  it('mounts a page that arrives while the end of the list is in view, without a scroll', async () => {
    const r = render(Sidebar);
    const items = () => r.container.querySelectorAll('[data-testid="conversation-item"]').length;
    for (let i = 0; i < 3; i++) {
      [...TestObserver.live][0].reveal(); // 60, 90 (the next page is asked for), 100
      flushSync();
    }
    expect(items()).toBe(LIST_PAGE);
    const before = [...TestObserver.live][0];
    await conversationList.loadMore(); // the page arrives; nobody scrolls
    flushSync();
    const after = [...TestObserver.live];
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before); // a new sentinel, which the browser checks as it appears
    after[0].reveal();
    flushSync();
    expect(items()).toBe(LIST_PAGE + 30);
  });

  /** Where each read of the main list began. */
  const offsets = () => fake.calls.filter((c) => c.method === 'List' && c.service === 'ConversationService' && c.args[0] === false).map((c) => c.args[2]);

  it('reads a page from Go, and the next ones as the end comes near, until the oldest is mounted', async () => {
    expect(conversationList.items).toHaveLength(LIST_PAGE);
    expect(conversationList.hasMore).toBe(true);
    const r = render(Sidebar);
    const titles = () => [...r.container.querySelectorAll('[data-testid="conversation-item"]')].map((e) => e.textContent ?? '');
    while (TestObserver.live.size > 0) {
      [...TestObserver.live][0].reveal();
      await conversationList.loadMore(); // the page asked for, if one was
      flushSync();
    }
    expect(titles()).toHaveLength(250);
    expect(titles().at(-1)).toContain('Chat 250');
    expect(conversationList.hasMore).toBe(false);
    expect(offsets()).toEqual([0, 100, 200]);
  });

  it('reads again as far as was scrolled when the list changes, and from the top for the archive', async () => {
    const list = new ConversationListStore();
    await list.refresh();
    await list.loadMore();
    expect(list.items).toHaveLength(200);
    fake.db.conversations[249].updatedAt = Date.now() + 1000; // the oldest gets an answer
    await list.refresh();
    expect(list.items).toHaveLength(200);
    expect(list.items[0].title).toBe('Chat 250');
    await list.loadMore();
    expect(list.items.map((c) => c.id).sort((a, b) => a - b)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    await list.toggleArchived();
    expect(fake.calls.filter((c) => c.method === 'List' && c.service === 'ConversationService').at(-1)?.args.slice(1)).toEqual([LIST_PAGE + 1, 0]);
    await list.toggleArchived();
    expect(list.items).toHaveLength(LIST_PAGE);
  });
});
