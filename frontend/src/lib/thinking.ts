import { t } from './i18n/t.svelte';
// A reasoning model's thinking: how long it thought (the one place the
// window works that out), the Thinking header's words, "Copy with reasoning",
// and the per-conversation Thinking setting.
//
// Go measures how long a model thought and stores it with the answer
// (thinkingMs, in the final event's message): that is the time of every
// answer that is over. While an answer runs the window has only what it
// sees: the thinking began at the first reasoning with no answer text yet and
// ended at the first answer text (a span the stream reconciler keeps).
import { CAPABILITY_THINKING, type EndpointKindInfo, type MessageState, type ModelInfo, type Think } from './types';
import type { FinalState } from './stream/types';

/** "42 s", "1 min 5 s". */
export function formatSeconds(s: number): string {
  const n = Math.max(0, Math.floor(s));
  return n < 60 ? t('units.seconds', { n }) : t('units.minutesSeconds', { m: Math.floor(n / 60), s: n % 60 });
}

export type ThinkingEnd = 'stopped' | 'interrupted' | 'failed';

/** The thinking the window saw: Date.now() when it began and when it ended (undefined: not seen). */
export interface ThinkingSpan {
  since?: number;
  until?: number;
}

/**
 * The span after one more look at a running answer: it begins at the first
 * reasoning with no answer text, and ends at the first answer text or the end
 * of the answer. Once set, neither moves; an unchanged span is returned as it is.
 */
export function seeThinking(span: ThinkingSpan, a: { reasoning: string; text: string; over: boolean }, now: number): ThinkingSpan {
  const since = span.since ?? (a.reasoning && !a.text && !a.over ? now : undefined);
  const until = span.until ?? (since !== undefined && (a.text || a.over) ? now : undefined);
  return since === span.since && until === span.until ? span : { since, until };
}

/** What the Thinking section of an answer shows. */
export interface ThinkingView {
  /** The model is reasoning right now: no answer text yet. */
  thinking: boolean;
  /** Date.now() when the live thinking began. */
  since?: number;
  /** How long it thought, when that is known. */
  ms?: number;
  /** The answer ended while the model was still reasoning. */
  ended?: ThinkingEnd;
}

/**
 * The Thinking section of an answer. `storedMs` is Go's thinkingMs, which wins
 * once the answer is over; before that, the span the window saw.
 */
export function thinkingView(a: {
  state: MessageState | FinalState;
  text: string;
  reasoning: string;
  storedMs?: number;
  span?: ThinkingSpan;
}): ThinkingView {
  const running = a.state === 'streaming';
  const thinking = running && !!a.reasoning && !a.text;
  let ms = a.storedMs || undefined;
  if ((running || !ms) && a.span?.since !== undefined && a.span.until !== undefined) ms = a.span.until - a.span.since;
  const ended = !running && !a.text && (a.state === 'stopped' || a.state === 'interrupted' || a.state === 'failed') ? a.state : undefined;
  return { thinking, since: a.span?.since, ms, ended };
}

/**
 * The Thinking header. `thinking`: the model is reasoning right now, `seconds`
 * so far; else `ms` is how long it reasoned (undefined: not known), and `ended`
 * says the answer ended while it was still reasoning.
 */
export function thinkingLabel(o: { thinking: boolean; seconds?: number; ms?: number; ended?: ThinkingEnd }): string {
  if (o.thinking) {
    const s = o.seconds ?? 0;
    return s >= 1 ? t('thinking.thinkingFor', { time: formatSeconds(s) }) : t('thinking.thinking');
  }
  const secs = o.ms && o.ms > 0 ? Math.max(1, Math.round(o.ms / 1000)) : undefined;
  if (o.ended) return secs ? t('thinking.endedAfter', { state: o.ended, time: formatSeconds(secs) }) : t('thinking.ended', { state: o.ended });
  return secs ? t('thinking.thoughtFor', { time: formatSeconds(secs) }) : t('thinking.reasoning');
}

/**
 * What "Copy with reasoning" copies: the reasoning as a Markdown quote block
 * headed "Reasoning:", then the answer as it is. Reads well pasted as plain
 * text too, and the answer's own Markdown (code fences…) stays untouched.
 */
export function withReasoning(reasoning: string, answer: string): string {
  const r = reasoning.replace(/\s+$/, '');
  if (!r) return answer;
  const quoted = [t('thinking.reasoningHeading'), '', ...r.split(/\r?\n/)].map((l) => (l ? `> ${l}` : '>')).join('\n');
  const a = answer.replace(/^\s+/, '');
  return a ? `${quoted}\n\n${a}` : quoted;
}

export interface ThinkOption {
  value: Think;
  label: string;
}

/**
 * The Thinking choices an endpoint's kind understands: on and off where the kind
 * turns thinking on and off (Ollama's think), and the levels (OpenAI-compatible
 * reasoning_effort; gpt-oss on Ollama). A kind not known gets them all.
 */
export function thinkOptions(kind: EndpointKindInfo | undefined): ThinkOption[] {
  const levels: ThinkOption[] = [
    { value: 'low', label: t('thinking.low') },
    { value: 'medium', label: t('thinking.medium') },
    { value: 'high', label: t('thinking.high') },
  ];
  const def: ThinkOption = { value: '', label: t('thinking.modelsDefault') };
  if (kind && !kind.caps.thinkOnOff) return [def, ...levels];
  // A kind that turns thinking on and off, or one not known (yet): every value; the server refuses what it cannot do.
  return [def, { value: 'on', label: t('thinking.on') }, { value: 'off', label: t('thinking.off') }, ...levels];
}

/** true/false when the server said what the model can do; undefined when it did not. */
export function canThink(m: ModelInfo | undefined): boolean | undefined {
  if (!m?.capabilities?.length) return undefined;
  return m.capabilities.includes(CAPABILITY_THINKING);
}
