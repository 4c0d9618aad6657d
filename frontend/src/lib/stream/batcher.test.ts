import { afterEach, describe, expect, it, vi } from 'vitest';
import { FrameBatcher, type FrameScheduler } from './batcher';

function manualScheduler() {
  const queue = new Map<number, () => void>();
  let id = 0;
  const s: FrameScheduler & { frame(): void; size(): number } = {
    request(cb) {
      queue.set(++id, cb);
      return id;
    },
    cancel(h) {
      queue.delete(h as number);
    },
    frame() {
      const cbs = [...queue.values()];
      queue.clear();
      cbs.forEach((cb) => cb());
    },
    size: () => queue.size,
  };
  return s;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('FrameBatcher', () => {
  it('flushes once per frame with everything pushed', () => {
    const s = manualScheduler();
    const flushed: number[][] = [];
    const b = new FrameBatcher<number>((items) => flushed.push(items), { scheduler: s, maxDelayMs: 0 });
    for (let i = 0; i < 100; i++) b.push(i);
    expect(s.size()).toBe(1);
    expect(flushed).toHaveLength(0);
    expect(b.pending).toBe(100);
    s.frame();
    expect(flushed).toHaveLength(1);
    expect(flushed[0]).toHaveLength(100);
    s.frame();
    expect(flushed).toHaveLength(1); // nothing new: no empty flush
    b.push(100);
    s.frame();
    expect(flushed).toEqual([Array.from({ length: 100 }, (_, i) => i), [100]]);
  });

  it('items pushed during a flush go to the next frame', () => {
    const s = manualScheduler();
    const flushed: string[][] = [];
    const b = new FrameBatcher<string>(
      (items) => {
        flushed.push(items);
        if (items[0] === 'a') b.push('b');
      },
      { scheduler: s, maxDelayMs: 0 },
    );
    b.push('a');
    s.frame();
    expect(flushed).toEqual([['a']]);
    s.frame();
    expect(flushed).toEqual([['a'], ['b']]);
  });

  it('flush() delivers now and cancels the frame; dispose drops', () => {
    const s = manualScheduler();
    const flushed: number[][] = [];
    const b = new FrameBatcher<number>((items) => flushed.push(items), { scheduler: s, maxDelayMs: 0 });
    b.push(1);
    b.flush();
    expect(flushed).toEqual([[1]]);
    expect(s.size()).toBe(0);
    b.push(2);
    b.dispose();
    s.frame();
    b.push(3);
    expect(flushed).toEqual([[1]]);
  });

  it('falls back to setTimeout(16) without an injected scheduler (jsdom)', async () => {
    vi.useFakeTimers();
    const flushed: number[][] = [];
    const b = new FrameBatcher<number>((items) => flushed.push(items), {
      scheduler: { request: (cb) => setTimeout(cb, 16), cancel: (h) => clearTimeout(h as number) },
    });
    b.push(1);
    b.push(2);
    vi.advanceTimersByTime(15);
    expect(flushed).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(flushed).toEqual([[1, 2]]);
  });

  it('default scheduler works in the test environment', async () => {
    const flushed: number[][] = [];
    const b = new FrameBatcher<number>((items) => flushed.push(items));
    b.push(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(flushed).toEqual([[1]]);
  });

  it('flushes after maxDelayMs when no frame comes (hidden window)', () => {
    vi.useFakeTimers();
    const s = manualScheduler(); // never fires
    const flushed: number[][] = [];
    const b = new FrameBatcher<number>((items) => flushed.push(items), { scheduler: s, maxDelayMs: 100 });
    b.push(1);
    vi.advanceTimersByTime(100);
    expect(flushed).toEqual([[1]]);
    expect(s.size()).toBe(0);
  });
});

describe('FrameBatcher with a frame budget', () => {
  function setup(interval: () => number, urgency?: (n: number) => 'now' | 'frame' | undefined) {
    vi.useFakeTimers();
    const s = manualScheduler();
    const flushed: number[][] = [];
    let clock = 0;
    const b = new FrameBatcher<number>((items) => flushed.push(items), {
      scheduler: s,
      maxDelayMs: 0,
      minInterval: interval,
      urgency,
      now: () => clock,
    });
    const advance = (ms: number) => {
      clock += ms;
      vi.advanceTimersByTime(ms);
    };
    return { s, b, flushed, advance };
  }

  it('waits out the interval after a flush, then takes the next frame', () => {
    const { s, b, flushed, advance } = setup(() => 100);
    b.push(1);
    s.frame(); // the first batch goes at the next frame
    expect(flushed).toEqual([[1]]);
    advance(10);
    b.push(2);
    b.push(3);
    expect(s.size()).toBe(0); // no frame asked for before the interval is over
    advance(89);
    expect(s.size()).toBe(0);
    advance(1);
    expect(s.size()).toBe(1);
    b.push(4);
    s.frame();
    expect(flushed).toEqual([[1], [2, 3, 4]]);
  });

  it('the interval is asked again for each batch', () => {
    let interval = 50;
    const { s, b, flushed, advance } = setup(() => interval);
    b.push(1);
    s.frame();
    interval = 300;
    b.push(2);
    advance(299);
    expect(s.size()).toBe(0);
    advance(1);
    s.frame();
    expect(flushed).toEqual([[1], [2]]);
  });

  it("an urgent item skips the wait: 'frame' at the next frame, 'now' at once, with what came before", () => {
    const { s, b, flushed, advance } = setup(
      () => 1000,
      (n) => (n < 0 ? 'now' : n >= 100 ? 'frame' : undefined),
    );
    b.push(1);
    s.frame();
    advance(10);
    b.push(2);
    expect(s.size()).toBe(0);
    b.push(100); // e.g. a phase change
    expect(s.size()).toBe(1);
    s.frame();
    expect(flushed).toEqual([[1], [2, 100]]);
    b.push(3);
    b.push(-1); // the final event
    expect(flushed).toEqual([[1], [2, 100], [3, -1]]);
    expect(vi.getTimerCount()).toBe(0); // the wait was cancelled
    expect(s.size()).toBe(0);
  });

  it('leaves no timer behind once everything is flushed', () => {
    const { s, b, advance } = setup(() => 200);
    b.push(1);
    s.frame();
    b.push(2);
    expect(vi.getTimerCount()).toBe(1);
    advance(200);
    s.frame();
    expect(vi.getTimerCount()).toBe(0);
    expect(s.size()).toBe(0);
  });
});
