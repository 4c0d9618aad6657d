import { describe, expect, it } from 'vitest';
import { AnswerReconciler, type FinalState, type StreamEvent } from './reconciler';
import { msg } from '../fake';

let seq = 0;
function ev(p: Partial<StreamEvent>): StreamEvent {
  return { messageId: 1, conversationId: 7, seq: ++seq, phase: 'streaming', at: 0, ...p };
}
function delta(at: number, text: string, extra: Partial<StreamEvent> = {}): StreamEvent {
  return ev({ at, text, ...extra });
}
/** The final event, carrying the answer as stored. */
function final(state: FinalState, content: string, reasoning?: string): StreamEvent {
  const message = msg({ id: 1, conversationId: 7, role: 'assistant', state, content, reasoning });
  return ev({ phase: 'final', at: 0, state, message });
}

describe('AnswerReconciler', () => {
  it('starts waiting and appends deltas in order', () => {
    const r = new AnswerReconciler({ messageId: 1 });
    expect(r.phase).toBe('waiting');
    expect(r.seq).toBe(-1);
    expect(r.apply(ev({ phase: 'waiting', at: 0 }))).toBe('applied');
    expect(r.apply(delta(0, 'Hel', { tokensPerSecond: 12.5 }))).toBe('applied');
    expect(r.apply(delta(3, 'lo'))).toBe('applied');
    expect(r.text).toBe('Hello');
    expect(r.phase).toBe('streaming');
    expect(r.tokensPerSecond).toBe(12.5);
  });

  it('ignores other messages', () => {
    const r = new AnswerReconciler({ messageId: 1 });
    expect(r.apply({ ...delta(0, 'x'), messageId: 2 })).toBe('ignored');
    expect(r.text).toBe('');
  });

  it('drops duplicates and late (reordered) events by seq', () => {
    const r = new AnswerReconciler();
    const a = delta(0, 'a');
    const b = delta(1, 'b');
    const c = delta(2, 'c');
    expect(r.apply(a)).toBe('applied');
    expect(r.apply(a)).toBe('ignored');
    expect(r.apply(c)).toBe('needs-fetch'); // b missing: gap
    expect(r.apply(b)).toBe('ignored'); // late: its seq is older than c's
    expect(r.text).toBe('a');
    expect(r.needsFetch).toBe(true);
  });

  it('reports a gap and recovers via reset', () => {
    const r = new AnswerReconciler();
    r.apply(delta(0, 'abc'));
    expect(r.apply(delta(10, 'xyz'))).toBe('needs-fetch');
    expect(r.text).toBe('abc');
    r.reset('abcdefghijxyz');
    expect(r.needsFetch).toBe(false);
    expect(r.apply(delta(13, '!'))).toBe('applied');
    expect(r.text).toBe('abcdefghijxyz!');
    expect(r.phase).toBe('streaming');
  });

  it('appends only the new part of an overlapping delta', () => {
    const r = new AnswerReconciler();
    r.apply(delta(0, 'Hello, wor'));
    expect(r.apply(delta(7, 'world!'))).toBe('applied');
    expect(r.text).toBe('Hello, world!');
    // fully contained repeat: nothing changes
    expect(r.apply(delta(0, 'Hello'))).toBe('applied');
    expect(r.text).toBe('Hello, world!');
  });

  it('asks for a fetch when an overlap does not match', () => {
    const r = new AnswerReconciler();
    r.apply(delta(0, 'Hello, wor'));
    expect(r.apply(delta(7, 'WORLD!'))).toBe('needs-fetch');
    expect(r.text).toBe('Hello, wor');
    expect(r.apply(delta(0, 'Jello'))).toBe('needs-fetch');
    expect(r.text).toBe('Hello, wor');
  });

  it('tracks recovering reason and clears it when streaming resumes', () => {
    const r = new AnswerReconciler();
    r.apply(delta(0, 'partial'));
    expect(r.apply(ev({ phase: 'recovering', at: 7, reason: 'dropped' }))).toBe('applied');
    expect(r.phase).toBe('recovering');
    expect(r.reason).toBe('dropped');
    r.apply(delta(7, ' more'));
    expect(r.reason).toBeUndefined();
  });

  it('the final message after recovery replaces different partial text (never duplicated or mixed)', () => {
    const r = new AnswerReconciler();
    r.apply(delta(0, 'The answer is 4'));
    r.apply(delta(15, '2 becau'));
    r.apply(ev({ phase: 'recovering', at: 22, reason: 'idle_timeout' }));
    const whole = 'The answer is forty-two, because of reasons.';
    expect(r.apply(final('complete', whole))).toBe('applied');
    expect(r.text).toBe(whole);
    expect(r.phase).toBe('final');
    expect(r.state).toBe('complete');
    expect(r.needsFetch).toBe(false);
    expect(r.text.indexOf('The answer')).toBe(r.text.lastIndexOf('The answer'));
  });

  it('a final event without its message (too big) needs a fetch; reset makes it final', () => {
    const r = new AnswerReconciler();
    r.apply(delta(0, 'partial tex'));
    expect(r.apply(ev({ phase: 'final', at: 0, state: 'interrupted', messageOmitted: true }))).toBe('needs-fetch');
    expect(r.phase).toBe('final');
    // Meanwhile the answer shows as over, with what arrived.
    expect(r.snapshot()).toMatchObject({ phase: 'final', state: 'interrupted', text: 'partial tex' });
    expect(r.apply(delta(11, 't'))).toBe('ignored');
    r.reset('whole text from the database', 'interrupted');
    expect(r.text).toBe('whole text from the database');
    expect(r.state).toBe('interrupted');
    expect(r.needsFetch).toBe(false);
  });

  it('an empty stored answer is applied as it is', () => {
    const r = new AnswerReconciler();
    r.apply(ev({ phase: 'waiting', at: 0 }));
    expect(r.apply(final('failed', ''))).toBe('applied');
    expect(r.snapshot()).toMatchObject({ phase: 'final', state: 'failed', text: '' });
  });

  it('ignores everything after final', () => {
    const r = new AnswerReconciler();
    r.apply(delta(0, 'abc'));
    r.apply(final('complete', 'abc'));
    expect(r.apply(delta(3, 'def'))).toBe('ignored');
    expect(r.apply(final('failed', 'zzz'))).toBe('ignored');
    expect(r.apply(ev({ phase: 'streaming', at: 0, seq: 10_000 }))).toBe('ignored');
    expect(r.text).toBe('abc');
    expect(r.state).toBe('complete');
  });

  it('never exposes half of a surrogate pair', () => {
    const r = new AnswerReconciler();
    const smile = '😀'; // \ud83d\ude00
    r.apply(delta(0, 'hi ' + smile[0]));
    expect(r.text).toBe('hi ');
    expect(r.receivedLength).toBe(4);
    r.apply(delta(4, smile[1] + ' there'));
    expect(r.text).toBe('hi 😀 there');
    // overlap that starts in the middle of the pair
    r.apply(delta(4, smile[1] + ' there' + smile[0]));
    expect(r.text).toBe('hi 😀 there');
    r.apply(delta(12, smile[1]));
    expect(r.text).toBe('hi 😀 there😀');
    for (let i = 0; i < r.text.length; i++) {
      const c = r.text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff) expect(r.text.charCodeAt(i + 1)).toBeGreaterThanOrEqual(0xdc00);
    }
  });

  it('can start from text loaded mid-stream', () => {
    const r = new AnswerReconciler({ messageId: 1, text: 'loaded', seq: 41, phase: 'streaming' });
    expect(r.apply(delta(6, '!', { seq: 41 }))).toBe('ignored');
    expect(r.apply(delta(6, '!', { seq: 42 }))).toBe('applied');
    expect(r.text).toBe('loaded!');
  });

  it('snapshot is the answer as the window shows it, the same object while nothing in it changed', () => {
    let now = 500;
    const r = new AnswerReconciler({ messageId: 1, now: () => now });
    r.apply(delta(0, 'x', { tokensPerSecond: 3 }));
    const first = r.snapshot();
    expect(first).toEqual({
      messageId: 1,
      conversationId: 7,
      text: 'x',
      reasoning: '',
      thinkingSince: undefined,
      thinkingUntil: undefined,
      phase: 'streaming',
      state: 'streaming',
      tokensPerSecond: 3,
      reason: '',
      ahead: undefined,
      waitingFor: undefined,
      since: 500,
    });
    now = 900;
    expect(r.snapshot()).toBe(first);
    expect(r.apply(delta(1, '', { seq: r.seq + 1 }))).toBe('applied'); // nothing shown changes
    expect(r.snapshot()).toBe(first);
    r.apply(delta(1, 'y', { seq: r.seq + 1 }));
    const second = r.snapshot();
    expect(second).not.toBe(first);
    expect(second).toMatchObject({ text: 'xy', since: 500 });
    expect(Object.isFrozen(second)).toBe(true);
  });

  it('times the thinking it sees: from the first reasoning with no text to the first text', () => {
    let now = 1_000;
    const r = new AnswerReconciler({ messageId: 1, now: () => now });
    r.apply(ev({ phase: 'streaming', at: 0, reasoning: 'hmm' }));
    expect(r.snapshot()).toMatchObject({ thinkingSince: 1_000, thinkingUntil: undefined });
    now = 4_000;
    r.apply(ev({ phase: 'streaming', at: 0, reasoning: '.', reasoningAt: 3 }));
    expect(r.snapshot()).toMatchObject({ thinkingSince: 1_000, thinkingUntil: undefined });
    now = 6_500;
    r.apply(delta(0, 'Yes'));
    expect(r.snapshot()).toMatchObject({ thinkingSince: 1_000, thinkingUntil: 6_500 });
    now = 9_000;
    r.apply(final('complete', 'Yes.'));
    expect(r.snapshot()).toMatchObject({ thinkingSince: 1_000, thinkingUntil: 6_500, state: 'complete' });
  });
});

