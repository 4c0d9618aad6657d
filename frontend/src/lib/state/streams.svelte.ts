// Live answers. Every brook:stream event, for ANY conversation, goes through
// one FrameBatcher and a per-answer AnswerReconciler; the reactive `answers`
// record mirrors each reconciler for the UI. Switching conversations never
// touches this store, so background streams keep going and show up live when
// their conversation is opened again.
//
// The window shows a streaming answer in steps: events go to the batcher as
// they arrive, and the batch is applied (reconcilers, this store, Svelte's DOM
// patch) at most once per `pacer.interval` ms, which adapts to what applying a
// batch and rendering it cost. A phase change or the first text of an answer
// is shown at the next frame; the final event at once, with the answer as
// stored, which goes to the onFinal listeners.
//
// Nothing fails quietly: a read from Go that fails goes to the onError
// listeners and is tried again; when it keeps failing the answer is shown as
// interrupted with what arrived, never as waiting for ever.
import { flushSync } from 'svelte';
import { perf } from '../perf';
import { loadReasonTexts } from '../reasons';
import { FramePacer } from '../stream/pacer';
import { api, type FinalState, type Message, type StreamEvent, type StreamPhase, type WaitingFor } from '../api';
import { AnswerReconciler, FrameBatcher, type Urgency } from '../stream/reconciler';

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

type FinalListener = (m: Message) => void;
/** what: the failed step in plain words ("Could not read the answer"); error: why. */
type ErrorListener = (what: string, error: unknown) => void;

/** How long an answer may get no event at all before Go is asked about it; doubled each time, up to the last. */
const SILENCE_CHECK_MS = [4_000, 8_000, 16_000, 30_000];
/** The waits before each new try of a read from Go that failed; then the answer is given up. */
const RETRY_DELAYS_MS = [1_000, 3_000, 10_000];

export class StreamStore {
  answers: Record<number, LiveAnswer> = $state({});
  /**
   * messageId → conversationId of the answers still running. Changes only when
   * an answer starts or ends, so isStreaming() (read by every conversation in
   * the sidebar) does not re-run for every streamed token.
   */
  private active: Record<number, number> = $state({});
  /** The adaptive frame budget (see FramePacer). */
  readonly pacer = new FramePacer();
  private recs = new Map<number, AnswerReconciler>();
  private fetching = new Set<number>();
  /** Highest seq of answers already finished, so late duplicates are ignored. */
  private finishedSeq = new Map<number, number>();
  private batcher: FrameBatcher<StreamEvent>;
  private unsub: (() => void) | null = null;
  private finalListeners = new Set<FinalListener>();
  private errorListeners = new Set<ErrorListener>();

  constructor() {
    this.batcher = new FrameBatcher<StreamEvent>((items: StreamEvent[]) => this.applyFrame(items), {
      minInterval: () => this.pacer.interval,
      urgency: (ev) => this.urgency(ev),
    });
  }

  private urgency(ev: StreamEvent): Urgency {
    if (ev.phase === 'final') return 'now';
    const a = this.answers[ev.messageId];
    // A new phase, or the first text or reasoning: show it at the next frame.
    if (!a || a.phase !== ev.phase || (!a.text && !a.reasoning)) return 'frame';
    return undefined;
  }

  /** Applies a batch and lets Svelte patch the DOM now, timing both for the frame budget. */
  private applyFrame(items: StreamEvent[]): void {
    const t0 = perf.begin('frame.apply');
    this.applyBatch(items);
    perf.end('frame.apply', t0);
    const t1 = perf.begin('frame.dom');
    flushSync();
    const end = performance.now();
    perf.end('frame.dom', t1);
    const js = end - t0;
    perf.add('frame.js', js);
    perf.frame();
    this.pacer.recordJs(js);
    perf.add('frame.interval', this.pacer.interval);
    if (this.batcher.inFrame) {
      // Called from an animation frame: the browser styles, lays out and paints
      // right after it; a task queued now runs once that is done.
      setTimeout(() => {
        const ms = performance.now() - end;
        perf.add('frame.render', ms);
        this.pacer.recordRender(ms);
      }, 0);
    }
  }

  /** Subscribe once at app start, before any Send; and read the words for answers' reasons. */
  start(): void {
    if (this.unsub) return;
    this.unsub = api.events.onStream((ev) => {
      perf.events++;
      this.batcher.push(ev);
    });
    loadReasonTexts().catch((e) => this.report('Could not read the words for answers’ reasons', e));
  }

  stop(): void {
    this.unsub?.();
    this.unsub = null;
  }

