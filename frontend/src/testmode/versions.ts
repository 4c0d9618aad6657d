// Scenarios of message versions in the real window: Retry with the server
// down keeps the old text a version away, Regenerate twice steps through
// ‹ 1 / 3 ›, an edit is a version of the question with its own branch.
import { tick } from 'svelte';
import { chat } from '../lib/state/chat.svelte';
import { $, click, frame, setValue, shownMessages, waitFor, type ShownMessage } from './dom';
import { newChat, openConversation, ready, send, settled, waitFinal } from './steps';
import { conversationList } from '../lib/state/conversationList.svelte';

type Scenario = (arg: string) => Promise<Record<string, unknown>>;

function element(id: number): HTMLElement {
  const el = document.querySelector<HTMLElement>(`[data-testid="message"][data-message-id="${id}"]`);
  if (!el) throw new Error(`message ${id} is not shown`);
  return el;
}

/** The version count shown under message id ("2 / 3"), or "" without versions. */
function count(id: number): string {
  return ($('version-count', element(id))?.textContent ?? '').trim();
}

/** The message shown at place i, once it is not `not` (a new version took its place). */
async function shownAt(i: number, not: number, what: string): Promise<ShownMessage> {
  return waitFor(() => {
    const m = shownMessages()[i];
    return m && m.id > 0 && m.id !== not ? m : null;
  }, what);
}

/** Clicks ‹ or › under message id and waits for another version in its place. */
async function step(id: number, which: 'version-prev' | 'version-next'): Promise<ShownMessage> {
  const i = shownMessages().findIndex((m) => m.id === id);
  await click($(which, element(id)), which);
  const m = await shownAt(i, id, 'the other version');
  await frame();
  return m;
}

export const versionScenarios: Record<string, Scenario> = {
  /** The server breaks the first answer, then goes down; Retry makes a version and the old text stays. */
  async 'retry-down'() {
    await ready();
    await newChat();
    const first = await send('Tell me about rivers');
    const broken = await waitFinal(first);
    await click($('retry', element(first)), 'Retry');
    const retried = await shownAt(1, first, 'the new version');
    const after = await settled(retried.id);
    const countAfter = count(retried.id);
    const back = await step(retried.id, 'version-prev');
    return {
      conversationId: chat.currentId,
      first: { id: first, state: broken.state, plain: broken.plain },
      retry: { id: retried.id, state: after.state, count: countAfter },
      back: { id: back.id, state: back.state, plain: back.plain, count: count(back.id) },
    };
  },

  /** Regenerate twice, then step back through the versions with ‹. */
  async versions() {
    await ready();
    await newChat();
    const first = await send('Hello Brook');
    await settled(first);
    let last = first;
    for (let n = 0; n < 2; n++) {
      await click($('regenerate', element(last)), 'Regenerate');
      last = (await shownAt(1, last, 'the regenerated version')).id;
      await settled(last);
    }
    const steps = [{ id: last, count: count(last), plain: shownMessages()[1].plain }];
    for (let n = 0; n < 2; n++) {
      const m = await step(steps[steps.length - 1].id, 'version-prev');
      steps.push({ id: m.id, count: count(m.id), plain: m.plain });
    }
    return { conversationId: chat.currentId, first, steps, prevDisabled: ($('version-prev', element(first)) as HTMLButtonElement).disabled };
  },

  /** Edit and resend, then switch back to the original question's branch. */
  async 'edit-versions'() {
    await ready();
    await newChat();
    const answer = await send('Original question');
    await settled(answer);
    const conversationId = chat.currentId;
    const original = shownMessages()[0];
    const userEl = element(original.id);
    await click($('edit', userEl), 'Edit');
    const input = (await waitFor(() => $('edit-input', userEl), 'the edit box')) as HTMLTextAreaElement;
    setValue(input, 'Edited question');
    await tick();
    await click($('edit-send', userEl), 'Send');
    const edited = await shownAt(0, original.id, 'the edited question');
    const newAnswer = await waitFor(() => shownMessages()[1], 'the new answer');
    await settled(newAnswer.id);
    const editedBranch = shownMessages();
    const editedCount = count(edited.id);
    await step(edited.id, 'version-prev');
    const originalBranch = shownMessages();
    return { conversationId, sameConversation: chat.currentId === conversationId, editedCount, editedBranch, originalBranch, originalCount: count(original.id) };
  },
};

/** Poses for the README's pictures (see the pose scenario). */
export const versionPoses: Record<string, (value: string) => Promise<void>> = {
  /** An answer regenerated twice, its second version shown: ‹ 2 / 3 ›. */
  async versions(value) {
    await newChat();
    let last = await send(value || 'Give me a name for a small, fast river boat.');
    await settled(last);
    for (let n = 0; n < 2; n++) {
      await click($('regenerate', element(last)), 'Regenerate');
      last = (await shownAt(1, last, 'the regenerated version')).id;
      await settled(last);
    }
    await step(last, 'version-prev');
  },

  /** The newest conversation, whose answer Brook finished after a restart. */
  async resumed() {
    const newest = await waitFor(() => conversationList.items[0]?.id, 'a conversation in the sidebar');
    await openConversation(newest);
    await waitFor(() => document.querySelector('[data-testid="resumed"]'), 'the answer finished after the restart', 60000);
  },
};
