import { describe, expect, it } from 'vitest';
import { FramePacer } from './pacer';

describe('FramePacer', () => {
  it('spaces frames so their cost stays near its share of the time, within bounds', () => {
    const p = new FramePacer({ share: 0.1, minMs: 50, maxMs: 500, alpha: 1 });
    expect(p.interval).toBe(50);
    p.recordJs(2);
    expect(p.interval).toBe(50); // 2 ms / 0.1 = 20 ms: the floor
    p.recordRender(10);
    expect(p.interval).toBe(120); // (2 + 10) / 0.1
    p.recordJs(7);
    expect(p.interval).toBe(170);
    p.recordRender(100); // counted as at most 3× the average (+1)
    expect(p.interval).toBe(380); // (7 + 31) / 0.1
    p.recordRender(100);
    expect(p.interval).toBe(500); // the ceiling
    p.recordJs(1);
    p.recordRender(1);
    expect(p.interval).toBe(50);
  });

  it('follows a running average, so one slow frame does not stall the answer', () => {
    const p = new FramePacer({ share: 0.1, alpha: 0.25 });
    for (let i = 0; i < 20; i++) p.recordJs(10);
    expect(p.interval).toBeCloseTo(100, 0);
    p.recordJs(1000); // a pause: counts as 31 ms
    expect(p.interval).toBeCloseTo(152.5, 0);
    for (let i = 0; i < 20; i++) p.recordJs(10);
    expect(p.interval).toBeLessThan(105);
  });

  it('defaults to 2% of the time, between 50 and 500 ms', () => {
    const p = new FramePacer();
    p.recordJs(3);
    p.recordRender(6);
    expect(p.interval).toBeCloseTo(450, 6);
  });
});
