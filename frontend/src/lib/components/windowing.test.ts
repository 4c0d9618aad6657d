import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render, cleanup, fireEvent } from '@testing-library/svelte';
import { flushSync, tick } from 'svelte';
import { setApi } from '../api';
import { createFakeApi, msg } from '../fake';
import { chat } from '../state/chat.svelte';
import MessageList from './MessageList.svelte';

beforeEach(() => setApi(createFakeApi()));
afterEach(cleanup);

const mounted = (c: HTMLElement) => c.querySelectorAll('[data-testid="message"]').length;
const ids = (c: HTMLElement) => [...c.querySelectorAll<HTMLElement>('[data-testid="message"]')].map((e) => Number(e.dataset.messageId));

describe('a 1,000-message conversation', () => {
  it('mounts a window of the newest messages, loads more at the top, and never mounts more than the cap', async () => {
    chat.currentId = 7;
    chat.loading = false;
    chat.messages = Array.from({ length: 1000 }, (_, i) =>
      msg({ id: i + 1, conversationId: 7, role: i % 2 ? 'assistant' : 'user', content: `message ${i + 1}` }),
    );
    const { container } = render(MessageList);
    flushSync();
    await tick();
    expect(mounted(container)).toBe(60);
    expect(ids(container).at(-1)).toBe(1000); // the newest is shown

    const scroller = container.querySelector<HTMLElement>('[data-testid="message-list"]')!;
    for (let i = 0; i < 10; i++) {
      scroller.scrollTop = 0; // jsdom has no layout: every scroll is "near the top"
      await fireEvent.scroll(scroller);
      flushSync();
      await tick();
      await new Promise((r) => setTimeout(r, 40)); // the list takes new scrolls after a frame
      expect(mounted(container)).toBeLessThanOrEqual(200);
    }
    expect(ids(container)[0]).toBeLessThan(1000 - 60); // older messages were loaded
    expect(mounted(container)).toBe(200);
  }, 60_000); // a hang guard: mounting 200 messages in jsdom is slow under load
});
