// The fake ContextService: the fake model window (FAKE_WINDOW, 4,096 tokens
// that can grow to 32,768) and a plain estimate of four characters a token,
// over the fake's stored messages and each conversation's choice.
import type { Services } from '../bound';
import type { ContextChoice, ContextView, Message } from '../types';
import { FAKE_WINDOW } from './data';
import type { FakeParts } from './parts';

const RESERVE = 512;

const tokensOf = (text: string) => Math.ceil(text.length / 4) + 4;

/** Fits a conversation's messages and draft to the fake window, as Go's contextwindow.Fit does. */
export function fakePlan(messages: Message[], draft: string, choice: ContextChoice): ContextView {
  const history = messages.filter((m) => m.content).map((m) => ({ id: m.id, tokens: tokensOf(m.content) }));
  const question = draft ? tokensOf(draft) : 0;
  const needed = RESERVE + question + history.reduce((n, m) => n + m.tokens, 0);
  const fits = needed <= FAKE_WINDOW.tokens;
  const growTo = !fits && needed <= FAKE_WINDOW.max ? Math.ceil(needed / 2048) * 2048 : 0;
  const leaveOut = (limit: number) => {
    const out: number[] = [];
    let over = needed - limit;
    for (const m of history) {
      if (over <= 0) break;
      out.push(m.id);
      over -= m.tokens;
    }
    return out;
  };
  const leaveOutCount = fits ? 0 : leaveOut(FAKE_WINDOW.tokens).length;
  const grow = !fits && choice !== 'leave_out';
  const limit = grow ? growTo || FAKE_WINDOW.max : FAKE_WINDOW.tokens;
  const leftOut = fits ? [] : leaveOut(limit);
  const sentHistory = history.filter((m) => !leftOut.includes(m.id)).reduce((n, m) => n + m.tokens, 0);
  return {
    window: { ...FAKE_WINDOW },
    limit,
    numCtx: grow ? limit : 0,
    used: RESERVE + question + sentHistory,
    system: 0,
    history: sentHistory,
    documents: 0,
    question,
    reserve: RESERVE,
    needed,
    fits,
    exact: false,
    leftOut,
    choice,
    needsChoice: !fits && choice === '' && leaveOutCount > 0,
    growTo,
    growBytes: growTo ? (growTo - FAKE_WINDOW.tokens) * (FAKE_WINDOW.bytesPerToken ?? 0) : 0,
    leaveOutCount,
    tooLong: false,
    ratio: 0,
    lastSent: 0,
    lastLeftOut: 0,
  };
}

export function fakeContextService({ fake }: FakeParts): Services['ContextService'] {
  const { db } = fake;
  return {
    async Plan(id, _endpointId, _model, draft) {
      const conv = db.conversations.find((c) => c.id === id);
      const messages = db.messages.filter((m) => m.conversationId === id);
      return fakePlan(messages, draft, (conv?.contextChoice ?? '') as ContextChoice);
    },
    async SetChoice(id, choice) {
      const conv = db.conversations.find((c) => c.id === id);
      if (conv) conv.contextChoice = choice;
    },
  };
}
