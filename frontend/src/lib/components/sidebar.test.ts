// The sidebar mounts a window of conversations and more as its end comes
// into view, so thousands of conversations cost the window little.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, cleanup } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { setApi } from '../api';
import { createFakeApi, conv } from '../fake';
import { conversationList } from '../state/conversationList.svelte';
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
