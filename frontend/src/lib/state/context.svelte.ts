// The composer's context meter: the plan of the open conversation's next
// request against its model's window (ContextService.Plan), fetched when the
// conversation, its messages or its model change and before each send —
// never per token — and the choice asked before sending what does not fit.
import { api, type ContextChoice, type ContextView } from '../api';

export class ContextMeter {
  view = $state<ContextView | null>(null);
  /** The message held back until the user chooses how to fit the window. */
  held = $state<{ text: string; send: () => void } | null>(null);
  /** Messages left out of the next request, marked "not sent" in the window. */
  leftOut = $derived(new Set(this.view?.leftOut ?? []));
  private seq = 0;

  /** Fetches the plan of the next request; an older answer that arrives late is dropped. */
  async refresh(conversationId: number, endpointId: string, model: string, draft = ''): Promise<ContextView | null> {
    const seq = ++this.seq;
    if (!model) {
      this.view = null;
      return null;
    }
    try {
      const v = await api.ContextService.Plan(conversationId, endpointId, model, draft);
      if (seq === this.seq) this.view = v;
      return v;
    } catch {
      // The meter is advice: Go fits every request whatever the meter knows.
      if (seq === this.seq) this.view = null;
      return null;
    }
  }

  /**
   * Whether text might take the conversation past its model's window, by
   * the plan already fetched and a generous guess at the text (three
   * characters a token): only then is Go asked before sending, so the
   * common send stays immediate. Go fits every request anyway, growing the
   * window where the user has not chosen.
   */
  mightNotFit(text: string): boolean {
    const v = this.view;
    if (!v || v.limit === 0 || v.choice !== '') return false;
    const guess = (text.length / 3 + 8) * Math.max(v.ratio, 1);
    return v.used + guess > v.window.tokens;
  }

  /**
   * Checks text before it is sent: true to send now; false when the
   * conversation does not fit and the user has not chosen, in which case
   * send runs once they choose.
   */
  async check(conversationId: number, endpointId: string, model: string, text: string, send: () => void): Promise<boolean> {
    const v = await this.refresh(conversationId, endpointId, model, text);
    if (!v?.needsChoice || conversationId === 0) return true;
    this.held = { text, send };
    return false;
  }

  /** Remembers the choice for the conversation and sends the held message. */
  async choose(conversationId: number, choice: ContextChoice): Promise<void> {
    const held = this.held;
    this.held = null;
    await api.ContextService.SetChoice(conversationId, choice);
    held?.send();
  }

  cancel(): void {
    this.held = null;
  }

  notSent(id: number): boolean {
    return this.leftOut.has(id);
  }
}

export const contextMeter = new ContextMeter();

/** 3100 → "3.1k", 4096 → "4.1k", 950 → "950". */
export function shortTokens(n: number): string {
  if (n < 1000) return String(n);
  const k = n / 1000;
  return (k < 10 ? k.toFixed(1).replace(/\.0$/, '') : Math.round(k).toString()) + 'k';
}

/** Bytes in words: "448 MB", "1.2 GB". */
export function memory(bytes: number): string {
  if (bytes >= 1e9) return (bytes / 1e9).toFixed(1).replace(/\.0$/, '') + ' GB';
  return Math.max(1, Math.round(bytes / 1e6)) + ' MB';
}
