// Turns the backend's `brook:stream` events for one answer into the answer's
// visible text (and the model's reasoning before it), tolerating duplicates,
// late events, gaps, overlaps and the final event, which carries the stored
// message (authoritative after a recovery).
// Reasoning deltas follow the same rules as text deltas with their own offsets
// (`reasoningAt`); a fetched message resets both.
import { seeThinking, type ThinkingSpan } from '../thinking';
import type { FinalState, StreamEvent, StreamPhase, WaitingFor } from './types';

export type { FinalState, StreamEvent, StreamPhase, WaitingFor } from './types';
export { STREAM_EVENT } from './types';
export { FrameBatcher, type FrameBatcherOptions, type FrameScheduler, type Urgency } from './batcher';

export type ApplyResult = 'applied' | 'ignored' | 'needs-fetch';

export interface AnswerState {
  /** Visible text: never ends in half of a surrogate pair while streaming. */
  text: string;
  /** Visible reasoning (same rule). */
  reasoning: string;
  phase: StreamPhase;
  state?: FinalState;
  tokensPerSecond: number;
  reason?: string;
  /** queued: answers before this one (0 = next). */
  ahead?: number;
  /** waiting/recovering: what for / how (see StreamEvent.waitingFor). */
  waitingFor?: WaitingFor;
  /** Unix ms when the current wait began, as Go reported it; undefined when it did not. */
  since?: number;
  /** Last seq seen; -1 before the first event. */
  seq: number;
}

/**
 * One answer as the window shows it while it runs: the reconciler's snapshot
 * (see AnswerReconciler.snapshot), never changed once made.
 */
export interface LiveAnswer {
  messageId: number;
  conversationId: number;
  text: string;
  /** The model's reasoning so far ('' when it does not reason). */
  reasoning: string;
  /**
   * Date.now() when Brook saw reasoning begin with no answer text yet (a live
   * "Thinking · 12 s"); undefined when it did not see that.
   */
  thinkingSince?: number;
  /** Date.now() when that thinking ended: the first answer text, or the end of the answer. */
  thinkingUntil?: number;
  phase: StreamPhase;
  state: FinalState | 'streaming';
  tokensPerSecond: number;
  reason: string;
  /** queued: how many answers are before this one (0 = next); undefined in other phases. */
  ahead?: number;
  /** waiting: 'model_load' | 'first_token'; recovering: 'continue' | 'reask'; undefined when Go did not say. */
  waitingFor?: WaitingFor;
  /**
   * Unix ms (Date.now() clock) when the current wait (queued, waiting, recovering) began:
   * Go's `since` when it sent one, else when Brook first saw this wait.
   */
  since: number;
}

export interface ReconcilerInit {
  /** When set, events for other messages are ignored. */
  messageId?: number;
  /** The answer's conversation, when known before its first event. */
  conversationId?: number;
  /** Text already known (e.g. loaded from the database mid-stream). */
  text?: string;
  /** Reasoning already known. */
  reasoning?: string;
  seq?: number;
  phase?: StreamPhase;
  state?: FinalState;
  /** The clock of the window's own times (thinking, waits Go gave no time for). */
  now?: () => number;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * `raw` with `delta` placed at UTF-16 offset `at`: appended, or the new part of
 * an overlap. null when it cannot be placed (a gap, a bad offset, or an overlap
 * that does not match what we have): the caller fetches the message.
 */
function merge(raw: string, delta: string, at: number): string | null {
  if (!Number.isInteger(at) || at < 0 || at > raw.length) return null;
  if (delta === '') return raw;
  if (at === raw.length) return raw + delta;
  // Overlap: text we already have is repeated; it must match.
  const overlap = raw.length - at;
  if (delta.length <= overlap) return raw.startsWith(delta, at) ? raw : null;
  if (!raw.startsWith(delta.slice(0, overlap), at)) return null;
  return raw + delta.slice(overlap);
}

/** `raw` without a trailing high surrogate (held back until its low half arrives). */
function visible(raw: string, final: boolean): string {
  const n = raw.length;
  return !final && n > 0 && isHighSurrogate(raw.charCodeAt(n - 1)) ? raw.slice(0, n - 1) : raw;
}

function sameFields<T extends object>(a: T, b: T): boolean {
  return (Object.keys(b) as (keyof T)[]).every((k) => a[k] === b[k]);
}

/**
 * One per answer message. `apply` each event in arrival order; when it returns
 * 'needs-fetch' the caller fetches the whole message (once; see `needsFetch`)
 * and calls `reset(text, state)`.
 */
export class AnswerReconciler implements AnswerState {
  text = '';
  reasoning = '';
  phase: StreamPhase = 'waiting';
  state?: FinalState;
  tokensPerSecond = 0;
  reason?: string;
  ahead?: number;
  waitingFor?: WaitingFor;
  since?: number;
  seq = -1;
  /** Set when an event could not be applied; cleared by reset(). */
  needsFetch = false;
  readonly messageId?: number;
  conversationId = 0;

  private readonly now: () => number;
  /** The thinking the window saw (lib/thinking). */
  private thinking: ThinkingSpan = {};
  /** The wait (phase and what for) the window saw last, and when it saw it begin. */
  private seenWait = '';
  private seenWaitAt = 0;
  /** The last snapshot: given again while nothing shown changed. */
  private last?: LiveAnswer;

  /** Everything received; event offsets (`at`) refer to this. */
  private raw = '';
  /** All reasoning received; `reasoningAt` offsets refer to this. */
  private rawReasoning = '';

