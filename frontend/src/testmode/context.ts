// The context window in the real window: a conversation longer than its
// model's window shows the meter and the choice, and loses no message
// without saying so (e2e/context_test.go checks it against the real Ollama).
import { tick } from 'svelte';
import { chat } from '../lib/state/chat.svelte';
import { contextMeter } from '../lib/state/context.svelte';
import { $, $$, click, frame, pressEnter, setValue, shownMessages, waitFor } from './dom';
import { newChat, ready, send, settled } from './steps';

type Scenario = (arg: string) => Promise<Record<string, unknown>>;

const words = 'the river runs past the old mill and the children watch the water carry leaves toward the sea'.split(' ');

/** About n characters of English, numbered so each message differs. */
function paragraph(i: number, n: number): string {
  let s = `Part ${i}. `;
  for (let j = 0; s.length < n; j++) s += words[j % words.length] + ' ';
  return s.trim();
}

const text = (testid: string) => ($(testid)?.textContent ?? '').replace(/\s+/g, ' ').trim();

/** The meter after the conversation's plan was fetched again. */
async function meter(): Promise<Record<string, unknown>> {
  await waitFor(() => !chat.streaming && contextMeter.view, 'the meter');
  await frame();
  const v = contextMeter.view!;
  return {
    figure: text('context-figure'),
    breakdown: text('context-breakdown'),
    used: v.used,
    reserve: v.reserve,
    limit: v.limit,
    numCtx: v.numCtx,
    leftOut: v.leftOut,
    lastSent: v.lastSent,
    notSentShown: $$('not-sent').map((el) => Number(el.closest<HTMLElement>('[data-testid="message"]')?.dataset.messageId)),
  };
}

/**
 * Sends one message that fits, then one that takes the conversation past
 * the window: the choice shows before anything is sent; the user picks
 * (arg: "grow" or "leave_out") and the message goes as chosen.
 */
async function overflow(choice: string): Promise<Record<string, unknown>> {
  await ready();
  await newChat();
  const first = await send(paragraph(1, 1500));
  await settled(first);
  const before = await meter();

  const composer = $('composer') as HTMLTextAreaElement;
  const second = paragraph(2, 1500);
  const count = shownMessages().length;
  setValue(composer, second);
  await tick();
  pressEnter(composer);
  await waitFor(() => $('context-choice'), 'the choice before sending');
  await frame();
  const offered = {
    text: text('context-choice'),
    grow: text('context-grow'),
    leaveOut: text('context-leave-out'),
    sentMeanwhile: shownMessages().length !== count,
  };
  // The plan the message will be sent by, as the window says it.
  const planned = { ...contextMeter.view! };
  await click($(choice === 'grow' ? 'context-grow' : 'context-leave-out'), 'the choice');
  const answer = await waitFor(
    () => shownMessages().find((m) => m.role === 'assistant' && m.id > first),
    'the second answer',
    30000,
  );
  const done = await settled(answer.id);
  return {
    conversationId: chat.currentId,
    first,
    answerId: answer.id,
    state: done.state,
    before,
    offered,
    planned: { used: planned.used, reserve: planned.reserve, numCtx: planned.numCtx, leftOut: planned.leftOut, growTo: planned.growTo },
    after: await meter(),
  };
}

/**
 * The documentation screenshot's state: a conversation that has outgrown its
 * window, the choice asked before the message that does not fit is sent, and
 * the meter's breakdown open (its figure focused, as from the keyboard).
 * Returns the meter's figure.
 */
export async function poseContextChoice(): Promise<string> {
  await newChat();
  await settled(await send(paragraph(1, 1500)));
  // The composer asks before sending only by the plan it has: wait until
  // the meter's plan counts the first exchange (a send before that is fitted
  // by Go, growing the window, without asking).
  await waitFor(() => (contextMeter.view?.used ?? 0) > 1000, 'the meter counting the first exchange');
  const composer = $('composer') as HTMLTextAreaElement;
  setValue(composer, paragraph(2, 1500));
  await tick();
  pressEnter(composer);
  await waitFor(() => $('context-choice'), 'the choice before sending');
  ($('context-figure') as HTMLButtonElement).focus();
  await frame();
  return text('context-figure');
}

export const contextScenarios: Record<string, Scenario> = {
  overflow,
};
