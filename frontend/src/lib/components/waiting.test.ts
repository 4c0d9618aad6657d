// Queued / waiting / recovering answers: the status line, its seconds counter
// (which must not outlive the wait), "Don't wait", and the Recovered mark.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, cleanup, fireEvent } from '@testing-library/svelte';
import { flushSync, tick } from 'svelte';
import { setApi, type Message, type StreamEvent } from '../api';
import { conv, createFakeApi, msg, type FakeApi } from '../fake';
import { loadReasonTexts } from '../reasons';
import { streams } from '../state/streams.svelte';
import { toasts } from '../state/toasts.svelte';
import MessageItem from './MessageItem.svelte';

let fake: FakeApi;
beforeEach(() => {
  fake = createFakeApi();
  setApi(fake);
  toasts.clear();
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

let seq = 0;
const waitingAnswer = () => {
  const m = msg({ conversationId: 1, role: 'assistant', content: '', state: 'streaming' });
  fake.db.messages.push(m);
  return m;
};
function apply(m: Message, p: Partial<StreamEvent>) {
  streams.applyBatch([{ messageId: m.id, conversationId: 1, seq: ++seq, phase: 'waiting', at: 0, ...p }]);
  flushSync();
}
const status = (c: { getByTestId: (id: string) => HTMLElement }) => c.getByTestId('answer-status').textContent!.trim();

describe('stream store: queued and waiting details', () => {
  it('carries ahead, waitingFor and since into the live answer', () => {
    const m = waitingAnswer();
    apply(m, { phase: 'queued', ahead: 3, since: 111 });
    expect(streams.answers[m.id]).toMatchObject({ phase: 'queued', ahead: 3, since: 111, state: 'streaming' });
    apply(m, { phase: 'queued', since: 111 });
    expect(streams.answers[m.id].ahead).toBe(0);
    apply(m, { phase: 'waiting', waitingFor: 'model_load', since: 222 });
    expect(streams.answers[m.id]).toMatchObject({ phase: 'waiting', ahead: undefined, waitingFor: 'model_load', since: 222 });
    apply(m, { phase: 'streaming', text: 'Hi', at: 0 });
    expect(streams.answers[m.id]).toMatchObject({ phase: 'streaming', text: 'Hi', waitingFor: undefined });
    apply(m, { phase: 'recovering', at: 2, reason: 'dropped', waitingFor: 'reask', since: 333 });
    expect(streams.answers[m.id]).toMatchObject({ phase: 'recovering', text: 'Hi', waitingFor: 'reask', since: 333, reason: 'dropped' });
    streams.forget(m.id);
  });

  it('times a wait from when Brook saw it when Go sends no since', () => {
    vi.useFakeTimers({ now: 50_000 });
    const m = waitingAnswer();
    apply(m, { phase: 'waiting' });
    expect(streams.answers[m.id].since).toBe(50_000);
    vi.setSystemTime(52_000);
    apply(m, { phase: 'waiting' }); // the same wait: its start stays
    expect(streams.answers[m.id].since).toBe(50_000);
    streams.forget(m.id);
  });
});

describe('answer status line', () => {
  it('says how far back in the queue an answer is, with Stop', async () => {
    const m = waitingAnswer();
    apply(m, { phase: 'queued', ahead: 1, since: Date.now() });
    const r = render(MessageItem, { message: m });
    expect(r.getByTestId('wait-label').textContent).toBe('Queued · 1 ahead');
    apply(m, { phase: 'queued', since: Date.now() });
    expect(r.getByTestId('wait-label').textContent).toBe('Queued · next');
    expect(r.queryByTestId('ask-now')).toBeNull();
    await fireEvent.click(r.getByTestId('answer-stop'));
    expect(fake.calls.some((c) => c.method === 'Stop' && c.args[0] === m.id)).toBe(true);
    streams.forget(m.id);
  });

  it('counts a wait every second, then every 5 s, and stops counting when the phase changes', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const m = waitingAnswer();
    apply(m, { phase: 'waiting', waitingFor: 'model_load', since: 1_000_000 - 3_000 });
    const r = render(MessageItem, { message: m });
    expect(r.getByTestId('wait-label').textContent).toBe('Loading the model · 3 s');
    expect(vi.getTimerCount()).toBe(1); // one setTimeout, no interval
    vi.advanceTimersByTime(1000);
    flushSync();
    expect(r.getByTestId('wait-label').textContent).toBe('Loading the model · 4 s');
    vi.advanceTimersByTime(1000);
    flushSync();
    expect(r.getByTestId('wait-label').textContent).toBe('Loading the model · 5 s');
    vi.advanceTimersByTime(4000);
    flushSync();
    expect(r.getByTestId('wait-label').textContent).toBe('Loading the model · 5 s');
    vi.advanceTimersByTime(1000);
    flushSync();
    expect(r.getByTestId('wait-label').textContent).toBe('Loading the model · 10 s');

    // Loaded: now the model reads the prompt; the count starts again.
    apply(m, { phase: 'waiting', waitingFor: 'first_token', since: Date.now() });
    expect(status(r)).toContain('Waiting for the first token');
    expect(r.getByTestId('wait-label').textContent).toBe('Waiting for the first token');
    vi.advanceTimersByTime(4000);
    flushSync();
    expect(r.getByTestId('wait-label').textContent).toBe('Waiting for the first token · 4 s');
    expect(vi.getTimerCount()).toBe(1);

    // The first token: the wait is over and no timer is left.
    apply(m, { phase: 'streaming', at: 0, tokensPerSecond: 20 });
    expect(status(r)).toContain('20.0 tok/s');
    expect(r.queryByTestId('wait-label')).toBeNull();
    expect(vi.getTimerCount()).toBe(0);
    streams.forget(m.id);
  });

  it('waiting without a waitingFor waits for the first token; minutes read as minutes', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const m = waitingAnswer();
    apply(m, { phase: 'waiting', since: 1_000_000 - 75_000 });
    const r = render(MessageItem, { message: m });
    expect(r.getByTestId('wait-label').textContent).toBe('Waiting for the first token · 1 min 15 s');
    streams.forget(m.id);
  });

  it('recovering keeps the text and says how; the timer ends with the answer and on unmount', async () => {
    await loadReasonTexts();
    vi.useFakeTimers({ now: 2_000_000 });
    const m = waitingAnswer();
    apply(m, { phase: 'streaming', text: 'Partial answer', at: 0 });
    apply(m, { phase: 'recovering', at: 14, reason: 'dropped', waitingFor: 'continue', since: 2_000_000 - 4000 });
    const r = render(MessageItem, { message: m });
    expect(r.getByTestId('message-content').textContent).toContain('Partial answer');
    const label = r.getByTestId('recovering');
    expect(label.textContent).toBe('The stream broke · continuing the answer without streaming · 4 s');
    expect(label.getAttribute('title')).toBe('Go words for dropped'); // Go's words (the fake's stand-in)
    expect(r.queryByTestId('ask-now')).toBeNull();
    apply(m, { phase: 'recovering', at: 14, reason: 'dropped', waitingFor: 'reask', since: 2_000_000 - 1000 });
    expect(r.getByTestId('recovering').textContent).toBe('The stream broke · asking again without streaming · 1 s');
    expect(vi.getTimerCount()).toBe(1);
    r.unmount();
    expect(vi.getTimerCount()).toBe(0);
    streams.forget(m.id);
  });

  it('a recovery after a long silent wait counts in coarse steps; one after words counts every second', () => {
    vi.useFakeTimers({ now: 3_000_000 });
    const m = waitingAnswer();
    apply(m, { phase: 'waiting', waitingFor: 'first_token', since: 3_000_000 });
    const r = render(MessageItem, { message: m });
    vi.advanceTimersByTime(20_000);
    flushSync();
    expect(r.getByTestId('wait-label').textContent).toBe('Waiting for the first token · 20 s');
    // No first token in 20 s: asked again, counted anew, every 5 s.
    apply(m, { phase: 'recovering', at: 0, reason: 'first_token_timeout', waitingFor: 'reask', since: Date.now() });
    vi.advanceTimersByTime(4_000);
    flushSync();
    expect(r.getByTestId('wait-seconds').textContent).toBe('');
    vi.advanceTimersByTime(1_000);
    flushSync();
    expect(r.getByTestId('wait-seconds').textContent).toBe(' · 5 s');
    streams.forget(m.id);
    r.unmount();

    const w = waitingAnswer();
    apply(w, { phase: 'waiting', waitingFor: 'first_token', since: Date.now() - 30_000 });
    apply(w, { phase: 'streaming', text: 'Some words', at: 0 });
    apply(w, { phase: 'recovering', at: 10, reason: 'dropped', waitingFor: 'continue', since: Date.now() });
    const r2 = render(MessageItem, { message: w });
    vi.advanceTimersByTime(2_000);
    flushSync();
    expect(r2.getByTestId('wait-seconds').textContent).toBe(' · 2 s');
    streams.forget(w.id);
  });

  it('says when Ollama looks stuck on an earlier request, and what frees it', () => {
    vi.useFakeTimers({ now: 5_000_000 });
    const m = waitingAnswer();
    apply(m, { phase: 'streaming', text: 'Partial', at: 0 });
    apply(m, { phase: 'recovering', at: 7, reason: 'dropped', waitingFor: 'continue', since: 5_000_000 - 150_000 });
    const r = render(MessageItem, { message: m });
    expect(r.queryByTestId('server-stuck')).toBeNull();
    apply(m, { phase: 'recovering', at: 7, reason: 'dropped', waitingFor: 'server_stuck', since: 5_000_000 - 150_000 });
    expect(r.getByTestId('recovering').textContent).toBe('Ollama looks stuck on an earlier request · 2 min 30 s');
    const why = r.getByTestId('server-stuck');
    expect(why.getAttribute('role')).toBe('note');
    expect(why.textContent!.replace(/\s+/g, ' ').trim()).toBe(
      'Ollama answers and has the model loaded, but has not answered this request: an earlier request that was cut off can keep its slot busy. Restarting Ollama frees it, and Brook then asks again.',
    );
    expect(vi.getTimerCount()).toBe(1); // still the one counter
    // Restarted: the recovery goes on, and the note goes.
    apply(m, { phase: 'recovering', at: 7, reason: 'dropped', waitingFor: 'continue', since: 5_000_000 - 150_000 });
    expect(r.queryByTestId('server-stuck')).toBeNull();
    expect(r.getByTestId('recovering').textContent).toContain('continuing the answer without streaming');
    streams.forget(m.id);
  });

  it('stops counting when the answer ends', () => {
    vi.useFakeTimers({ now: 3_000_000 });
    const m = waitingAnswer();
    apply(m, { phase: 'waiting', waitingFor: 'first_token', since: 3_000_000 });
    const r = render(MessageItem, { message: m });
    expect(vi.getTimerCount()).toBe(1);
    apply(m, { phase: 'final', at: 0, state: 'stopped' });
    expect(r.queryByTestId('answer-status')).toBeNull();
    expect(vi.getTimerCount()).toBe(0);
    streams.forget(m.id);
  });

  it('does not re-render the answer text while counting', () => {
    vi.useFakeTimers({ now: 4_000_000 });
    const m = waitingAnswer();
    apply(m, { phase: 'streaming', text: 'Kept text', at: 0 });
    apply(m, { phase: 'recovering', at: 9, waitingFor: 'reask', since: 4_000_000 });
    const r = render(MessageItem, { message: m });
    const content = r.getByTestId('message-content');
    const mutations: MutationRecord[] = [];
    const obs = new MutationObserver((l) => mutations.push(...l));
    obs.observe(content, { subtree: true, childList: true, characterData: true, attributes: true });
    vi.advanceTimersByTime(3000);
    flushSync();
    expect(r.getByTestId('recovering').textContent).toContain('3 s');
    expect(obs.takeRecords().length + mutations.length).toBe(0);
    obs.disconnect();
    streams.forget(m.id);
  });
});