  constructor(init: ReconcilerInit = {}) {
    this.messageId = init.messageId;
    this.conversationId = init.conversationId ?? 0;
    this.now = init.now ?? Date.now;
    if (init.seq !== undefined) this.seq = init.seq;
    if (init.phase) this.phase = init.phase;
    if (init.state) this.state = init.state;
    this.setRaw(init.text ?? '');
    this.setReasoning(init.reasoning ?? '');
  }

  /** UTF-16 length of everything received (including a held-back high surrogate). */
  get receivedLength(): number {
    return this.raw.length;
  }

  /** UTF-16 length of all reasoning received. */
  get receivedReasoningLength(): number {
    return this.rawReasoning.length;
  }

  get isFinal(): boolean {
    return this.phase === 'final';
  }

  /**
   * The answer as the window shows it now. The same object while nothing in
   * it changed, so the store can tell a change by identity. Taking one also
   * marks the times the window keeps itself: when thinking began and ended,
   * and when a wait began that Go gave no time for.
   */
  snapshot(): LiveAnswer {
    const now = this.now();
    const final = this.phase === 'final';
    this.thinking = seeThinking(this.thinking, { reasoning: this.reasoning, text: this.text, over: final }, now);
    const wait = `${this.phase}/${this.waitingFor ?? ''}`;
    if (wait !== this.seenWait) {
      this.seenWait = wait;
      this.seenWaitAt = now;
    }
    const next: LiveAnswer = {
      messageId: this.messageId ?? 0,
      conversationId: this.conversationId,
      text: this.text,
      reasoning: this.reasoning,
      thinkingSince: this.thinking.since,
      thinkingUntil: this.thinking.until,
      phase: this.phase,
      state: final ? (this.state ?? 'complete') : 'streaming',
      tokensPerSecond: this.tokensPerSecond,
      reason: this.reason ?? '',
      ahead: this.ahead,
      waitingFor: this.waitingFor,
      since: this.since ?? this.seenWaitAt,
    };
    if (this.last && sameFields(this.last, next)) return this.last;
    this.last = Object.freeze(next);
    return this.last;
  }

  apply(ev: StreamEvent): ApplyResult {
    if (this.messageId !== undefined && ev.messageId !== this.messageId) return 'ignored';
    if (this.phase === 'final') return 'ignored'; // the final event was authoritative
    if (!(ev.seq > this.seq)) return 'ignored'; // duplicate or late
    this.seq = ev.seq;
    if (ev.conversationId) this.conversationId = ev.conversationId;
    if (typeof ev.tokensPerSecond === 'number') this.tokensPerSecond = ev.tokensPerSecond;

    if (ev.phase === 'final') return this.applyFinal(ev);

    this.phase = ev.phase;
    if (ev.phase === 'recovering') this.reason = ev.reason ?? this.reason;
    else if (ev.phase === 'streaming') this.reason = undefined;
    this.applyWait(ev);

    // Reasoning first (it comes before the answer). Go omits reasoningAt when it
    // is 0, so only a reasoning delta says anything about the reasoning offset.
    if (ev.reasoning) {
      const reasoning = merge(this.rawReasoning, ev.reasoning, ev.reasoningAt ?? 0);
      if (reasoning === null) return this.fetch(); // gap or mismatch
      if (reasoning !== this.rawReasoning) this.setReasoning(reasoning);
    }

    const raw = merge(this.raw, ev.text ?? '', ev.at ?? this.raw.length);
    if (raw === null) return this.fetch(); // gap: we missed text (or a mismatch)
    if (raw !== this.raw) this.setRaw(raw);
    return 'applied';
  }

  /**
   * Replaces the text and the reasoning with the authoritative ones fetched
   * from the backend. With a state, the answer is final and later events are ignored.
   */
  reset(text: string, state?: FinalState, reasoning = ''): void {
    this.needsFetch = false;
    if (state) {
      this.phase = 'final';
      this.state = state;
    }
    this.setRaw(text);
    this.setReasoning(reasoning);
  }

  /** The wait details belong to the event's phase; a phase without them clears them. */
  private applyWait(ev: StreamEvent): void {
    const waits = ev.phase === 'queued' || ev.phase === 'waiting' || ev.phase === 'recovering';
    // Go omits ahead when it is 0.
    this.ahead = ev.phase === 'queued' ? Math.max(0, ev.ahead ?? 0) : undefined;
    this.waitingFor = waits ? ev.waitingFor || undefined : undefined;
    this.since = waits && typeof ev.since === 'number' && ev.since > 0 ? ev.since : undefined;
  }

  private applyFinal(ev: StreamEvent): ApplyResult {
    this.phase = 'final';
    this.ahead = this.waitingFor = this.since = undefined;
    this.state = ev.state;
    if (ev.reason) this.reason = ev.reason;
    const m = ev.message;
    if (m) {
      // The stored answer is authoritative, text and reasoning both.
      if (m.state !== 'streaming') this.state = m.state;
      this.setRaw(m.content);
      this.setReasoning(m.reasoning ?? '');
      return 'applied';
    }
    // Omitted (too big for an event, or Go could not read it back): fetch it.
    // Until then what arrived is shown whole (a held-back half pair shows now).
    this.setRaw(this.raw);
    this.setReasoning(this.rawReasoning);
    return this.fetch();
  }

  private fetch(): ApplyResult {
    this.needsFetch = true;
    return 'needs-fetch';
  }

  private setRaw(raw: string): void {
    this.raw = raw;
    this.text = visible(raw, this.phase === 'final');
  }

  private setReasoning(raw: string): void {
    this.rawReasoning = raw;
    this.reasoning = visible(raw, this.phase === 'final');
  }
}
