import { describe, expect, it } from 'vitest';
import { ROOM_SHARE, StepFollower } from './follow';

/** An answer whose text is `text` px tall: its box is the taller of that and its min-height, as CSS lays it out. */
function answer(text: { h: number }): HTMLElement {
  const el = document.createElement('article');
  Object.defineProperty(el, 'offsetHeight', { get: () => Math.max(text.h, parseFloat(el.style.minHeight) || 0) });
  return el;
}

function list(height: number): HTMLElement {
  const el = document.createElement('div');
  Object.defineProperty(el, 'clientHeight', { get: () => height });
  return el;
}

describe('StepFollower', () => {
  it('scrolls once per room, not once per frame, while the answer grows into it', () => {
    const f = new StepFollower();
    const scroller = list(600);
    const text = { h: 40 };
    const live = answer(text);
    let scrolls = 0;
    const bottom = () => scrolls++;

    f.follow(scroller, live, bottom);
    expect(scrolls).toBe(1);
    expect(live.style.minHeight).toBe(`${40 + 600 * ROOM_SHARE}px`);

    // Frames of growth within the room: nothing moves.
    for (const h of [80, 160, 250, 340]) {
      text.h = h;
      f.follow(scroller, live, bottom);
    }
    expect(scrolls).toBe(1);

    // The text passed the room's end: a new room from where the text stands, one scroll.
    text.h = 345;
    f.follow(scroller, live, bottom);
    expect(scrolls).toBe(2);
    expect(live.style.minHeight).toBe(`${345 + 600 * ROOM_SHARE}px`);
  });

  it('scrolls back to the room when what is above the answer grew', () => {
    const f = new StepFollower();
    const scroller = list(600);
    let scrollHeight = 1000;
    let scrollTop = 400; // at the end
    Object.defineProperty(scroller, 'scrollHeight', { get: () => scrollHeight });
    Object.defineProperty(scroller, 'scrollTop', { get: () => scrollTop });
    const live = answer({ h: 40 });
    const bottom = () => (scrollTop = scrollHeight - 600);
    f.follow(scroller, live, bottom);
    f.follow(scroller, live, bottom); // nothing changed
    expect(scrollTop).toBe(400);
    scrollHeight = 1200; // a picture above loaded
    f.follow(scroller, live, bottom);
    expect(scrollTop).toBe(600);
  });

  it('gives the room back when a new message comes, and moves the room to a new answer', () => {
    const f = new StepFollower();
    const scroller = list(400);
    const first = answer({ h: 100 });
    f.follow(scroller, first, () => {});
    expect(first.style.minHeight).not.toBe('');

    const second = answer({ h: 20 });
    f.follow(scroller, second, () => {});
    expect(first.style.minHeight).toBe('');
    expect(second.style.minHeight).toBe(`${20 + 400 * ROOM_SHARE}px`);

    f.release();
    expect(second.style.minHeight).toBe('');
  });

  it('scrolls to the end as before when no answer is streaming', () => {
    const f = new StepFollower();
    let scrolls = 0;
    f.follow(list(400), null, () => scrolls++);
    f.follow(list(400), null, () => scrolls++);
    expect(scrolls).toBe(2);
  });
});
