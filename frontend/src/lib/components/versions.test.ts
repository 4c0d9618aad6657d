// Versions in the window: ‹ 2 / 3 › switches, Retry/Regenerate/Edit add a
// version in place, Delete says what it deletes, an answer not saved yet
// says so with Save again, and closing with an answer coming asks first.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render, cleanup, fireEvent, waitFor } from '@testing-library/svelte';
import { tick } from 'svelte';
import { setApi, type Message } from '../api';
import { createFakeApi, conv, msg, type FakeApi } from '../fake';
import { app } from '../state/app.svelte';
import { chat } from '../state/chat.svelte';
import { messageVersions } from '../state/versions.svelte';
import { streams } from '../state/streams.svelte';
import { toasts } from '../state/toasts.svelte';
import MessageList from './MessageList.svelte';
import QuitDialog from './QuitDialog.svelte';

let fake: FakeApi;
const text = (el: HTMLElement) => [...el.querySelectorAll('[data-testid="message-content"]')].map((e) => e.textContent?.trim());

beforeEach(async () => {
  fake = createFakeApi({
    conversations: [conv({ id: 1, title: 'One', endpointId: 'ollama', model: 'llama3.2' })],
    messages: [
      msg({ id: 11, conversationId: 1, role: 'user', content: 'q1', parentId: 0 }),
      msg({ id: 12, conversationId: 1, role: 'assistant', content: 'a1', parentId: 11, shownAt: 1 }),
      msg({ id: 13, conversationId: 1, role: 'user', content: 'q2', parentId: 12 }),
      msg({ id: 14, conversationId: 1, role: 'assistant', content: 'a2', parentId: 13 }),
      msg({ id: 15, conversationId: 1, role: 'assistant', content: 'a1, second take', parentId: 11, shownAt: 2 }),
    ],
  });
  setApi(fake);
  toasts.clear();
  await chat.open(1);
});
afterEach(() => {
  cleanup();
  app.destroy();
  streams.stop();
  for (const id of Object.keys(streams.answers)) streams.forget(Number(id));
});

