import { afterEach, describe, expect, it, vi } from 'vitest';
import { restCaret, restCaretSoon } from './caret';

describe('restCaret', () => {
  const detachers: (() => void)[] = [];
  afterEach(() => {
    detachers.splice(0).forEach((d) => d());
    vi.useRealTimers();
    document.body.innerHTML = '';
  });

  function field(value = '') {
    const ta = document.createElement('textarea');
    ta.value = value;
    document.body.append(ta);
    detachers.push(restCaret(ta, 1000));
    return ta;
  }

  it('gives up focus after the rest, looking focused, and takes it back at the next key with the caret where it was', () => {
    vi.useFakeTimers();
    const ta = field('hello world');
    ta.focus();
    ta.setSelectionRange(5, 5);
    vi.advanceTimersByTime(999);
    expect(document.activeElement).toBe(ta);
    vi.advanceTimersByTime(1);
    expect(document.activeElement).toBe(document.body);
    expect(ta.dataset.rested).toBe('true');

    let focusedWhenHandled: Element | null = null;
    ta.addEventListener('keydown', () => (focusedWhenHandled = document.activeElement));
    // The key is pressed with nothing focused: the browser sends it to the body.
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'x', bubbles: true }));
    expect(document.activeElement).toBe(ta);
    expect([ta.selectionStart, ta.selectionEnd]).toEqual([5, 5]);
    expect(ta.dataset.rested).toBeUndefined();
    ta.dispatchEvent(new KeyboardEvent('keydown', { key: 'y', bubbles: true }));
    expect(focusedWhenHandled).toBe(ta);
  });

  it('rests sooner after a send, and a key typed meanwhile keeps it awake as usual', () => {
    vi.useFakeTimers();
    const ta = field();
    ta.focus();
    restCaretSoon(ta, 200);
    vi.advanceTimersByTime(199);
    expect(document.activeElement).toBe(ta);
    vi.advanceTimersByTime(1);
    expect(document.activeElement).toBe(document.body);
    expect(ta.dataset.rested).toBe('true');

    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'a', bubbles: true }));
    expect(document.activeElement).toBe(ta);
    restCaretSoon(ta, 200);
    ta.dispatchEvent(new Event('input', { bubbles: true }));
    vi.advanceTimersByTime(999);
    expect(document.activeElement).toBe(ta); // typing after the send: the usual rest
    vi.advanceTimersByTime(1);
    expect(document.activeElement).toBe(document.body);
  });

  it('a field without focus is not rested by a send', () => {
    vi.useFakeTimers();
    const ta = field();
    restCaretSoon(ta, 200);
    vi.advanceTimersByTime(5000);
    expect(ta.dataset.rested).toBeUndefined();
  });

  it('typing keeps it awake; the rest counts from the last key', () => {
    vi.useFakeTimers();
    const ta = field();
    ta.focus();
    vi.advanceTimersByTime(600);
    ta.dispatchEvent(new Event('input', { bubbles: true }));
    vi.advanceTimersByTime(600);
    expect(document.activeElement).toBe(ta);
    vi.advanceTimersByTime(400);
    expect(document.activeElement).toBe(document.body);
  });

  it('stops resting when the user moves focus elsewhere, and never takes focus back then', () => {
    vi.useFakeTimers();
    const ta = field();
    const search = document.createElement('input');
    document.body.append(search);
    ta.focus();
    vi.advanceTimersByTime(1000);
    expect(ta.dataset.rested).toBe('true');
    search.focus();
    expect(ta.dataset.rested).toBeUndefined();
    search.blur();
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'x', bubbles: true }));
    expect(document.activeElement).toBe(document.body);
  });

  it('does nothing to a field the user left', () => {
    vi.useFakeTimers();
    const ta = field();
    ta.focus();
    vi.advanceTimersByTime(500);
    ta.blur();
    vi.advanceTimersByTime(5000);
    expect(ta.dataset.rested).toBeUndefined();
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'x', bubbles: true }));
    expect(document.activeElement).toBe(document.body);
  });
});
