// The steps scenarios are made of: start-up, sending, waiting for answers,
// opening conversations, through the real UI.
import { app } from '../lib/state/app.svelte';
import { chat } from '../lib/state/chat.svelte';
import { conversationList } from '../lib/state/conversationList.svelte';
import { streams } from '../lib/state/streams.svelte';
import { tick } from 'svelte';
import { $, click, frame, pressEnter, setValue, shownMessages, waitFor, type ShownMessage } from './dom';

export const FINAL = new Set(['complete', 'stopped', 'interrupted', 'failed']);

export function lastAnswer(): ShownMessage | undefined {
  return shownMessages().filter((m) => m.role === 'assistant').pop();
}

export async function ready(): Promise<void> {
  await waitFor(() => app.ready, 'the app to load', 20000);
  await waitFor(() => $('composer'), 'the composer');
}

/** Type into the composer and press Enter; returns the id of the new answer. */
export async function send(text: string): Promise<number> {
  const before = new Set(shownMessages().map((m) => m.id));
  const composer = $('composer') as HTMLTextAreaElement;
  setValue(composer, text);
  await tick();
  pressEnter(composer);
  await waitFor(() => shownMessages().some((m) => m.role === 'user' && m.text === text), 'the user message to appear', 5000);
  const answer = await waitFor(
    () => shownMessages().find((m) => m.role === 'assistant' && m.id > 0 && !before.has(m.id)),
    'the answer message',
    15000,
  );
  return answer.id;
}

export function message(id: number): ShownMessage | undefined {
  return shownMessages().find((m) => m.id === id);
}

export async function waitFinal(id: number, timeoutMs = 60000): Promise<ShownMessage> {
  return waitFor(() => {
    const m = message(id);
    return m && FINAL.has(m.state) ? m : null;
  }, `answer ${id} to finish`, timeoutMs);
}

/** Waits until the stored message (stats, recovery mark) has replaced the live answer, and is painted. */
export async function settled(id: number): Promise<ShownMessage> {
  const m = await waitFinal(id);
  await waitFor(() => !(id in streams.answers), `answer ${id} to be replaced by the stored message`);
  await frame();
  return message(id) ?? m;
}

export async function newChat(): Promise<void> {
  await click($('new-chat'), 'New chat');
  await waitFor(() => chat.currentId === 0 && shownMessages().length === 0, 'an empty new chat');
}

export async function openConversation(id: number): Promise<void> {
  const sel = `[data-testid="conversation-item"][data-conversation-id="${id}"] button.open`;
  let item: HTMLElement | null = null;
  try {
    item = await waitFor(() => document.querySelector<HTMLElement>(sel), `conversation ${id} in the sidebar`, 5000);
  } catch (e) {
    throw new Error(
      `conversation ${id} is not in the sidebar (${e instanceof Error ? e.message : String(e)}); ConversationService.List last returned ids [${conversationList.items.map((c) => c.id).join(', ')}]`,
    );
  }
  await click(item, `conversation ${id} in the sidebar`);
  await waitFor(() => chat.currentId === id && !chat.loading, `conversation ${id} to open`);
  await frame();
}