describe('versions', () => {
  it('shows the shown path with ‹ 2 / 2 › and switches to the other version with its own continuation', async () => {
    const { container, getByTestId } = render(MessageList);
    await tick();
    expect(text(container)).toEqual(['q1', 'a1, second take']);
    expect(getByTestId('version-count').textContent).toBe('2 / 2');
    expect((getByTestId('version-next') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(getByTestId('version-prev'));
    await waitFor(() => expect(text(container)).toEqual(['q1', 'a1', 'q2', 'a2']));
    expect(fake.calls.some((c) => c.method === 'ShowVersion' && c.args[0] === 12)).toBe(true);
    expect(getByTestId('version-count').textContent).toBe('1 / 2');
    // The keyboard does the same.
    await fireEvent.keyDown(getByTestId('version-next'), { key: 'ArrowRight' });
    await waitFor(() => expect(text(container)).toEqual(['q1', 'a1, second take']));
  });

  it('Regenerate adds a version in place: the old answer is one version away', async () => {
    const { container, getAllByTestId, getByTestId } = render(MessageList);
    await tick();
    await fireEvent.click(getAllByTestId('regenerate')[0]);
    await waitFor(() => expect(getByTestId('version-count').textContent).toBe('3 / 3'));
    expect(chat.messages.map((m) => m.id).slice(0, 1)).toEqual([11]);
    expect(chat.messages).toHaveLength(2);
    expect(fake.db.messages.find((m) => m.id === 15)?.content).toBe('a1, second take');
    expect(text(container)[0]).toBe('q1');
  });

  it('Retry of an interrupted answer keeps it as a version with its text', async () => {
    const broken = fake.db.messages.find((m) => m.id === 15)!;
    Object.assign(broken, { state: 'interrupted', content: 'half an ans', error: 'The connection dropped.' });
    await chat.open(1);
    chat.newChat();
    await chat.open(1);
    const { getByTestId } = render(MessageList);
    await tick();
    await fireEvent.click(getByTestId('retry'));
    await waitFor(() => expect(chat.messages[1].id).not.toBe(15));
    expect(chat.messages[1].versions).toEqual([12, 15, chat.messages[1].id]);
    expect(fake.db.messages.find((m) => m.id === 15)).toMatchObject({ content: 'half an ans', state: 'interrupted' });
  });

  it('Edit sends a new version of the question in place, and the original stays', async () => {
    await messageVersions.showVersion(chat.messages[1], 12);
    const q2 = chat.messages[2];
    expect(await messageVersions.editAndResend(q2, 'q2 edited')).toBe(true);
    expect(chat.messages.map((m) => m.content)).toEqual(['q1', 'a1', 'q2 edited', '']);
    expect(chat.messages[2].versions).toEqual([13, chat.messages[2].id]);
    expect(chat.currentId).toBe(1);
    streams.start();
    // While the new answer is written, versions do not switch.
    await messageVersions.showVersion(chat.messages[2], 13);
    expect(chat.messages[2].content).toBe('q2 edited');
    await chat.stop();
    await waitFor(() => expect(chat.streaming).toBe(false));
    await messageVersions.showVersion(chat.messages[2], 13);
    expect(chat.messages.map((m) => m.content)).toEqual(['q1', 'a1', 'q2', 'a2']);
  });

  it('Delete offers this version (with what follows) or all versions', async () => {
    await messageVersions.showVersion(chat.messages[1], 12);
    const { getAllByTestId, getByTestId } = render(MessageList);
    await tick();
    await fireEvent.click(getAllByTestId('delete-message')[1]);
    expect(getByTestId('delete-version').textContent).toBe('Delete this version and the 2 after it');
    expect(getByTestId('delete-all-versions').textContent).toBe('Delete all 2 versions');
    await fireEvent.click(getByTestId('delete-version'));
    await waitFor(() => expect(chat.messages.map((m) => m.content)).toEqual(['q1', 'a1, second take']));
    expect(fake.calls.some((c) => c.method === 'DeleteVersion' && c.args[0] === 12)).toBe(true);
    expect(fake.db.messages.map((m) => m.id)).toEqual([11, 15]);
  });

  it('an answer not saved yet says why, with Save again', async () => {
    const m: Message = { ...chat.messages[1], unsaved: 'Brook could not write it to its database (disk full).' };
    fake.db.messages[4].unsaved = m.unsaved;
    chat.replaceMessage(m);
    const { getByTestId } = render(MessageList);
    await tick();
    expect(getByTestId('answer-unsaved').textContent).toContain('Not saved yet: Brook could not write it to its database (disk full).');
    await fireEvent.click(getByTestId('save-again'));
    await waitFor(() => expect(toasts.toasts.some((t) => t.kind === 'error' && t.text.includes('still not saved'))).toBe(true));
    // Saved at last: the window is told, and the notice goes.
    delete fake.db.messages[4].unsaved;
    app.init();
    fake.emitAnswerSaved({ messageId: 15, conversationId: 1 });
    await waitFor(() => expect(() => getByTestId('answer-unsaved')).toThrow());
    expect(chat.messages[1].versions).toEqual([12, 15]);
  });
});

describe('quitting with an answer coming', () => {
  it('asks: stop it and quit, wait for it, or quit and finish it next time', async () => {
    const { getByTestId, queryByTestId } = render(QuitDialog);
    expect(queryByTestId('quit-dialog')).toBeNull();
    fake.emitQuitRequested({ answering: 1, unsaved: 0 });
    await tick();
    expect(getByTestId('quit-dialog').textContent).toContain('An answer is still coming');
    expect(getByTestId('quit-stop')).toBeTruthy();
    await fireEvent.click(getByTestId('quit-wait'));
    expect(fake.calls.at(-1)).toEqual({ service: 'SystemService', method: 'Quit', args: ['wait'] });
    expect(getByTestId('quit-dialog').textContent).toContain('Waiting for the answer');
    await fireEvent.click(getByTestId('quit-resume'));
    expect(fake.calls.at(-1)).toEqual({ service: 'SystemService', method: 'Quit', args: ['resume'] });
  });

  it('names answers not saved yet', async () => {
    const { getByTestId } = render(QuitDialog);
    fake.emitQuitRequested({ answering: 0, unsaved: 2 });
    await tick();
    expect(getByTestId('quit-dialog').textContent).toContain('2 answers could not be written to the database yet');
    await fireEvent.click(getByTestId('quit-cancel'));
    await tick();
    expect(() => getByTestId('quit-dialog')).toThrow();
  });
});
