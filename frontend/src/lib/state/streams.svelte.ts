import { t } from '../i18n/t.svelte';
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
import { api, type Message, type StreamEvent } from '../api';
import { AnswerReconciler, FrameBatcher, type LiveAnswer, type Urgency } from '../stream/reconciler';

export type { LiveAnswer };

type FinalListener = (m: Message) => void;
type StartListener = (messageId: number, conversationId: number) => void;
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
  /** The snapshot each answer in `answers` was made from (`answers` holds reactive copies). */
  private shown = new Map<number, LiveAnswer>();
  private fetching = new Set<number>();
  /** Highest seq of answers already finished, so late duplicates are ignored. */
  private finishedSeq = new Map<number, number>();
  private batcher: FrameBatcher<StreamEvent>;
  private unsub: (() => void) | null = null;
  private finalListeners = new Set<FinalListener>();
  private startListeners = new Set<StartListener>();
  private errorListeners = new Set<ErrorListener>();
  /** The paint interval Go was last told, ms; 0 before the first frame. */
  private toldPace = 0;

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
    this.tellPace();
    if (this.batcher.inFrame) {
      // Called from an animation frame: the browser styles, lays out and paints
      // right after it; a task queued now runs once that is done.
      setTimeout(() => {
        const ms = performance.now() - end;
        perf.add('frame.render', ms);
        this.pacer.recordRender(ms);
        this.tellPace();
      }, 0);
    }
  }

  /**
   * Tells Go how often answers are painted, when that moved by a fifth or
   * more: Go then sends no more events than are painted (a steady stream
   * settles on one interval, so this is said a few times an answer at most).
   */
  private tellPace(): void {
    const ms = Math.round(this.pacer.interval);
    if (this.toldPace && Math.abs(ms - this.toldPace) < this.toldPace / 5) return;
    this.toldPace = ms;
    api.ChatService.SetPaintInterval(ms).catch((e) => console.error('brook: the paint interval was not told', e));
  }

  /** Subscribe once at app start, before any Send; and read the words for answers' reasons. */
  start(): void {
    this.toldPace = 0; // a new subscription tells Go the pace again
    if (this.unsub) return;
    this.unsub = api.events.onStream((ev) => {
      perf.events++;
      this.batcher.push(ev);
    });
    loadReasonTexts().catch((e) => this.report(t('streams.couldNotReadReasons'), e));
  }

  stop(): void {
    this.unsub?.();
    this.unsub = null;
  }

  onFinal(cb: FinalListener): () => void {
    this.finalListeners.add(cb);
    return () => this.finalListeners.delete(cb);
  }

  /** An answer began running (once per run, not per token): for the screen reader's "Answering…". */
  onStart(cb: StartListener): () => void {
    this.startListeners.add(cb);
    return () => this.startListeners.delete(cb);
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
        t('streams.couldNotReadAnswer'),
        stale,
        async () => {
          const stored = await api.ConversationService.GetMessage(m.id);
          if (stale() && stored.state !== 'streaming') this.finalize(stored);
        },
        () => this.giveUp(m.id, m.conversationId, m.content, m.reasoning ?? ''),
      );
      return;
    }
    const r = new AnswerReconciler({ messageId: m.id, conversationId: m.conversationId, text: m.content, reasoning: m.reasoning ?? '' });
    this.recs.set(m.id, r);
    this.sync(r);
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
      t('streams.couldNotCheck'),
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
          this.report(t('streams.gaveUp', { what, n: attempt + 1 }), e);
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
      r = new AnswerReconciler({ messageId: id, conversationId, text, reasoning });
      this.recs.set(id, r);
    }
    if (r.phase !== 'final') r.reset(r.text, 'interrupted', r.reasoning);
    this.sync(r);
  }

  /** Applies the answer as stored; a stored answer that is over goes to the onFinal listeners. */
  private applyStored(r: AnswerReconciler, m: Message): void {
    r.reset(m.content, m.state === 'streaming' ? undefined : m.state, m.reasoning ?? '');
    this.sync(r);
    if (m.state !== 'streaming') this.finalize(m);
  }

  /** Forget an answer before it is restarted (Retry/Continue): the next run starts fresh. */
  forget(messageId: number): void {
    this.recs.delete(messageId);
    this.shown.delete(messageId);
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
      r = new AnswerReconciler({ messageId: ev.messageId, conversationId: ev.conversationId });
      this.recs.set(ev.messageId, r);
    }
    const res = r.apply(ev);
    this.sync(r);
    if (res === 'needs-fetch') void this.fetch(ev.messageId, ev.conversationId, r);
    else if (res === 'applied' && ev.message) this.finalize(ev.message);
  }

  /** Shows the reconciler's snapshot of an answer, when it changed. */
  private sync(r: AnswerReconciler): void {
    const next = r.snapshot();
    const id = next.messageId;
    if (this.shown.get(id) === next) return;
    this.shown.set(id, next);
    this.answers[id] = next;
    if (next.phase !== 'final') {
      if (this.active[id] !== next.conversationId) {
        const began = !(id in this.active);
        this.active[id] = next.conversationId;
        if (began) for (const l of this.startListeners) l(id, next.conversationId);
      }
    } else if (id in this.active) delete this.active[id];
  }

  /** The events could not be applied (a gap, or a final event without its message): read the answer as stored. */
  private async fetch(id: number, conversationId: number, r: AnswerReconciler): Promise<void> {
    if (this.fetching.has(id)) return;
    this.fetching.add(id);
    const needed = () => this.recs.get(id) === r && r.needsFetch;
    try {
      await this.persist(
        t('streams.couldNotReadAnswer'),
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
      this.shown.delete(m.id);
      delete this.answers[m.id];
      delete this.active[m.id];
    }
  }
}

export const streams = new StreamStore();
