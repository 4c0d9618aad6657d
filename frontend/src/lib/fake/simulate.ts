// The fake backend's simulated answers (FakeApi.simulate): queued, waiting,
// thinking, then streaming in chunks, as Go's engine sends them; and Stop.
import type { Message } from '../types';
import type { FakeParts } from './parts';

export class Simulator {
  /** Answers stopped (Stop, AskNow): their simulation sends nothing more. */
  readonly stopped = new Set<number>();
  /** Date.now() when a simulated answer began to think. */
  readonly thinkingSince = new Map<number, number>();

  constructor(private readonly parts: FakeParts) {}

  /** Stops an answer; one stopped while thinking keeps how long it thought so far. */
  stop(m: Message): void {
    this.stopped.add(m.id);
    const t0 = this.thinkingSince.get(m.id);
    if (t0 !== undefined && !m.thinkingMs) m.thinkingMs = Date.now() - t0;
  }

  /** Streams a simulated answer to m (when FakeApi.simulate is set). */
  start(m: Message): void {
    const { fake, nextSeq, emitFinal } = this.parts;
    const { stopped, thinkingSince } = this;
    const sim = fake.simulate;
    if (!sim) return;
    stopped.delete(m.id);
    thinkingSince.delete(m.id);
    const refused = this.thinkRefusal(m);
    if (refused) {
      setTimeout(() => {
        m.state = 'failed';
        m.error = refused;
        emitFinal(m);
      }, sim.intervalMs);
      return;
    }
    let pos = 0;
    let rpos = 0;
    const reasoning = sim.reasoning ?? '';
    let ahead = sim.queuedAhead;
    const queued = () => {
      if (stopped.has(m.id)) return;
      if (ahead === undefined || ahead < 0) return waiting();
      fake.emitQueued(m.id, ahead);
      ahead--;
      setTimeout(queued, sim.intervalMs);
    };
    const waiting = () => {
      if (stopped.has(m.id)) return;
      if (sim.waitingFor || sim.waitMs) fake.emitWaiting(m.id, sim.waitingFor ?? 'first_token');
      else fake.emit({ messageId: m.id, conversationId: m.conversationId, seq: nextSeq(m.id), phase: 'waiting', at: m.content.length });
      setTimeout(tick, sim.intervalMs + (sim.waitMs ?? 0));
    };
    const tick = () => {
      if (stopped.has(m.id)) return;
      if (rpos < reasoning.length) {
        // Thinking first: reasoning deltas with their own offsets (Go omits reasoningAt when 0).
        const piece = reasoning.slice(rpos, rpos + sim.chunk);
        const reasoningAt = (m.reasoning ?? '').length;
        if (!thinkingSince.has(m.id)) thinkingSince.set(m.id, Date.now());
        m.reasoning = (m.reasoning ?? '') + piece;
        rpos += piece.length;
        fake.emit({ messageId: m.id, conversationId: m.conversationId, seq: nextSeq(m.id), phase: 'streaming', reasoning: piece, reasoningAt: reasoningAt || undefined, at: m.content.length, tokensPerSecond: 40 });
        setTimeout(tick, sim.intervalMs);
        return;
      }
      const t0 = thinkingSince.get(m.id);
      if (t0 !== undefined && !m.thinkingMs) m.thinkingMs = Date.now() - t0;
      if (pos >= sim.text.length) {
        m.state = 'complete';
        m.tokensPerSecond = 42;
        m.firstTokenMs = 120;
        emitFinal(m);
        return;
      }
      const piece = sim.text.slice(pos, pos + sim.chunk);
      const at = m.content.length;
      m.content += piece;
      pos += piece.length;
      fake.emit({ messageId: m.id, conversationId: m.conversationId, seq: nextSeq(m.id), phase: 'streaming', text: piece, at, tokensPerSecond: 40 });
      setTimeout(tick, sim.intervalMs);
    };
    queued();
  }

  /** Ollama's refusal when a conversation asks a model that cannot think to think. */
  private thinkRefusal(m: Message): string {
    const { db } = this.parts.fake;
    const c = db.conversations.find((c) => c.id === m.conversationId);
    const think = c?.params.think;
    if (!think || think === 'off') return '';
    const model = m.model ?? c?.model ?? '';
    const info = db.models.flatMap((e) => e.models).find((x) => x.name === model);
    if (!info?.capabilities?.length || info.capabilities.includes('thinking')) return '';
    return `The model ${model} cannot think, so the server refused to turn thinking on ("${model}" does not support thinking). Set Thinking to "Model's default" in this conversation's settings.`;
  }
}
