// Mirrors backend/events/events.go (StreamEvent, event "brook:stream").
import type { Message } from '../types';

export const STREAM_EVENT = 'brook:stream';

/**
 * queued: waiting in Brook's own per-endpoint queue (`ahead` says how many are before it);
 * waiting: request sent, nothing back yet (`waitingFor` says for what);
 * streaming: text arriving; recovering: the stream broke (`waitingFor` says how it is recovered);
 * final: over (`state` says how).
 */
export type StreamPhase = 'queued' | 'waiting' | 'streaming' | 'recovering' | 'final';
/**
 * While waiting: 'model_load' | 'first_token'; while recovering: 'continue' | 'reask', or
 * 'server_stuck' when the request has had no answer for long while Ollama answers with the model loaded.
 */
export type WaitingFor = 'model_load' | 'first_token' | 'continue' | 'reask' | 'server_stuck';
export type FinalState = 'complete' | 'stopped' | 'interrupted' | 'failed';

export interface StreamEvent {
  messageId: number;
  conversationId: number;
  seq: number;
  phase: StreamPhase;
  /** Delta text; starts at UTF-16 offset `at` of the answer. Omitted when empty. */
  text?: string;
  at: number;
  /**
   * Delta of the model's reasoning; starts at UTF-16 offset `reasoningAt` of the
   * reasoning so far (Go omits the offset when 0). Reasoning comes before the answer's text.
   */
  reasoning?: string;
  reasoningAt?: number;
  tokensPerSecond?: number;
  /** Broken-stream reason while recovering, e.g. "dropped", "idle_timeout". */
  reason?: string;
  /** queued only: how many answers are before this one (Go omits 0). */
  ahead?: number;
  /** waiting: 'model_load' | 'first_token'; recovering: 'continue' | 'reask'. */
  waitingFor?: WaitingFor;
  /** Unix ms (Go's clock) when the current wait (queued, waiting, recovering) began; compare with Date.now(). */
  since?: number;
  // final only:
  state?: FinalState;
  /**
   * The answer as stored, the same as ConversationService.GetMessage returns.
   * Go leaves it out when it is big (`messageOmitted`) or could not be read
   * back; the UI then fetches it.
   */
  message?: Message;
  messageOmitted?: boolean;
}