describe("Don't wait: ask without streaming now", () => {
  it('calls ChatService.AskNow once and is disabled after the click', async () => {
    const m = waitingAnswer();
    const off = fake.events.onStream((e) => streams.applyBatch([e]));
    fake.simulate = { text: 'The whole answer', chunk: 100, intervalMs: 300 };
    fake.emitWaiting(m.id, 'first_token');
    flushSync();
    const r = render(MessageItem, { message: m });
    const b = r.getByTestId('ask-now') as HTMLButtonElement;
    expect(b.textContent!.trim()).toBe("Don't wait: ask without streaming now");
    await fireEvent.click(b);
    flushSync();
    expect(b.disabled).toBe(true);
    await fireEvent.click(b);
    expect(fake.calls.filter((c) => c.method === 'AskNow').map((c) => c.args[0])).toEqual([m.id]);
    // The fake answers like the engine: recovering by asking again, then final.
    await vi.waitFor(() => expect(streams.answers[m.id]?.phase).toBe('recovering'));
    flushSync();
    expect(r.getByTestId('recovering').textContent).toContain('Asking without streaming');
    expect(r.queryByTestId('ask-now')).toBeNull();
    // …and ends recovered, asked again.
    await vi.waitFor(() => expect(fake.db.messages.find((x) => x.id === m.id)?.recoveryMethod).toBe('reasked'));
    off();
    streams.forget(m.id);
  });

  it('shows the error when Go refuses, and can be clicked again', async () => {
    const m = waitingAnswer();
    fake.ChatService.AskNow = async () => {
      throw 'the answer is no longer waiting';
    };
    apply(m, { phase: 'waiting', since: Date.now() });
    const r = render(MessageItem, { message: m });
    const b = r.getByTestId('ask-now') as HTMLButtonElement;
    await fireEvent.click(b);
    await tick();
    await vi.waitFor(() => expect(toasts.toasts.map((t) => t.text)).toContain('Could not ask without streaming: the answer is no longer waiting'));
    expect(toasts.toasts.at(-1)?.kind).toBe('error');
    flushSync();
    expect(b.disabled).toBe(false);
    streams.forget(m.id);
  });
});

describe('the fake backend simulates the queue', () => {
  it('emits queued, then waiting for the model, then the answer', async () => {
    fake.simulate = { text: 'Hello', chunk: 5, intervalMs: 1, queuedAhead: 1, waitingFor: 'model_load', waitMs: 1 };
    const seen: StreamEvent[] = [];
    const off = fake.events.onStream((e) => seen.push(e));
    fake.db.conversations.push(conv({ id: 1 }));
    await fake.ChatService.Send(1, 'hi', 'ollama', 'llama3.2');
    await vi.waitFor(() => expect(seen.at(-1)?.phase).toBe('final'));
    off();
    expect(seen.map((e) => [e.phase, e.ahead, e.waitingFor])).toEqual([
      ['queued', 1, undefined],
      ['queued', undefined, undefined],
      ['waiting', undefined, 'model_load'],
      ['streaming', undefined, undefined],
      ['final', undefined, undefined],
    ]);
    expect(seen.slice(0, 3).every((e) => typeof e.since === 'number')).toBe(true);
  });
});
