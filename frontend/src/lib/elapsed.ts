// Live "waiting · 12 s" counters. A model may wait or think for minutes; a
// counter that woke the window every second for all that time would cost CPU
// for nothing, so it counts every second only for the first 5 s, then every
// 5 s, then every 15 s. It is a setTimeout chain, never an interval or an
// animation. Each step costs the machine more than its few pixels: WebKit
// wakes its display link, Brook's process and the web process trade about a
// dozen messages, and a step took 10–35 ms of CPU across the three processes
// (bench-results/window.md, waiting for the first token).
// A coarse counter skips the seconds: it counts a wait that follows a long
// silence (a stream asked again after 20 s with no word), whose first
// seconds tell the user nothing new.

/** How long an answer is silent before a wait that follows is counted coarsely. */
export const COARSE_AFTER_SILENT_MS = 10_000;

/** How long a counter moves by the second; a wait that lasts longer has shown it is alive. */
const BY_THE_SECOND_UNTIL = 5;

/** How many seconds a counter moves at a time, `seconds` into a wait. */
export function counterStep(seconds: number, coarse = false): number {
  return seconds < BY_THE_SECOND_UNTIL && !coarse ? 1 : seconds < 60 ? 5 : 15;
}

/** The whole seconds a counter shows `elapsedMs` into a wait: rounded down to its step. */
export function shownSeconds(elapsedMs: number, coarse = false): number {
  const s = Math.max(0, Math.floor(elapsedMs / 1000));
  const step = counterStep(s, coarse);
  return s - (s % step);
}

/** Milliseconds from `elapsedMs` until the shown value changes. */
export function nextChangeIn(elapsedMs: number, coarse = false): number {
  if (elapsedMs < 0) return Math.min(1000, -elapsedMs);
  const s = Math.floor(elapsedMs / 1000);
  const step = counterStep(s, coarse);
  return (s - (s % step) + step) * 1000 - elapsedMs;
}

/**
 * Calls onTick(now) at once and then whenever the counter of a wait that began
 * at `start` (Unix ms) changes; the returned function stops it.
 */
export function countFrom(
  start: number,
  onTick: (now: number) => void,
  clock: () => number = Date.now,
  coarse = false,
): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const step = () => {
    const now = clock();
    onTick(now);
    timer = setTimeout(step, Math.max(1, nextChangeIn(now - start, coarse)));
  };
  step();
  return () => clearTimeout(timer);
}
