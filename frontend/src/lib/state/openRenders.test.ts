// Opening a conversation loads the Markdown renderer (not loaded at start)
// before it shows the answers, so they never flash unrendered. Nothing in
// this file loads the renderer before the test.
import { expect, it } from 'vitest';
import { setApi } from '../api';
import { conv, createFakeApi, msg } from '../fake';
import { rendererModule } from '../markdown/lazy.svelte';
import { chat } from './chat.svelte';

it('has the renderer loaded by the time an opened conversation shows its messages', async () => {
  expect(rendererModule.started).toBeUndefined();
  const c = conv({ id: 7 });
  setApi(createFakeApi({ conversations: [c], messages: [msg({ id: 70, conversationId: 7, role: 'assistant', content: '**hi**' })] }));
  await chat.open(c.id);
  expect(chat.messages).toHaveLength(1);
  expect(rendererModule.get()).toBeDefined();
});
