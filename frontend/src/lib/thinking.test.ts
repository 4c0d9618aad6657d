// How long a model thought: worked out here only (see thinking.ts).
import { describe, expect, it } from 'vitest';
import { seeThinking, thinkingView } from './thinking';

describe('seeThinking', () => {
  it('begins at the first reasoning with no text, ends at the first text, and never moves again', () => {
    let span = seeThinking({}, { reasoning: '', text: '', over: false }, 1);
    expect(span).toEqual({ since: undefined, until: undefined });
    span = seeThinking(span, { reasoning: 'hm', text: '', over: false }, 10);
    expect(span).toEqual({ since: 10, until: undefined });
    const same = seeThinking(span, { reasoning: 'hmm', text: '', over: false }, 20);
    expect(same).toBe(span);
    span = seeThinking(span, { reasoning: 'hmm', text: 'Yes', over: false }, 30);
    expect(span).toEqual({ since: 10, until: 30 });
    expect(seeThinking(span, { reasoning: 'hmm', text: 'Yes.', over: true }, 40)).toBe(span);
  });

  it('ends at the end of an answer that ended while thinking', () => {
    const span = seeThinking({ since: 5 }, { reasoning: 'hm', text: '', over: true }, 9);
    expect(span).toEqual({ since: 5, until: 9 });
  });

  it('sees no thinking when the text came first or the answer was already over', () => {
    expect(seeThinking({}, { reasoning: 'late', text: 'Hi', over: false }, 3)).toEqual({ since: undefined, until: undefined });
    expect(seeThinking({}, { reasoning: 'stored', text: '', over: true }, 3)).toEqual({ since: undefined, until: undefined });
  });
});

describe('thinkingView', () => {
  const base = { reasoning: 'hm', text: 'Yes' };

  it("is live while the model reasons with no text yet, from the span's start", () => {
    expect(thinkingView({ ...base, text: '', state: 'streaming', span: { since: 7 } })).toEqual({ thinking: true, since: 7, ms: undefined, ended: undefined });
  });

  it("takes Go's stored time once the answer is over, over the span the window saw", () => {
    expect(thinkingView({ ...base, state: 'complete', storedMs: 4200, span: { since: 0, until: 3000 } }).ms).toBe(4200);
  });

  it('takes the span while the answer still runs, and when Go stored no time', () => {
    expect(thinkingView({ ...base, state: 'streaming', storedMs: 4200, span: { since: 0, until: 3000 } }).ms).toBe(3000);
    expect(thinkingView({ ...base, state: 'complete', span: { since: 1000, until: 3000 } }).ms).toBe(2000);
    expect(thinkingView({ ...base, state: 'complete' }).ms).toBeUndefined();
  });

  it('says how an answer ended while still reasoning', () => {
    expect(thinkingView({ ...base, text: '', state: 'stopped' }).ended).toBe('stopped');
    expect(thinkingView({ ...base, state: 'stopped' }).ended).toBeUndefined(); // it had begun to answer
  });
});
