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
  it('edits name, instructions, first message and parameters, refusing an empty name in Go’s words', async () => {
    const r = render(AssistantsSection);
    const row = await r.findByTestId('assistant-row');
    await fireEvent.click(within(row).getByText('Edit'));
    const box = within(row).getByTestId('assistant-edit-name');
    await fireEvent.input(box, { target: { value: ' ' } });
    await fireEvent.submit(box.closest('form')!);
    await waitFor(() => expect(within(row).getByRole('alert').textContent).toBe('Please give the assistant a name.'));
    expect(names()).toEqual(['Poet']);

    await fireEvent.input(box, { target: { value: 'Bard' } });
    await fireEvent.input(within(row).getByTestId('assistant-edit-instructions'), { target: { value: 'Answer in verse.' } });
    await fireEvent.input(within(row).getByTestId('assistant-edit-first'), { target: { value: 'Hark!' } });
    await fireEvent.input(within(row).getByTestId('setup-temperature'), { target: { value: '1.2' } });
    await fireEvent.submit(box.closest('form')!);
    await waitFor(() => expect(names()).toEqual(['Bard']));
    const a = fake.db.assistants[0];
    expect([a.instructions, a.firstMessage, a.params.temperature, a.model]).toEqual(['Answer in verse.', 'Hark!', 1.2, 'llama3.2']);
    await waitFor(() => expect(r.getByTestId('assistant-row').textContent).toContain('Bard'));
  });

  it('exports all assistants and imports a file, saying what it did', async () => {
    const r = render(AssistantsSection);
    await fireEvent.click(await r.findByTestId('assistants-export'));
    await waitFor(() => expect(toasts.toasts.at(-1)?.text).toBe('Exported to /home/user/brook-assistants.json'));
    fake.AssistantService.Import = async () => ({ imported: 2, copied: 0, skipped: 1 });
    await fireEvent.click(r.getByTestId('assistants-import'));
    await waitFor(() => expect(toasts.toasts.at(-1)?.text).toBe('Imported 2 assistants; 1 already here.'));
  });

  it('shows an import Go refuses as a failure, with its reason', async () => {
    const r = render(AssistantsSection);
    fake.AssistantService.Import = async () => {
      throw new Error('the file holds 5000 assistants; Brook imports at most 1000 at once');
    };
    await fireEvent.click(await r.findByTestId('assistants-import'));
    await waitFor(() => expect(toasts.toasts.at(-1)?.text).toContain('at most 1000'));
    expect(names()).toEqual(['Poet']);
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
