// The tool picker in a new chat: the choices are kept with the draft, sent with the first message so that its first
// answer is offered them, and are then the conversation's.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render } from '@testing-library/svelte';
import { setApi } from '../api';
import { conv, createFakeApi, type FakeApi } from '../fake';
import { chat } from '../state/chat.svelte';
import { models } from '../state/models.svelte';
import { newChatTools } from '../state/newChatTools.svelte';
import Composer from './Composer.svelte';

let fake: FakeApi;
const tool = (name: string) => ({
  serverId: 'fs',
  serverName: 'Files',
  name,
  modelName: name,
  description: '',
  inputSchema: [],
  alwaysAllowed: false,
  enabled: false,
  allowedHere: false,
});

beforeEach(async () => {
  fake = createFakeApi({ conversations: [conv({ id: 1, title: 'One' })] });
  fake.db.tools.choices = { configured: true, model: 'yes', tools: [tool('read_text_file'), tool('write_file')] };
  setApi(fake);
  newChatTools.sent();
  chat.newChat();
  await models.refresh(true);
});
afterEach(cleanup);

const calls = (method: string) => fake.calls.filter((c) => c.method === method).map((c) => c.args);

async function choose(r: { getByTestId: (id: string) => HTMLElement; getAllByTestId: (id: string) => HTMLElement[] }, index: number) {
  await fireEvent.click(r.getByTestId('tool-picker'));
  await vi.waitFor(() => expect(r.getAllByTestId('tool-choice')).toHaveLength(2));
  await fireEvent.click(r.getAllByTestId('tool-choice')[index]);
}

describe('tools before the first message', () => {
  it('the picker works in a new chat, and the first message carries the choice', async () => {
    const r = render(Composer);
    await choose(r, 0);
    // The new chat's choices are asked for with the model chosen for it, and changed nowhere yet.
    expect(calls('NewChatChoices')).toEqual([['ollama', 'llama3.2']]);
    expect(calls('SetEnabled')).toEqual([]);
    expect(r.getByTestId('tool-picker').textContent).toContain('(1)');

    const ta = r.getByTestId('composer') as HTMLTextAreaElement;
    ta.value = 'What does /tmp/notes.txt say?';
    await fireEvent.input(ta);
    await fireEvent.keyDown(ta, { key: 'Enter' });
    await vi.waitFor(() => expect(calls('SendWithTools')).toHaveLength(1));
    expect(calls('SendWithTools')[0]).toEqual([0, 'What does /tmp/notes.txt say?', 'ollama', 'llama3.2', [], [], [{ serverId: 'fs', name: 'read_text_file' }]]);
    expect(calls('Send')).toEqual([]);
    // The choice is the new conversation's now, and the next new chat starts with none.
    await vi.waitFor(() => expect(chat.currentId).not.toBe(0));
    expect(fake.db.tools.choices.tools.map((x) => x.enabled)).toEqual([true, false]);
    expect(newChatTools.chosen).toEqual([]);
  });

  it('keeps the choice with the draft while another conversation is open, and a choice taken back is not sent', async () => {
    const r = render(Composer);
    await choose(r, 0);
    await fireEvent.click(r.getAllByTestId('tool-choice')[1]);
    await fireEvent.click(r.getAllByTestId('tool-choice')[0]);
    await chat.open(1);
    chat.newChat();
    await vi.waitFor(() => expect(chat.currentId).toBe(0));
    const ta = r.getByTestId('composer') as HTMLTextAreaElement;
    ta.value = 'hi';
    await fireEvent.input(ta);
    await fireEvent.keyDown(ta, { key: 'Enter' });
    await vi.waitFor(() => expect(calls('SendWithTools')).toHaveLength(1));
    expect(calls('SendWithTools')[0][6]).toEqual([{ serverId: 'fs', name: 'write_file' }]);
  });

  it('a message in a stored conversation is sent as before', async () => {
    await chat.open(1);
    const r = render(Composer);
    const ta = r.getByTestId('composer') as HTMLTextAreaElement;
    ta.value = 'hello';
    await fireEvent.input(ta);
    await fireEvent.keyDown(ta, { key: 'Enter' });
    await vi.waitFor(() => expect(calls('Send')).toHaveLength(1));
    expect(calls('SendWithTools')).toEqual([]);
  });
});
