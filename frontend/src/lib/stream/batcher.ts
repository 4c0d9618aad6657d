// Collects items and hands them over at most once per animation frame, so the
// UI does one update per frame however many stream events arrive.

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

export interface FrameBatcherOptions {
  /** Defaults to requestAnimationFrame, or setTimeout(16) where there is none. */
  scheduler?: FrameScheduler;
  /**
   * Flush anyway after this many ms if no frame came: WebKit stops animation
   * frames for hidden/minimised windows, and the answer must still move on.
   * 0 disables. Default 250.
   */
  maxDelayMs?: number;
}

export class FrameBatcher<T> {
  private items: T[] = [];
  private frame: unknown = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly scheduler: FrameScheduler;
  private readonly maxDelayMs: number;
  private disposed = false;

  constructor(
    private readonly onFlush: (items: T[]) => void,
    opts: FrameBatcherOptions = {},
  ) {
    this.scheduler = opts.scheduler ?? animationFrameScheduler;
    this.maxDelayMs = opts.maxDelayMs ?? 250;
  }

  /** Items waiting for the next flush. */
  get pending(): number {
    return this.items.length;
  }

  push(item: T): void {
    if (this.disposed) return;
    this.items.push(item);
    if (this.frame !== null) return;
    this.frame = this.scheduler.request(() => {
      this.frame = null;
      this.flush();
    });
    if (this.maxDelayMs > 0) this.timer = setTimeout(() => this.flush(), this.maxDelayMs);
  }

  /** Flushes now (e.g. before unmount, or when the final event arrives). */
  flush(): void {
    this.cancelScheduled();
    if (this.items.length === 0) return;
    const batch = this.items;
    this.items = [];
    this.onFlush(batch);
  }

  /** Drops pending items and stops scheduling. */
  dispose(): void {
    this.disposed = true;
    this.cancelScheduled();
    this.items = [];
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
  }
}
