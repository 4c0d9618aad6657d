// Collects items and hands them over in batches: at most once per animation
// frame, and, with `minInterval`, at most once per that many ms, so the UI does
// one update per slot however many stream events arrive. Urgent items (a
// phase change, the end of an answer) skip the wait.

export interface FrameScheduler {
  request(cb: () => void): unknown;
  cancel(handle: unknown): void;
}

export const timeoutScheduler: FrameScheduler = {
  request: (cb) => setTimeout(cb, 16),
  cancel: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export const animationFrameScheduler: FrameScheduler =
  typeof requestAnimationFrame === 'function'
    ? {
        request: (cb) => requestAnimationFrame(() => cb()),
        cancel: (h) => cancelAnimationFrame(h as number),
      }
    : timeoutScheduler;

/** 'now': flush at once (with everything before it); 'frame': at the next frame, whatever the interval. */
export type Urgency = 'now' | 'frame' | undefined;

export interface FrameBatcherOptions<T = unknown> {
  /** Defaults to requestAnimationFrame, or setTimeout(16) where there is none. */
  scheduler?: FrameScheduler;
  /**
   * Flush anyway after this many ms if no frame came: WebKit stops animation
   * frames for hidden/minimised windows, and the answer must still move on.
   * 0 disables. Default 250.
   */
  maxDelayMs?: number;
  /**
   * Least ms from the start of one flush to the next, asked again for each
   * batch (so it can adapt to what a flush costs). Default: none, every frame.
   */
  minInterval?: () => number;
  /** Which items may not wait for the interval. */
  urgency?: (item: T) => Urgency;
  /** The clock for minInterval (ms). Default performance.now. */
  now?: () => number;
}

export class FrameBatcher<T> {
  private items: T[] = [];
  private frame: unknown = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private delay: ReturnType<typeof setTimeout> | null = null;
  private readonly scheduler: FrameScheduler;
  private readonly maxDelayMs: number;
  private readonly minInterval: (() => number) | undefined;
  private readonly urgency: ((item: T) => Urgency) | undefined;
  private readonly now: () => number;
  private lastFlush = -Infinity;
  private disposed = false;
  /** True while onFlush runs from an animation frame (the browser renders right after it). */
  inFrame = false;

  constructor(
    private readonly onFlush: (items: T[]) => void,
    opts: FrameBatcherOptions<T> = {},
  ) {
    this.scheduler = opts.scheduler ?? animationFrameScheduler;
    this.maxDelayMs = opts.maxDelayMs ?? 250;
    this.minInterval = opts.minInterval;
    this.urgency = opts.urgency;
    this.now = opts.now ?? (() => performance.now());
  }

  /** Items waiting for the next flush. */
  get pending(): number {
    return this.items.length;
  }

  push(item: T): void {
    if (this.disposed) return;
    this.items.push(item);
    const u = this.urgency?.(item);
    if (u === 'now') {
      this.flush();
      return;
    }
    if (this.frame !== null) return; // the next frame takes everything
    const wait = u === 'frame' || !this.minInterval ? 0 : this.lastFlush + this.minInterval() - this.now();
    if (wait > 0) {
      this.delay ??= setTimeout(() => {
        this.delay = null;
        this.requestFrame();
      }, wait);
      return;
    }
    if (this.delay !== null) {
      clearTimeout(this.delay);
      this.delay = null;
    }
    this.requestFrame();
  }

  /** Flushes now (e.g. before unmount, or when the final event arrives). */
  flush(): void {
    this.cancelScheduled();
    if (this.items.length === 0) return;
    const batch = this.items;
    this.items = [];
    this.lastFlush = this.now();
    this.onFlush(batch);
  }

  /** Drops pending items and stops scheduling. */
  dispose(): void {
    this.disposed = true;
    this.cancelScheduled();
    this.items = [];
  }

  private requestFrame(): void {
    if (this.frame !== null) return;
    this.frame = this.scheduler.request(() => {
      this.frame = null;
      this.inFrame = true;
      try {
        this.flush();
      } finally {
        this.inFrame = false;
      }
    });
    if (this.maxDelayMs > 0 && this.timer === null) this.timer = setTimeout(() => this.flush(), this.maxDelayMs);
  }

  private cancelScheduled(): void {
    if (this.frame !== null) {
      this.scheduler.cancel(this.frame);
      this.frame = null;
    }
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.delay !== null) {
      clearTimeout(this.delay);
      this.delay = null;
    }
  }
}
