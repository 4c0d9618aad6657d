// Nothing runs without end: a streamed answer leaves no timer or animation
// frame behind, and the look at unreachable endpoints stops once they answer.
// Also: the answer still appears as it arrives, in steps of the frame budget,
// and its end shows at once.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, cleanup } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { setApi } from '../api';
import { createFakeApi, conv, msg, survey, type FakeApi } from '../fake';
import { app } from '../state/app.svelte';
import { chat } from '../state/chat.svelte';
import { models } from '../state/models.svelte';
import { streams } from '../state/streams.svelte';
import MessageList from './MessageList.svelte';

const FAKE = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'requestAnimationFrame', 'cancelAnimationFrame', 'Date', 'performance'] as const;

let fake: FakeApi;
afterEach(() => {
  cleanup();
  app.destroy();
  vi.useRealTimers();
});

describe('a streamed answer', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: [...FAKE], now: 1_000_000 });
  });

  it('appears as it arrives, in steps; the end shows at once; afterwards nothing is scheduled', async () => {
    const cid = 41;
    const answer = msg({ conversationId: cid, role: 'assistant', content: '', state: 'streaming' });
    fake = createFakeApi({
      conversations: [conv({ id: cid })],
      messages: [msg({ conversationId: cid, role: 'user', content: 'Tell me a story' }), answer],
    });
    setApi(fake);
    streams.stop();
    streams.start();
    chat.newChat();
    const { container } = render(MessageList);
    await chat.open(cid);
    flushSync();
    const shown = () => (container.querySelector(`[data-message-id="${answer.id}"] [data-testid="message-content"]`)?.textContent ?? '').trim();

    let seq = 0;
    let at = 0;
    let text = '';
    const token = (t: string) => {
      fake.emit({ messageId: answer.id, conversationId: cid, seq: ++seq, phase: 'streaming', text: t, at, tokensPerSecond: 50 });
      at += t.length;
      text += t;
    };

    // The first token shows at the next frame.
    token('Once');
    vi.advanceTimersByTime(17);
    flushSync();
    expect(shown()).toBe('Once');

    // Then 100 tokens at 50 tokens/s: the window follows, in fewer, coarser steps.
    let updates = 0;
    let last = shown();
    for (let i = 0; i < 100; i++) {
      token(' word');
      vi.advanceTimersByTime(20);
      flushSync();
      const now = shown();
      if (now !== last) {
        updates++;
        expect(text.startsWith(now)).toBe(true); // never ahead of the stream, never out of order
        expect(text.length - now.length).toBeLessThanOrEqual(5 * 30); // and never far behind
      }
      last = now;
    }
    expect(updates).toBeGreaterThan(10);
    expect(updates).toBeLessThanOrEqual(41); // at most one per 50 ms
    expect(streams.pacer.interval).toBeGreaterThanOrEqual(50);

    // The last tokens and the final event: shown at once, without waiting for a frame.
    token(' end.');
    const stored = fake.db.messages.find((m) => m.id === answer.id)!;
    stored.content = text;
    stored.state = 'complete';
    fake.emit({ messageId: answer.id, conversationId: cid, seq: ++seq, phase: 'final', at: 0, state: 'complete', message: { ...stored } });
    flushSync();
    expect(shown()).toBe(text.trim());
    await vi.advanceTimersByTimeAsync(0);
    flushSync();
    expect(container.querySelector(`[data-message-id="${answer.id}"]`)?.getAttribute('data-state')).toBe('complete');

    // One-shot timers (the 4 s watchdog of a tracked answer…) run out; then nothing is left,
    // and nothing comes back.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('waiting for the first token runs one counter timer, which ends with the wait', async () => {
    const cid = 42;
    const answer = msg({ conversationId: cid, role: 'assistant', content: '', state: 'streaming' });
    fake = createFakeApi({ conversations: [conv({ id: cid })], messages: [answer] });
    setApi(fake);
    streams.stop();
    streams.start();
    chat.newChat();
    const { container } = render(MessageList);
    await chat.open(cid);
    fake.emit({ messageId: answer.id, conversationId: cid, seq: 1, phase: 'waiting', at: 0, waitingFor: 'first_token', since: Date.now() });
    await vi.advanceTimersByTimeAsync(5_000); // the watchdog has fired too
    flushSync();
    expect(container.querySelector('[data-testid="wait-seconds"]')?.textContent).toBe(' · 5 s');
    expect(vi.getTimerCount()).toBe(1); // the counter's next tick, nothing else
    fake.emit({ messageId: answer.id, conversationId: cid, seq: 2, phase: 'streaming', at: 0, text: 'Hi' });
    await vi.advanceTimersByTimeAsync(17);
    flushSync();
    expect(container.querySelector('[data-testid="wait-seconds"]')).toBeNull();
    fake.db.messages.find((m) => m.id === answer.id)!.content = 'Hi';
    fake.db.messages.find((m) => m.id === answer.id)!.state = 'complete';
    fake.emit({ messageId: answer.id, conversationId: cid, seq: 3, phase: 'final', at: 0, state: 'complete', message: { ...fake.db.messages.find((m) => m.id === answer.id)! } });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('unreachable endpoints', () => {
  it('are looked at again with a growing pause, and no longer once they answer', async () => {
    vi.useFakeTimers({ toFake: [...FAKE], now: 5_000_000 });
    fake = createFakeApi({
      models: [
        survey({
          endpoint: { id: 'ollama', name: 'Ollama', kind: 'ollama', baseUrl: 'http://127.0.0.1:11434', enabled: true },
          reachable: false,
          error: 'connection refused',
          models: [],
        }),
      ],
    });
    let looks = 0;
    const overview = fake.ModelService.Overview;
    fake.ModelService.Overview = () => {
      looks++;
      return overview();
    };
    setApi(fake);
    await app.init();
    expect(looks).toBe(1);
    expect(vi.getTimerCount()).toBe(1);
    const at: number[] = [];
    const t0 = Date.now();
    for (let s = 0; s < 400 && at.length < 5; s++) {
      const before = looks;
      await vi.advanceTimersByTimeAsync(1000);
      if (looks > before) at.push(Math.round((Date.now() - t0) / 1000));
    }
    expect(at).toEqual([15, 45, 105, 225, 345]); // 15 s, 30 s, 60 s, 2 min, 2 min
    // Ollama starts: the next look finds it, and then nothing is scheduled any more.
    fake.db.models[0].reachable = true;
    fake.db.models[0].models = [{ name: 'llama3.2', sizeBytes: 1 }];
    await vi.advanceTimersByTimeAsync(120_000);
    expect(models.unreachable).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
    const n = looks;
    await vi.advanceTimersByTimeAsync(600_000);
    expect(looks).toBe(n);
  });
});
