// Settings → Assistants: rename (Go's refusal shown, nothing changed),
// duplicate, and delete with Undo; and the header says where a chat came from.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, waitFor, within } from '@testing-library/svelte';
import { setApi } from '../api';
import { assistant, conv, createFakeApi, project, type FakeApi } from '../fake';
import { chat } from '../state/chat.svelte';
import { conversationList } from '../state/conversationList.svelte';
import { projects } from '../state/projects.svelte';
import { toasts } from '../state/toasts.svelte';
import AssistantsSection from './AssistantsSection.svelte';
import Header from './Header.svelte';

let fake: FakeApi;

beforeEach(async () => {
  fake = createFakeApi({
    assistants: [assistant({ id: 200, name: 'Poet', model: 'llama3.2' })],
    projects: [project({ id: 100, name: 'Garden', emoji: '🌱' })],
    conversations: [conv({ id: 1, title: 'Roses', projectId: 100, assistantId: 200, assistantName: 'Poet' })],
  });
  setApi(fake);
  await conversationList.refresh();
});
afterEach(() => {
  cleanup();
  toasts.clear();
});

const names = () => fake.db.assistants.map((a) => a.name);

describe('Settings → Assistants', () => {
  it('renames, refusing an empty name in Go’s words', async () => {
    const r = render(AssistantsSection);
    const row = await r.findByTestId('assistant-row');
    await fireEvent.click(within(row).getByText('Rename'));
    const box = within(row).getByLabelText('Name of the assistant');
    await fireEvent.input(box, { target: { value: ' ' } });
    await fireEvent.submit(box.closest('form')!);
    await waitFor(() => expect(within(row).getByRole('alert').textContent).toBe('Please give the assistant a name.'));
    expect(names()).toEqual(['Poet']);

    await fireEvent.input(box, { target: { value: 'Bard' } });
    await fireEvent.submit(box.closest('form')!);
    await waitFor(() => expect(names()).toEqual(['Bard']));
    await waitFor(() => expect(r.getByTestId('assistant-row').textContent).toContain('Bard'));
  });

  it('duplicates, and deletes with an Undo that brings the assistant back', async () => {
    const r = render(AssistantsSection);
    await fireEvent.click(await r.findByLabelText('Duplicate Poet'));
    await waitFor(() => expect(r.getAllByTestId('assistant-row')).toHaveLength(2));
    expect(names()).toEqual(['Poet', 'Poet (copy)']);

    await fireEvent.click(r.getByLabelText('Delete Poet'));
    await waitFor(() => expect(names()).toEqual(['Poet (copy)']));
    await waitFor(() => expect(toasts.toasts.at(-1)?.text).toBe('Assistant “Poet” deleted.'));
    toasts.toasts.at(-1)!.action!.run();
    await waitFor(() => expect(projects.assistants.map((a) => a.name).sort()).toEqual(['Poet', 'Poet (copy)']));
  });
});

describe('the chat header', () => {
  it('says which project a chat is in and which assistant it started from', async () => {
    await chat.open(1);
    const r = render(Header);
    expect(r.getByTestId('conversation-origin').textContent).toBe('in 🌱 Garden, from Poet');
  });
});
