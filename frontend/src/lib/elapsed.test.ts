import { afterEach, describe, expect, it, vi } from 'vitest';
import { countFrom, counterStep, nextChangeIn, shownSeconds } from './elapsed';

describe('live counters', () => {
  afterEach(() => vi.useRealTimers());

  it('count every second for 5 s, then every 5, then every 15', () => {
    expect([0, 4, 5, 9, 59, 60, 600].map((s) => counterStep(s))).toEqual([1, 1, 5, 5, 5, 15, 15]);
    expect([0, 999, 4_500, 5_000, 9_999, 12_000, 14_999, 15_000, 61_000, 74_999, 75_000].map((ms) => shownSeconds(ms))).toEqual([
      0, 0, 4, 5, 5, 10, 10, 15, 60, 60, 75,
    ]);
  });

  it('wake exactly when the shown value changes', () => {
    expect(nextChangeIn(0)).toBe(1000);
    expect(nextChangeIn(4_400)).toBe(600);
    expect(nextChangeIn(5_000)).toBe(5000);
    expect(nextChangeIn(9_400)).toBe(600);
    expect(nextChangeIn(58_000)).toBe(2000);
    expect(nextChangeIn(60_500)).toBe(14_500);
    expect(nextChangeIn(-300)).toBe(300); // Go's clock ahead: wake when the wait begins
    for (let ms = 0; ms < 200_000; ms += 777) {
      const wake = ms + nextChangeIn(ms);
      expect(shownSeconds(wake)).not.toBe(shownSeconds(ms));
      expect(shownSeconds(wake - 1)).toBe(shownSeconds(ms));
    }
  });

  it('a five-minute wait wakes the window 33 times, not 300', () => {
    vi.useFakeTimers();
    const start = Date.now();
    const shown: number[] = [];
    const stop = countFrom(start, (now) => shown.push(shownSeconds(now - start)));
    vi.advanceTimersByTime(300_000);
    stop();
    vi.advanceTimersByTime(60_000);
    expect(shown.length).toBe(5 + 11 + 17); // 0–4 s, 5–55 s, 60–300 s
    expect(new Set(shown).size).toBe(shown.length); // every wake shows something new
    expect(shown.at(-1)).toBe(300);
  });

  it('a coarse counter counts in 5 s steps from the start, then 15 s, and wakes only for those', () => {
    expect([0, 9, 59, 60].map((s) => counterStep(s, true))).toEqual([5, 5, 5, 15]);
    expect([0, 4_999, 5_000, 9_999, 61_000, 75_000].map((ms) => shownSeconds(ms, true))).toEqual([0, 0, 5, 5, 60, 75]);
    vi.useFakeTimers();
    const start = Date.now();
    const shown: number[] = [];
    const stop = countFrom(start, (now) => shown.push(shownSeconds(now - start, true)), Date.now, true);
    vi.advanceTimersByTime(30_000);
    stop();
    expect(shown).toEqual([0, 5, 10, 15, 20, 25, 30]);
  });
});
