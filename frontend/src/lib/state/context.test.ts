import { beforeEach, describe, expect, it } from 'vitest';
import { setApi, type Message } from '../api';
import { createFakeApi, type FakeApi } from '../fake';
import { fakePlan } from '../fake/context';
import { ContextMeter, memory, shortTokens } from './context.svelte';

const msg = (id: number, chars: number): Message =>
  ({ id, conversationId: 1, role: id % 2 ? 'user' : 'assistant', content: 'x'.repeat(chars), state: 'complete' }) as Message;

describe('the context meter', () => {
  let fake: FakeApi;
  beforeEach(() => {
    fake = createFakeApi({
      conversations: [{ id: 1, title: 't' } as never],
      messages: [msg(1, 6000), msg(2, 6000), msg(3, 6000)],
    });
    setApi(fake);
  });

  it('holds a message that does not fit until the user chooses, and remembers the choice', async () => {
    const meter = new ContextMeter();
    let sent = 0;
    await meter.refresh(1, 'ollama', 'llama3.2');
    expect(meter.mightNotFit('y'.repeat(2000))).toBe(true);
    const ok = await meter.check(1, 'ollama', 'llama3.2', 'y'.repeat(2000), () => sent++);
    expect(ok).toBe(false);
    expect(meter.held).not.toBeNull();
    expect(meter.view?.needsChoice).toBe(true);
    await meter.choose(1, 'leave_out');
    expect(sent).toBe(1);
    expect(meter.held).toBeNull();
    // Chosen once, the next message goes at once, and the oldest are marked not sent.
    expect(await meter.check(1, 'ollama', 'llama3.2', 'z', () => sent++)).toBe(true);
    expect(meter.notSent(1)).toBe(true);
    expect(meter.notSent(3)).toBe(false);
  });

  it('sends at once what fits', async () => {
    fake.db.conversations.push({ id: 2, title: 'short' } as never);
    const meter = new ContextMeter();
    await meter.refresh(2, 'ollama', 'llama3.2');
    expect(meter.mightNotFit('hi')).toBe(false);
    expect(await meter.check(2, 'ollama', 'llama3.2', 'hi', () => {})).toBe(true);
    expect(meter.held).toBeNull();
    expect(meter.view?.fits).toBe(true);
  });
});

describe('the fake plan', () => {
  it('grows the window by steps, and leaves out the oldest when told', () => {
    const msgs = [msg(1, 8000), msg(2, 8000)];
    const grow = fakePlan(msgs, '', '');
    expect(grow.fits).toBe(false);
    expect(grow.growTo).toBe(6144);
    expect(grow.leftOut).toEqual([]);
    const leave = fakePlan(msgs, '', 'leave_out');
    expect(leave.leftOut).toEqual([1]);
    expect(leave.used).toBeLessThanOrEqual(4096);
  });
});

describe('the meter in words', () => {
  it('says tokens and memory short', () => {
    expect(shortTokens(950)).toBe('950');
    expect(shortTokens(3100)).toBe('3.1k');
    expect(shortTokens(4000)).toBe('4k');
    expect(shortTokens(32768)).toBe('33k');
    expect(memory(469_762_048)).toBe('470 MB');
    expect(memory(1_200_000_000)).toBe('1.2 GB');
  });
});
