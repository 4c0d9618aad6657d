// Words for a reasoning model's thinking: the Thinking header, "Copy with
// reasoning", and the per-conversation Thinking setting.
import { CAPABILITY_THINKING, type EndpointKindInfo, type ModelInfo, type Think } from './api';

/** "42 s", "1 min 5 s". */
export function formatSeconds(s: number): string {
  const n = Math.max(0, Math.floor(s));
  return n < 60 ? `${n} s` : `${Math.floor(n / 60)} min ${n % 60} s`;
}

export type ThinkingEnd = 'stopped' | 'interrupted' | 'failed';

/**
 * The Thinking header. `thinking`: the model is reasoning right now, `seconds`
 * so far; else `ms` is how long it reasoned (undefined: not known), and `ended`
 * says the answer ended while it was still reasoning.
 */
export function thinkingLabel(o: { thinking: boolean; seconds?: number; ms?: number; ended?: ThinkingEnd }): string {
  if (o.thinking) {
    const s = o.seconds ?? 0;
    return s >= 1 ? `Thinking · ${formatSeconds(s)}` : 'Thinking…';
  }
  const secs = o.ms && o.ms > 0 ? Math.max(1, Math.round(o.ms / 1000)) : undefined;
  if (o.ended) return `Thinking (${o.ended})` + (secs ? ` · ${formatSeconds(secs)}` : '');
  return secs ? `Thought for ${formatSeconds(secs)}` : 'Reasoning';
}

/**
 * What "Copy with reasoning" copies: the reasoning as a Markdown quote block
 * headed "Reasoning:", then the answer as it is. Reads well pasted as plain
 * text too, and the answer's own Markdown (code fences…) stays untouched.
 */
export function withReasoning(reasoning: string, answer: string): string {
  const r = reasoning.replace(/\s+$/, '');
  if (!r) return answer;
  const quoted = ['Reasoning:', '', ...r.split(/\r?\n/)].map((l) => (l ? `> ${l}` : '>')).join('\n');
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
    { value: 'low', label: 'Low' },
    { value: 'medium', label: 'Medium' },
    { value: 'high', label: 'High' },
  ];
  const def: ThinkOption = { value: '', label: "Model's default" };
  if (kind && !kind.caps.thinkOnOff) return [def, ...levels];
  // A kind that turns thinking on and off, or one not known (yet): every value; the server refuses what it cannot do.
  return [def, { value: 'on', label: 'On' }, { value: 'off', label: 'Off' }, ...levels];
}

/** true/false when the server said what the model can do; undefined when it did not. */
export function canThink(m: ModelInfo | undefined): boolean | undefined {
  if (!m?.capabilities?.length) return undefined;
  return m.capabilities.includes(CAPABILITY_THINKING);
}