describe('AnswerReconciler: queued and waiting details', () => {
  it('carries ahead, waitingFor and since through queued → waiting → streaming → recovering → final', () => {
    const r = new AnswerReconciler({ messageId: 1 });
    expect(r.apply(ev({ phase: 'queued', at: 0, ahead: 2, since: 1000 }))).toBe('applied');
    expect(r.snapshot()).toMatchObject({ phase: 'queued', ahead: 2, waitingFor: undefined, since: 1000, text: '' });
    // Go omits ahead when it is 0: "next".
    expect(r.apply(ev({ phase: 'queued', at: 0, since: 1000 }))).toBe('applied');
    expect(r.ahead).toBe(0);
    expect(r.apply(ev({ phase: 'waiting', at: 0, waitingFor: 'model_load', since: 5000 }))).toBe('applied');
    expect(r.snapshot()).toMatchObject({ phase: 'waiting', ahead: undefined, waitingFor: 'model_load', since: 5000 });
    expect(r.apply(ev({ phase: 'waiting', at: 0, waitingFor: 'first_token', since: 9000 }))).toBe('applied');
    expect(r.snapshot()).toMatchObject({ waitingFor: 'first_token', since: 9000 });
    expect(r.apply(delta(0, 'Hi'))).toBe('applied');
    expect(r.snapshot()).toMatchObject({ phase: 'streaming', text: 'Hi', ahead: undefined, waitingFor: undefined });
    expect(r.since).toBeUndefined();
    expect(r.apply(ev({ phase: 'recovering', at: 2, reason: 'dropped', waitingFor: 'continue', since: 12000 }))).toBe('applied');
    expect(r.snapshot()).toMatchObject({ phase: 'recovering', text: 'Hi', reason: 'dropped', waitingFor: 'continue', since: 12000 });
    expect(r.apply(final('complete', 'Hi there'))).toBe('applied');
    expect(r.snapshot()).toMatchObject({ phase: 'final', text: 'Hi there', waitingFor: undefined });
    expect(r.since).toBeUndefined();
  });

  it('keeps the seq and at rules for phase events', () => {
    const r = new AnswerReconciler({ messageId: 1 });
    const q = ev({ phase: 'queued', at: 0, ahead: 1, since: 1 });
    const w = ev({ phase: 'waiting', at: 0, waitingFor: 'first_token', since: 2 });
    expect(r.apply(w)).toBe('applied');
    expect(r.apply(q)).toBe('ignored'); // late: older seq
    expect(r.apply(w)).toBe('ignored'); // duplicate
    expect(r.snapshot()).toMatchObject({ phase: 'waiting', waitingFor: 'first_token', since: 2 });
    // A phase event past the text we have is a gap.
    expect(r.apply(ev({ phase: 'recovering', at: 5, waitingFor: 'reask' }))).toBe('needs-fetch');
  });
});

