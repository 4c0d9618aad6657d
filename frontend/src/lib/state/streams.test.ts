import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, cleanup } from '@testing-library/svelte';
import { flushSync, tick } from 'svelte';
import { setApi } from '../api';
import { createFakeApi, conv, msg, type FakeApi } from '../fake';
import { chat } from './chat.svelte';
import { conversationList } from './conversationList.svelte';
import { models } from './models.svelte';
import { streams } from './streams.svelte';
import MessageList from '../components/MessageList.svelte';

let fake: FakeApi;

beforeEach(async () => {
  fake = createFakeApi({
    conversations: [conv({ id: 1, title: 'A' }), conv({ id: 2, title: 'B' })],
    messages: [msg({ id: 10, conversationId: 2, role: 'user', content: 'hi B' })],
  });
  setApi(fake);
  streams.stop();
  streams.start();
  await models.refresh(true);
  await conversationList.refresh();
});
afterEach(cleanup);

function shownAnswerText(container: HTMLElement, id: number): string {
  return container.querySelector(`[data-message-id="${id}"] [data-testid="message-content"]`)?.textContent ?? '';
}

describe('stream routing', () => {
  it('keeps events for a background conversation and shows them on return', async () => {
    const { container } = render(MessageList);
    await chat.open(1);
    expect(chat.send('Tell me a story')).toBe(true);
    await vi.waitFor(() => expect(chat.messages.some((m) => m.role === 'assistant')).toBe(true));
    const answer = chat.messages.find((m) => m.role === 'assistant')!;
    fake.db.messages.find((m) => m.id === answer.id)!.content = '';

    fake.emit({ messageId: answer.id, conversationId: 1, seq: 1, phase: 'streaming', text: 'Once ', at: 0 });
    await vi.waitFor(() => expect(streams.answers[answer.id]?.text).toBe('Once '));

    // Switch away; the stream goes on in the background.
    await chat.open(2);
    flushSync();
    expect(container.textContent).toContain('hi B');
    fake.emit({ messageId: answer.id, conversationId: 1, seq: 2, phase: 'streaming', text: 'upon ', at: 5 });
    fake.emit({ messageId: answer.id, conversationId: 1, seq: 3, phase: 'streaming', text: 'a time', at: 10 });
    await vi.waitFor(() => expect(streams.answers[answer.id]?.text).toBe('Once upon a time'));
    expect(streams.isStreaming(1)).toBe(true);
    expect(chat.streaming).toBe(false); // B is not streaming: the composer may send there

    // Switch back: the live answer is shown, with everything that arrived meanwhile.
    // (The database still has the partial text; the live text wins.)
    fake.db.messages.find((m) => m.id === answer.id)!.content = 'Once ';
    await chat.open(1);
    flushSync();
    await tick();
    expect(shownAnswerText(container, answer.id)).toContain('Once upon a time');
    expect(chat.streaming).toBe(true);

    // Final: the stored message replaces the live one.
    const stored = fake.db.messages.find((m) => m.id === answer.id)!;
    stored.content = 'Once upon a time.';
    stored.state = 'complete';
    stored.tokensPerSecond = 50;
    fake.emit({ messageId: answer.id, conversationId: 1, seq: 4, phase: 'final', at: 0, state: 'complete', message: { ...stored } });
    await vi.waitFor(() => expect(chat.messages.find((m) => m.id === answer.id)?.state).toBe('complete'));
    flushSync();
    expect(shownAnswerText(container, answer.id)).toContain('Once upon a time.');
    expect(streams.answers[answer.id]).toBeUndefined();
    expect(chat.streaming).toBe(false);
  });

  it('fetches the message when events have a gap', async () => {
    const m = msg({ id: 77, conversationId: 1, role: 'assistant', content: 'abcdef', state: 'streaming' });
    fake.db.messages.push(m);
    streams.applyBatch([{ messageId: 77, conversationId: 1, seq: 1, phase: 'streaming', text: 'ef', at: 4 }]);
    await vi.waitFor(() => expect(streams.answers[77]?.text).toBe('abcdef'));
    expect(fake.calls.some((c) => c.method === 'GetMessage' && c.args[0] === 77)).toBe(true);
  });

  it('ignores duplicate events', () => {
    const ev = { messageId: 88, conversationId: 1, seq: 1, phase: 'streaming' as const, text: 'x', at: 0 };
    streams.applyBatch([ev, ev, { ...ev, seq: 2, at: 1, text: 'y' }, { ...ev, seq: 2, at: 1, text: 'y' }]);
    expect(streams.answers[88].text).toBe('xy');
  });
});

describe('paint pace', () => {
  it('tells Go how often answers are painted, and again only when that moved by a fifth', async () => {
    const told = vi.spyOn(fake.ChatService, 'SetPaintInterval');
    render(MessageList);
    await chat.open(2);
    expect(chat.send('Count to three')).toBe(true);
    await vi.waitFor(() => expect(chat.messages.some((m) => m.role === 'assistant')).toBe(true));
    const answer = chat.messages.find((m) => m.role === 'assistant')!;
    let at = 0;
    for (const [seq, text] of ['one ', 'two ', 'three'].entries()) {
      fake.emit({ messageId: answer.id, conversationId: 2, seq: seq + 1, phase: 'streaming', text, at });
      at += text.length;
      await vi.waitFor(() => expect(streams.answers[answer.id]?.text.length).toBe(at));
    }
    await vi.waitFor(() => expect(told).toHaveBeenCalled());
    const said = told.mock.calls.map(([ms]) => ms);
    for (const ms of said) {
      expect(Number.isInteger(ms) && ms >= streams.pacer.minMs && ms <= streams.pacer.maxMs).toBe(true);
    }
    for (let i = 1; i < said.length; i++) {
      expect(Math.abs(said[i] - said[i - 1])).toBeGreaterThanOrEqual(said[i - 1] / 5);
    }
  });
});
