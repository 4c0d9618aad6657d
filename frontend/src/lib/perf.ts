// Where the time of a streamed answer goes: totals per step of the
// stream → DOM path, how many frames changed the DOM, and at what rate. Read
// it from the window (`window.__brookPerf.summary()`, `.toJSON()`) or the Web
// Inspector; nothing is ever logged.
//
// Accumulating costs a few performance.now() calls per applied frame. User
// Timing marks and measures (which WebKit keeps until they are cleared) are
// made only while `trace` is on, so the Web Inspector's timeline can show
// them without the buffer growing for the app's whole life.

export interface Stat {
  count: number;
  /** ms */
  total: number;
  max: number;
  last: number;
}

export class PerfLog {
  stats: Record<string, Stat> = {};
  /** Stream frames that changed what the window shows. */
  frames = 0;
  /** Stream events received. */
  events = 0;
  /** performance.now() of the first and the last frame since reset(). */
  firstFrameAt = 0;
  lastFrameAt = 0;
  /** Also make User Timing marks/measures ("brook:<step>"). */
  trace = false;

  /** Start timing a step; pass the result to end(). */
  begin(name: string): number {
    if (this.trace) performance.mark(`brook:${name}`);
    return performance.now();
  }

  /** End a step begun with begin(); returns its duration in ms. */
  end(name: string, t0: number): number {
    const now = performance.now();
    const ms = now - t0;
    this.add(name, ms);
    // From the step's own start, not its mark: a step begun before trace was
    // switched on has none.
    if (this.trace) performance.measure(`brook:${name}`, { start: t0, end: now });
    return ms;
  }

  /** Adds a measured (or chosen) value to a step. */
  add(name: string, ms: number): void {
    const s = (this.stats[name] ??= { count: 0, total: 0, max: 0, last: 0 });
    s.count++;
    s.total += ms;
    s.last = ms;
    if (ms > s.max) s.max = ms;
  }

  frame(): void {
    const now = performance.now();
    if (!this.frames) this.firstFrameAt = now;
    this.lastFrameAt = now;
    this.frames++;
  }

  /** Frames per second between the first and the last frame since reset(). */
  get fps(): number {
    const s = (this.lastFrameAt - this.firstFrameAt) / 1000;
    return s > 0 ? (this.frames - 1) / s : 0;
  }

  reset(): void {
    this.stats = {};
    this.frames = 0;
    this.events = 0;
    this.firstFrameAt = 0;
    this.lastFrameAt = 0;
    if (this.trace) {
      performance.clearMarks();
      performance.clearMeasures();
    }
  }

  toJSON(): { frames: number; events: number; fps: number; stats: Record<string, Stat & { mean: number }> } {
    const stats: Record<string, Stat & { mean: number }> = {};
    for (const [k, s] of Object.entries(this.stats)) stats[k] = { ...s, mean: s.count ? s.total / s.count : 0 };
    return { frames: this.frames, events: this.events, fps: this.fps, stats };
  }

  /** One line per step: count, total, mean, max (ms). */
  summary(): string {
    const lines = [`frames ${this.frames}, events ${this.events}, ${this.fps.toFixed(1)} frames/s`];
    for (const [k, s] of Object.entries(this.stats).sort()) {
      lines.push(
        `  ${k.padEnd(16)} n=${String(s.count).padStart(5)} total ${s.total.toFixed(1).padStart(8)} ms` +
          `  mean ${(s.total / s.count).toFixed(2).padStart(6)}  max ${s.max.toFixed(1)}`,
      );
    }
    return lines.join('\n');
  }
}

export const perf = new PerfLog();

if (typeof window !== 'undefined') (window as unknown as { __brookPerf: PerfLog }).__brookPerf = perf;
