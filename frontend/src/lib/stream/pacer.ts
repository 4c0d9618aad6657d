// An adaptive frame budget: how long the stream → DOM path waits between two
// updates of a streaming answer, from what an update costs. An update costs
// main-thread time (applying events, Markdown, Svelte's DOM patch: `js`, then
// the browser's style, layout and paint: `render`), and under software
// rendering most of a frame's cost does not depend on how much changed. So
// updates are spaced to keep their cost near `share` of the wall time,
// between `minMs` and `maxMs`: cheap frames give a smooth answer, expensive
// ones a coarser one, and the CPU a frame takes per second stays bounded.
//
// What is measured is main-thread time; WebKit's other threads and processes
// (painting, the UI process showing the frame) add about as much again. With
// software rendering (no GPU) a frame of a long answer costs ~10 ms there, so
// the default 2% gives ~2 updates a second (3% measured 0.4 CPU-s more for
// a 1,500-token answer at 50 tokens/s); where frames are cheap (a GPU)
// updates come up to 20 times a second. Go is told the interval and sends no
// more often (streams.svelte.ts).

export interface PacerOptions {
  /** Fraction of wall time updates may take (main-thread time). Default 0.02. */
  share?: number;
  /** Shortest interval, ms. Default 50. */
  minMs?: number;
  /** Longest interval, ms. Default 500. */
  maxMs?: number;
  /** Weight of the newest measurement in the running averages. Default 0.25. */
  alpha?: number;
}

export class FramePacer {
  /** Current interval between updates, ms. */
  interval: number;
  /** Running averages of the two parts of a frame's cost, ms. */
  js = 0;
  render = 0;
  readonly share: number;
  readonly minMs: number;
  readonly maxMs: number;
  private readonly alpha: number;
  private seenJs = false;
  private seenRender = false;

  constructor(opts: PacerOptions = {}) {
    this.share = opts.share ?? 0.02;
    this.minMs = opts.minMs ?? 50;
    this.maxMs = opts.maxMs ?? 500;
    this.alpha = opts.alpha ?? 0.25;
    this.interval = this.minMs;
  }

  /** A frame's main-thread script time (ms). */
  recordJs(ms: number): void {
    this.js = this.seenJs ? this.average(this.js, ms) : ms;
    this.seenJs = true;
    this.update();
  }

  /** The rendering after a frame's script (ms). */
  recordRender(ms: number): void {
    this.render = this.seenRender ? this.average(this.render, ms) : ms;
    this.seenRender = true;
    this.update();
  }

  /** A running average in which one outlier (a GC pause, a busy machine) counts at most 3× the average. */
  private average(avg: number, ms: number): number {
    return avg + this.alpha * (Math.min(ms, 3 * avg + 1) - avg);
  }

  private update(): void {
    const want = (this.js + this.render) / this.share;
    this.interval = Math.min(this.maxMs, Math.max(this.minMs, want));
  }
}
