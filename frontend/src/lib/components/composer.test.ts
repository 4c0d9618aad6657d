import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, fireEvent, cleanup } from '@testing-library/svelte';
import { flushSync, tick } from 'svelte';
import { setApi } from '../api';
import { createFakeApi, conv, type FakeApi } from '../fake';
import { ui } from '../state/ui.svelte';
import { chat } from '../state/chat.svelte';
import { conversationList } from '../state/conversationList.svelte';
import { models } from '../state/models.svelte';
import Composer from './Composer.svelte';

let fake: FakeApi;

beforeEach(async () => {
  fake = createFakeApi({ conversations: [conv({ id: 1, title: 'One', draft: 'half-written' }), conv({ id: 2, title: 'Two' })] });
  setApi(fake);
  chat.newChat();
  await models.refresh(true);
  await conversationList.refresh();
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const sends = () => fake.calls.filter((c) => c.method === 'Send');

async function type(el: HTMLTextAreaElement, text: string) {
  el.value = text;
  await fireEvent.input(el);
}

describe('Composer', () => {
  it('Enter sends, and the user message appears at once', async () => {
    const { getByTestId } = render(Composer);
    const ta = getByTestId('composer') as HTMLTextAreaElement;
    await type(ta, 'Hello Brook');
    await fireEvent.keyDown(ta, { key: 'Enter' });
    expect(chat.messages.map((m) => m.content)).toContain('Hello Brook'); // optimistic
    await vi.waitFor(() => expect(sends().length).toBe(1));
    expect(sends()[0].args).toEqual([0, 'Hello Brook', 'ollama', 'llama3.2']);
    await tick();
    expect(ta.value).toBe('');
  });

  it('Shift+Enter does not send', async () => {
    const { getByTestId } = render(Composer);
    const ta = getByTestId('composer') as HTMLTextAreaElement;
    await type(ta, 'line one');
    const ev = await fireEvent.keyDown(ta, { key: 'Enter', shiftKey: true });
    expect(ev).toBe(true); // not prevented: the browser inserts the newline
    expect(sends().length).toBe(0);
  });

  it('Enter during IME composition does not send', async () => {
    const { getByTestId } = render(Composer);
    const ta = getByTestId('composer') as HTMLTextAreaElement;
    await type(ta, 'にほん');
    await fireEvent.compositionStart(ta);
    await fireEvent.keyDown(ta, { key: 'Enter', isComposing: true });
    await fireEvent.keyDown(ta, { key: 'Enter', keyCode: 229 });
    expect(sends().length).toBe(0);
    await fireEvent.compositionEnd(ta);
    await fireEvent.keyDown(ta, { key: 'Enter' });
    await vi.waitFor(() => expect(sends().length).toBe(1));
  });

  it('does not send empty text', async () => {
    const { getByTestId } = render(Composer);
    const ta = getByTestId('composer') as HTMLTextAreaElement;
    await type(ta, '   ');
    await fireEvent.keyDown(ta, { key: 'Enter' });
    expect(sends().length).toBe(0);
  });

  it('keeps a draft per conversation: saved debounced, restored on open', async () => {
    const { getByTestId } = render(Composer);
    const ta = getByTestId('composer') as HTMLTextAreaElement;
    await chat.open(1);
    flushSync();
    expect(ta.value).toBe('half-written');
    vi.useFakeTimers();
    await type(ta, 'half-written, now more');
    expect(fake.calls.some((c) => c.method === 'SaveDraft')).toBe(false);
    vi.advanceTimersByTime(700);
    vi.useRealTimers();
    expect(fake.calls.filter((c) => c.method === 'SaveDraft').pop()?.args).toEqual([1, 'half-written, now more']);
    await chat.open(2);
    flushSync();
    expect(ta.value).toBe('');
    await chat.open(1);
    flushSync();
    expect(ta.value).toBe('half-written, now more');
  });

  it('has focus after mount and after switching conversations', async () => {
    const { getByTestId } = render(Composer);
    const ta = getByTestId('composer') as HTMLTextAreaElement;
    ui.focusComposer();
    flushSync();
    expect(document.activeElement).toBe(ta);
    ta.blur();
    await chat.open(2);
    flushSync();
    expect(document.activeElement).toBe(ta);
  });
});