  onFinal(cb: FinalListener): () => void {
    this.finalListeners.add(cb);
    return () => this.finalListeners.delete(cb);
  }

  /** Errors reading answers from Go, for the UI to show. Without a listener they go to the console. */
  onError(cb: ErrorListener): () => void {
    this.errorListeners.add(cb);
    return () => this.errorListeners.delete(cb);
  }

  private report(what: string, error: unknown): void {
    if (this.errorListeners.size === 0) console.error('brook:', what, error);
    for (const l of this.errorListeners) l(what, error);
  }

  /** Is any answer of this conversation still running? */
  isStreaming(conversationId: number): boolean {
    for (const c of Object.values(this.active)) if (c === conversationId) return true;
    return false;
  }

  streamingIds(conversationId: number): number[] {
    return Object.entries(this.active)
      .filter(([, c]) => c === conversationId)
      .map(([id]) => Number(id));
  }

  /**
   * Start tracking a message the UI knows is streaming (from Send, Retry, Open…).
   * Never resets a reconciler that already exists: events may have arrived first.
   */
  track(m: Message): void {
    if (m.role !== 'assistant' || m.state !== 'streaming') return;
    if (this.recs.has(m.id)) return;
    if (this.finishedSeq.has(m.id)) {
      // It finished before this (stale) copy arrived: show the stored result.
      const stale = () => this.finishedSeq.has(m.id) && !this.recs.has(m.id);
      void this.persist(
        'Could not read the answer',
        stale,
        async () => {
          const stored = await api.ConversationService.GetMessage(m.id);
          if (stale() && stored.state !== 'streaming') this.finalize(stored);
        },
        () => this.giveUp(m.id, m.conversationId, m.content, m.reasoning ?? ''),
      );
      return;
    }
    const r = new AnswerReconciler({ messageId: m.id, text: m.content, reasoning: m.reasoning ?? '' });
    this.recs.set(m.id, r);
    this.sync(m.id, m.conversationId, r);
    this.watch(m.id, m.conversationId, r, 0);
  }

  /** Watchdog: while an answer gets no event at all, ask Go now and then whether it still runs. */
  private watch(id: number, conversationId: number, r: AnswerReconciler, check: number): void {
    const wait = SILENCE_CHECK_MS[Math.min(check, SILENCE_CHECK_MS.length - 1)];
    setTimeout(() => void this.checkAlive(id, conversationId, r, check), wait);
  }

  private async checkAlive(id: number, conversationId: number, r: AnswerReconciler, check: number): Promise<void> {
    const silent = () => this.recs.get(id) === r && r.seq < 0 && r.phase !== 'final';
    let askAgain = false;
    await this.persist(
      'Could not check on an answer',
      silent,
      async () => {
        if ((await api.ChatService.ActiveAnswers()).includes(id)) {
          askAgain = true;
          return;
        }
        const m = await api.ConversationService.GetMessage(id);
        if (!silent()) return;
        this.applyStored(r, m);
        // Stored as streaming but not running: it is being started again; look later.
        askAgain = m.state === 'streaming';
      },
      () => this.giveUp(id, conversationId),
    );
    if (askAgain && silent()) this.watch(id, conversationId, r, check + 1);
  }

