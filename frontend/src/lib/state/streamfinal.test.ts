// The end of a live answer: the final event carries the stored message, which
// is applied and handed on without asking Go again; only a final event without
// it (a big answer) is fetched. A read from Go that fails is reported, tried
// again, and never leaves an answer waiting.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setApi, type Message, type StreamEvent } from '../api';
import { conv, createFakeApi, msg, type FakeApi } from '../fake';
import { streams } from './streams.svelte';

let fake: FakeApi;
let finals: Message[];
let errors: string[];
let offs: (() => void)[];
beforeEach(() => {
  fake = createFakeApi({ conversations: [conv({ id: 1 })] });
  setApi(fake);
  finals = [];
  errors = [];
  offs = [streams.onFinal((m) => finals.push(m)), streams.onError((what) => errors.push(what))];
});
afterEach(() => {
  offs.forEach((off) => off());
  vi.useRealTimers();
});

let seq = 0;
function running(content = ''): Message {
  const m = msg({ conversationId: 1, role: 'assistant', content, state: 'streaming' });
  fake.db.messages.push(m);
  return m;
}
function event(m: Message, p: Partial<StreamEvent>): StreamEvent {
  return { messageId: m.id, conversationId: m.conversationId, seq: ++seq, phase: 'streaming', at: 0, ...p };
}
const reads = (m: Message) => fake.calls.filter((c) => c.method === 'GetMessage' && c.args[0] === m.id).length;
/** Lets a while pass: every retry and watchdog of the store has run by then. */
const aWhile = () => vi.advanceTimersByTimeAsync(10 * 60_000);

describe('the final event', () => {
  it('carries the stored message, which is shown and handed on without a fetch', () => {
    const m = running();
    streams.track(m);
    streams.applyBatch([event(m, { text: 'The ans', at: 0 })]);
    const stored: Message = { ...m, content: 'The answer.', reasoning: 'Thought.', state: 'complete', tokensPerSecond: 31, firstTokenMs: 250 };
    streams.applyBatch([event(m, { phase: 'final', state: 'complete', message: stored })]);
    expect(finals).toEqual([stored]);
    expect(reads(m)).toBe(0);
    expect(streams.answers[m.id]).toBeUndefined(); // the stored message has replaced the live one
    expect(streams.isStreaming(1)).toBe(false);
  });

  it('of a fake answer carries what the fake stored', async () => {
    fake.simulate = { text: 'Hello there.', chunk: 4, intervalMs: 1 };
    const off = fake.events.onStream((e) => streams.applyBatch([e]));
    const { answer } = await fake.ChatService.Send(1, 'hi', 'ollama', 'llama3.2');
    streams.track(answer);
    await vi.waitFor(() => expect(finals.map((f) => f.id)).toContain(answer.id));
    off();
    expect(finals.find((f) => f.id === answer.id)).toEqual(fake.db.messages.find((x) => x.id === answer.id));
    expect(reads(answer)).toBe(0);
  });

  it('without its message (too big for an event) shows the answer as over, then fetches it once', async () => {
    const m = running();
    streams.track(m);
    streams.applyBatch([event(m, { text: 'A very long', at: 0 })]);
    Object.assign(fake.db.messages.find((x) => x.id === m.id)!, { content: 'A very long answer.', state: 'complete' });
    streams.applyBatch([event(m, { phase: 'final', state: 'complete', messageOmitted: true })]);
    expect(streams.answers[m.id]).toMatchObject({ phase: 'final', state: 'complete', text: 'A very long' });
    await vi.waitFor(() => expect(finals.map((f) => f.content)).toEqual(['A very long answer.']));
    expect(reads(m)).toBe(1);
    expect(errors).toEqual([]);
  });
});

describe('a read from Go that fails', () => {
  it('is reported, tried again, and applied once it works', async () => {
    vi.useFakeTimers();
    const m = running();
    streams.track(m);
    const getMessage = fake.ConversationService.GetMessage;
    let failures = 1;
    fake.ConversationService.GetMessage = async (id) => {
      if (failures-- > 0) throw 'database is locked';
      return getMessage(id);
    };
    Object.assign(fake.db.messages.find((x) => x.id === m.id)!, { content: 'Whole.', state: 'complete' });
    streams.applyBatch([event(m, { phase: 'final', state: 'complete', messageOmitted: true })]);
    await aWhile();
    expect(errors).toEqual(['Could not read the answer']);
    expect(finals.map((f) => f.content)).toEqual(['Whole.']);
  });

  it('that keeps failing gives the answer up as interrupted, with what arrived, and stops trying', async () => {
    vi.useFakeTimers();
    const m = running();
    streams.track(m);
    fake.ConversationService.GetMessage = async () => {
      throw 'database is locked';
    };
    streams.applyBatch([event(m, { text: 'Partial', at: 0 })]);
    streams.applyBatch([event(m, { text: ' gap', at: 20 })]); // text was missed: the answer must be read
    await aWhile();
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBe('Could not read the answer');
    expect(errors[1]).toMatch(/^Could not read the answer; gave up after \d+ tries$/);
    expect(streams.answers[m.id]).toMatchObject({ phase: 'final', state: 'interrupted', text: 'Partial' });
    expect(streams.isStreaming(1)).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    streams.forget(m.id);
  });

  it('about an answer that never got an event does not leave it waiting', async () => {
    vi.useFakeTimers();
    const m = running('Loaded');
    fake.ChatService.ActiveAnswers = async () => {
      throw "Brook's backend is not connected";
    };
    streams.track(m);
    expect(streams.answers[m.id]).toMatchObject({ phase: 'waiting' });
    await aWhile();
    expect(errors[0]).toBe('Could not check on an answer');
    expect(streams.answers[m.id]).toMatchObject({ phase: 'final', state: 'interrupted', text: 'Loaded' });
    expect(vi.getTimerCount()).toBe(0);
    streams.forget(m.id);
  });

  it('goes to the console when nobody listens', async () => {
    offs.forEach((off) => off());
    offs = [];
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const m = running();
    streams.track(m);
    fake.ConversationService.GetMessage = async () => {
      throw 'database is locked';
    };
    streams.applyBatch([event(m, { phase: 'final', state: 'stopped', messageOmitted: true })]);
    await vi.waitFor(() => expect(logged).toHaveBeenCalledWith('brook:', 'Could not read the answer', 'database is locked'));
    logged.mockRestore();
    streams.forget(m.id);
  });
});

describe('an answer that gets no event', () => {
  it('is asked about while Go still runs it, and no more once its events come', async () => {
    vi.useFakeTimers();
    const m = running();
    let asked = 0;
    fake.ChatService.ActiveAnswers = async () => {
      asked++;
      return [m.id];
    };
    streams.track(m);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(asked).toBeGreaterThan(1);
    streams.applyBatch([event(m, { phase: 'waiting', waitingFor: 'model_load' })]);
    const before = asked;
    await aWhile();
    expect(asked).toBe(before);
    expect(streams.answers[m.id]).toMatchObject({ phase: 'waiting', waitingFor: 'model_load' });
    expect(errors).toEqual([]);
    streams.forget(m.id);
  });

  it('that Go no longer runs shows as stored', async () => {
    vi.useFakeTimers();
    const m = running();
    fake.ChatService.ActiveAnswers = async () => [];
    streams.track({ ...m });
    Object.assign(fake.db.messages.find((x) => x.id === m.id)!, { content: 'Done while away.', state: 'complete' });
    await aWhile();
    expect(finals.map((f) => f.content)).toEqual(['Done while away.']);
    expect(streams.answers[m.id]).toBeUndefined();
  });
});