describe('AnswerReconciler: reasoning', () => {
  const think = (reasoningAt: number | undefined, reasoning: string, extra: Partial<StreamEvent> = {}) =>
    ev({ at: 0, reasoning, reasoningAt, ...extra });

  it('appends reasoning deltas at their own offsets (absent = 0), then the answer', () => {
    const r = new AnswerReconciler({ messageId: 1 });
    expect(r.apply(ev({ phase: 'waiting', at: 0 }))).toBe('applied');
    expect(r.apply(think(undefined, 'Let me '))).toBe('applied'); // Go omits reasoningAt 0
    expect(r.apply(think(7, 'think.'))).toBe('applied');
    expect(r.reasoning).toBe('Let me think.');
    expect(r.text).toBe('');
    expect(r.phase).toBe('streaming');
    expect(r.receivedReasoningLength).toBe(13);
    // The answer's offsets are its own: text starts at 0.
    expect(r.apply(delta(0, 'Hi'))).toBe('applied');
    expect(r.apply(delta(2, '!'))).toBe('applied');
    expect(r.snapshot()).toMatchObject({ reasoning: 'Let me think.', text: 'Hi!' });
  });

  it('drops duplicate and late reasoning events by seq, and repeated overlaps', () => {
    const r = new AnswerReconciler();
    const a = think(undefined, 'abc');
    const b = think(3, 'def');
    expect(r.apply(a)).toBe('applied');
    expect(r.apply(b)).toBe('applied');
    expect(r.apply(a)).toBe('ignored');
    expect(r.apply(b)).toBe('ignored');
    expect(r.reasoning).toBe('abcdef');
    // Overlap (a resent piece with a new seq): only the new part is added.
    expect(r.apply(think(4, 'efgh'))).toBe('applied');
    expect(r.apply(think(0, 'abc'))).toBe('applied');
    expect(r.reasoning).toBe('abcdefgh');
  });

  it('a reasoning gap or mismatch asks for a fetch; reset sets both reasoning and text', () => {
    const r = new AnswerReconciler();
    r.apply(think(undefined, 'abc'));
    expect(r.apply(think(10, 'xyz'))).toBe('needs-fetch');
    expect(r.reasoning).toBe('abc');
    expect(r.needsFetch).toBe(true);
    r.reset('', undefined, 'abcdefghijxyz');
    expect(r.needsFetch).toBe(false);
    expect(r.apply(think(13, '!'))).toBe('applied');
    expect(r.reasoning).toBe('abcdefghijxyz!');
    expect(r.apply(think(0, 'ABC'))).toBe('needs-fetch');
    expect(r.apply(think(-1, 'a'))).toBe('needs-fetch');
    r.reset('The answer', 'stopped', 'thought');
    expect(r.snapshot()).toMatchObject({ text: 'The answer', reasoning: 'thought', phase: 'final', state: 'stopped' });
    // A fetched message without reasoning clears it.
    const s = new AnswerReconciler({ reasoning: 'old' });
    s.reset('text');
    expect(s.reasoning).toBe('');
  });

  it('reasoning offsets do not disturb the text gap rules', () => {
    const r = new AnswerReconciler();
    r.apply(think(undefined, 'a long thought'));
    // A text delta past the answer so far is still a gap, whatever the reasoning length.
    expect(r.apply(delta(5, 'x'))).toBe('needs-fetch');
  });

  it('takes the reasoning from the final message, as stored', () => {
    const r = new AnswerReconciler();
    r.apply(think(undefined, 'hmm'));
    r.apply(delta(0, 'Yes'));
    expect(r.apply(final('complete', 'Yes.', 'hmm.'))).toBe('applied');
    expect(r.snapshot()).toMatchObject({ reasoning: 'hmm.', text: 'Yes.', phase: 'final' });
    // Stopped while thinking: what was stored of it stays.
    const s = new AnswerReconciler();
    s.apply(think(undefined, 'half a thou'));
    expect(s.apply(final('stopped', '', 'half a thou'))).toBe('applied');
    expect(s.snapshot()).toMatchObject({ reasoning: 'half a thou', text: '', state: 'stopped' });
  });

  it('never exposes half of a surrogate pair in the reasoning', () => {
    const r = new AnswerReconciler();
    const smile = '😀';
    r.apply(think(undefined, 'hm ' + smile[0]));
    expect(r.reasoning).toBe('hm ');
    r.apply(think(4, smile[1]));
    expect(r.reasoning).toBe('hm 😀');
  });

  it('can start from reasoning loaded mid-stream', () => {
    const r = new AnswerReconciler({ messageId: 1, reasoning: 'loaded', seq: 3, phase: 'streaming' });
    expect(r.apply(think(6, ' more', { seq: 4 }))).toBe('applied');
    expect(r.reasoning).toBe('loaded more');
  });
});
