// Mirrors backend/events/events.go (StreamEvent, event "brook:stream").

export const STREAM_EVENT = 'brook:stream';

export type StreamPhase = 'waiting' | 'streaming' | 'recovering' | 'final';
export type FinalState = 'complete' | 'stopped' | 'interrupted' | 'failed';

export interface StreamEvent {
  messageId: number;
  conversationId: number;
  seq: number;
  phase: StreamPhase;
  /** Delta text; starts at UTF-16 offset `at` of the answer. Omitted when empty. */
  text?: string;
  at: number;
  tokensPerSecond?: number;
  /** Broken-stream reason while recovering, e.g. "dropped", "idle_timeout". */
  reason?: string;
  // final only:
  state?: FinalState;
  /** Authoritative answer when small (the Go side omits it when empty). */
  fullText?: string;
  fullTextOmitted?: boolean;
  /** UTF-16 length of the final text (omitted when 0). */
  length?: number;
}
