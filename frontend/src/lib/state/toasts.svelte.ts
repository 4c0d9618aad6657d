// Toasts: short messages at the bottom of the window. Every failed call to Go
// ends here (fail), with the reason Go gave, in plain words.
import { errorText } from '../api';
import { announcer } from './announcer.svelte';

export interface Toast {
  id: number;
  text: string;
  kind: 'info' | 'error';
  action?: { label: string; run: () => void };
}

const LOG_MAX = 30;
const INFO_MS = 6000;
const ERROR_MS = 9000;

export class ToastStore {
  toasts = $state<Toast[]>([]);
  /** The last toasts shown, kept for test-mode reports. */
  readonly log: string[] = [];
  private seq = 0;
  private timers = new Map<number, ReturnType<typeof setTimeout>>();

  /** Shows a toast for `ms` milliseconds; returns its id. */
  show(text: string, kind: Toast['kind'] = 'info', action?: Toast['action'], ms = INFO_MS): number {
    const id = ++this.seq;
    this.log.push(text);
    if (this.log.length > LOG_MAX) this.log.shift();
    this.toasts.push({ id, text, kind, action });
    announcer.say(text, kind === 'error' ? 'assertive' : 'polite');
    this.timers.set(id, setTimeout(() => this.dismiss(id), ms));
    return id;
  }

  /** An error toast: "what: the reason" (the reason as Go or the browser gave it). */
  fail(what: string, e: unknown): number {
    return this.show(`${what}: ${errorText(e)}`, 'error', undefined, ERROR_MS);
  }

  dismiss(id: number): void {
    const t = this.timers.get(id);
    if (t !== undefined) clearTimeout(t);
    this.timers.delete(id);
    if (this.toasts.some((x) => x.id === id)) this.toasts = this.toasts.filter((x) => x.id !== id);
  }

  /** Removes every toast and its timer (tests). */
  clear(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.toasts = [];
  }
}

export const toasts = new ToastStore();