  /**
   * Runs a read from Go while it is needed. A failure is reported once and
   * tried again after each of RETRY_DELAYS_MS; when the last try fails too,
   * the failure is reported again and giveUp runs.
   */
  private async persist(what: string, needed: () => boolean, read: () => Promise<void>, giveUp: () => void): Promise<void> {
    for (let attempt = 0; needed(); attempt++) {
      try {
        await read();
        return;
      } catch (e) {
        if (attempt === 0) this.report(what, e);
        if (attempt >= RETRY_DELAYS_MS.length) {
          this.report(`${what}; gave up after ${attempt + 1} tries`, e);
          if (needed()) giveUp();
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]));
      }
    }
  }

  /**
   * Go could not be read about an answer: show it as interrupted with what
   * arrived (the user can Retry or Continue), rather than as waiting.
   */
  private giveUp(id: number, conversationId: number, text = '', reasoning = ''): void {
    let r = this.recs.get(id);
    if (!r) {
      r = new AnswerReconciler({ messageId: id, text, reasoning });
      this.recs.set(id, r);
    }
    if (r.phase !== 'final') r.reset(r.text, 'interrupted', r.reasoning);
    this.sync(id, conversationId, r);
  }

  /** Applies the answer as stored; a stored answer that is over goes to the onFinal listeners. */
  private applyStored(r: AnswerReconciler, m: Message): void {
    r.reset(m.content, m.state === 'streaming' ? undefined : m.state, m.reasoning ?? '');
    this.sync(m.id, m.conversationId, r);
    if (m.state !== 'streaming') this.finalize(m);
  }

  /** Forget an answer before it is restarted (Retry/Continue): the next run starts fresh. */
  forget(messageId: number): void {
    this.recs.delete(messageId);
    this.finishedSeq.delete(messageId);
    delete this.answers[messageId];
    delete this.active[messageId];
  }

  /** Apply events right away (tests, and to drain before a decision). */
  applyBatch(items: StreamEvent[]): void {
    for (const ev of items) this.applyOne(ev);
  }

  private applyOne(ev: StreamEvent): void {
    let r = this.recs.get(ev.messageId);
    if (!r) {
      const done = this.finishedSeq.get(ev.messageId);
      if (done !== undefined && ev.seq <= done) return;
      r = new AnswerReconciler({ messageId: ev.messageId });
      this.recs.set(ev.messageId, r);
    }
    const res = r.apply(ev);
    this.sync(ev.messageId, ev.conversationId, r);
    if (res === 'needs-fetch') void this.fetch(ev.messageId, ev.conversationId, r);
    else if (res === 'applied' && ev.message) this.finalize(ev.message);
  }

  private sync(id: number, conversationId: number, r: AnswerReconciler): void {
    const phase = (r.phase as StreamPhase) || 'waiting';
    const prev = this.answers[id];
    const sameWait = !!prev && prev.phase === phase && prev.waitingFor === r.waitingFor;
    const text = r.text ?? '';
    const reasoning = r.reasoning ?? '';
    // Thinking is timed from the first reasoning seen before any answer text to
    // the first answer text (or the end); the stored thinkingMs wins once final.
    const thinkingSince = prev?.thinkingSince ?? (reasoning && !text && phase !== 'final' ? Date.now() : undefined);
    const thinkingUntil =
      prev?.thinkingUntil ?? (thinkingSince !== undefined && (text || phase === 'final') ? Date.now() : undefined);
    const next: LiveAnswer = {
      messageId: id,
      conversationId,
      text,
      reasoning,
      thinkingSince,
      thinkingUntil,
      phase,
      state: phase === 'final' ? ((r.state as FinalState) || 'complete') : 'streaming',
      tokensPerSecond: r.tokensPerSecond ?? 0,
      reason: r.reason ?? '',
      ahead: r.ahead,
      waitingFor: r.waitingFor,
      since: r.since ?? (sameWait ? prev.since : Date.now()),
    };
    if (
      prev &&
      prev.text === next.text &&
      prev.reasoning === next.reasoning &&
      prev.thinkingSince === next.thinkingSince &&
      prev.thinkingUntil === next.thinkingUntil &&
      prev.phase === next.phase &&
      prev.state === next.state &&
      prev.tokensPerSecond === next.tokensPerSecond &&
      prev.reason === next.reason &&
      prev.ahead === next.ahead &&
      prev.waitingFor === next.waitingFor &&
      prev.since === next.since
    )
      return;
    this.answers[id] = next;
    if (phase !== 'final') {
      if (this.active[id] !== conversationId) this.active[id] = conversationId;
    } else if (id in this.active) delete this.active[id];
  }

  /** The events could not be applied (a gap, or a final event without its message): read the answer as stored. */
  private async fetch(id: number, conversationId: number, r: AnswerReconciler): Promise<void> {
    if (this.fetching.has(id)) return;
    this.fetching.add(id);
    const needed = () => this.recs.get(id) === r && r.needsFetch;
    try {
      await this.persist(
        'Could not read the answer',
        needed,
        async () => {
          const m = await api.ConversationService.GetMessage(id);
          if (needed()) this.applyStored(r, m);
        },
        () => this.giveUp(id, conversationId),
      );
    } finally {
      this.fetching.delete(id);
    }
  }

  private finalize(m: Message): void {
    for (const l of this.finalListeners) l(m);
    // Keep the live entry until a listener replaced the message; drop the reconciler
    // only if no newer run of this answer started meanwhile.
    const a = this.answers[m.id];
    if (a && a.phase === 'final') {
      const r = this.recs.get(m.id);
      if (r) this.finishedSeq.set(m.id, r.seq ?? 0);
      this.recs.delete(m.id);
      delete this.answers[m.id];
      delete this.active[m.id];
    }
  }
}

export const streams = new StreamStore();
