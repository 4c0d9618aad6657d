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
