// Titles in the real window, against the real Ollama: after a chat's first
// answer its title becomes the model's; a chat the user renames (in the
// sidebar, double-click) while its first answer is still coming keeps the
// user's title. e2e/titles_test.go checks the database after Brook quits,
// which waits for any title request still out.
import { $, $$, pressEnter, setValue, waitFor } from './dom';
import { newChat, ready, send, settled } from './steps';
import { chat } from '../lib/state/chat.svelte';
import { conversationList } from '../lib/state/conversationList.svelte';

type Scenario = (arg: string) => Promise<Record<string, unknown>>;

const listed = (id: number) => conversationList.items.find((c) => c.id === id);

function item(id: number): HTMLElement | undefined {
  return $$('conversation-item').find((x) => x.dataset.conversationId === String(id));
}

export const titleScenarios: Record<string, Scenario> = {
  async titles() {
    await ready();
    const first = 'Tell me about rivers.';
    await newChat();
    await settled(await send(first));
    const titled = chat.currentId;
    const title = await waitFor(() => {
      const t = listed(titled)?.title;
      return t && t !== first ? t : null;
    }, "the model's title in the sidebar", 120000);

    await newChat();
    const answer = await send('Tell me about mountains.');
    const renamed = chat.currentId;
    const row = await waitFor(() => item(renamed), 'the new chat in the sidebar');
    $('conversation-open', row)!.dispatchEvent(new MouseEvent('dblclick', { bubbles: true }));
    const field = await waitFor(() => row.querySelector<HTMLInputElement>('input.rename'), 'the rename field');
    setValue(field, 'My mountains');
    pressEnter(field);
    await waitFor(() => listed(renamed)?.title === 'My mountains' || null, 'the rename');
    await settled(answer);
    return { titled, title, renamed, shownAfter: listed(renamed)?.title ?? '' };
  },
};
