// Projects in the sidebar: listed first with their chat counts, folded open
// and shut (remembered), created through the dialog (Go's refusal shown),
// chats moved in and out by the conversation menu, a project deleted and
// brought back by Undo, and chats started in a project or from an assistant.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, waitFor, within } from '@testing-library/svelte';
import { setApi } from '../api';
import { assistant, conv, createFakeApi, project, type FakeApi } from '../fake';
import { chat } from '../state/chat.svelte';
import { conversationList } from '../state/conversationList.svelte';
import { OPEN_KEY, groupByProject, projects } from '../state/projects.svelte';
import { toasts } from '../state/toasts.svelte';
import Sidebar from './Sidebar.svelte';

let fake: FakeApi;

beforeEach(async () => {
  localStorage.clear();
  projects.open = new Set();
  const now = Date.now();
  fake = createFakeApi({
    projects: [project({ id: 100, name: 'Garden', emoji: '🌱', instructions: 'Answer briefly.' }), project({ id: 101, name: 'Taxes' })],
    conversations: [
      conv({ id: 1, title: 'Tomatoes', projectId: 100, updatedAt: now }),
      conv({ id: 2, title: 'Roses', projectId: 100, updatedAt: now - 1000 }),
      conv({ id: 3, title: 'Loose chat', updatedAt: now - 2000 }),
    ],
    assistants: [assistant({ id: 200, name: 'Poet', instructions: 'Rhyme.' })],
  });
  setApi(fake);
  await conversationList.refresh();
});
afterEach(() => {
  cleanup();
  toasts.clear();
  projects.editing = null;
  projects.deleting = null;
});

const titles = (el: HTMLElement) => [...el.querySelectorAll('[data-testid="conversation-item"] .title')].map((t) => t.textContent);

describe('projects in the sidebar', () => {
  it('groups chats by project, keeping the list order, and leaves the others loose', () => {
    const { groups, loose } = groupByProject(conversationList.projects, conversationList.items);
    expect(groups.map((g) => [g.project.name, g.chats.map((c) => c.id)])).toEqual([
      ['Garden', [1, 2]],
      ['Taxes', []],
    ]);
    expect(loose.map((c) => c.id)).toEqual([3]);
  });

  it('lists projects first with their counts, folded shut until opened, and remembers the fold', async () => {
    const r = render(Sidebar);
    const garden = r.getAllByTestId('project')[0];
    expect(garden.textContent).toContain('Garden');
    expect(within(garden).getByLabelText('2 chats')).toBeTruthy();
    expect(titles(r.container)).toEqual(['Loose chat']);

    await fireEvent.click(within(garden).getByTestId('project-fold'));
    expect(titles(r.container)).toEqual(['Tomatoes', 'Roses', 'Loose chat']);
    expect(JSON.parse(localStorage.getItem(OPEN_KEY)!)).toEqual([100]);
    expect(within(garden).getByTestId('project-fold').getAttribute('aria-expanded')).toBe('true');
  });

  it('creates a project through the dialog, showing Go’s refusal of an empty name', async () => {
    const r = render(Sidebar);
    await fireEvent.click(r.getByTestId('new-project'));
    const dialog = r.getByTestId('project-dialog');
    await fireEvent.input(within(dialog).getByTestId('project-name'), { target: { value: '   ' } });
    await fireEvent.submit(dialog.querySelector('form')!);
    await waitFor(() => expect(within(dialog).getByRole('alert').textContent).toContain('Please give the project a name.'));
    expect(fake.db.projects).toHaveLength(2);

    await fireEvent.input(within(dialog).getByTestId('project-name'), { target: { value: 'Recipes' } });
    await fireEvent.input(within(dialog).getByTestId('project-instructions'), { target: { value: 'Use grams.' } });
    await fireEvent.submit(dialog.querySelector('form')!);
    await waitFor(() => expect(r.queryByTestId('project-dialog')).toBeNull());
    expect(fake.db.projects.at(-1)).toMatchObject({ name: 'Recipes', instructions: 'Use grams.' });
    expect(r.getAllByTestId('project').map((p) => p.textContent)).toContainEqual(expect.stringContaining('Recipes'));
  });

  it('moves a chat into a project and out again by its menu', async () => {
    const r = render(Sidebar);
    const item = r.getAllByTestId('conversation-item').find((i) => i.textContent?.includes('Loose chat'))!;
    await fireEvent.click(within(item).getByTestId('conversation-menu'));
    await fireEvent.click(within(item).getByTestId('move-to-project'));
    const taxes = within(item).getAllByTestId('move-target').find((b) => b.textContent?.includes('Taxes'))!;
    expect(document.activeElement?.textContent).toContain('Move to project');
    await fireEvent.click(taxes);
    await waitFor(() => expect(fake.db.conversations.find((c) => c.id === 3)!.projectId).toBe(101));
    await waitFor(() => expect(titles(r.container)).toEqual([]));

    await projects.move(3, 0);
    expect(fake.db.conversations.find((c) => c.id === 3)!.projectId).toBe(0);
    expect(toasts.toasts.at(-1)!.text).toBe('Moved out of the project.');
  });

  it('deletes a project keeping its chats, and Undo puts them back in it', async () => {
    const r = render(Sidebar);
    const garden = r.getAllByTestId('project')[0];
    await fireEvent.click(within(garden).getByTestId('project-menu'));
    await fireEvent.click(within(garden).getByTestId('project-delete'));
    await fireEvent.click(r.getByTestId('project-delete-keep'));
    await waitFor(() => expect(conversationList.projects.map((p) => p.name)).toEqual(['Taxes']));
    expect(titles(r.container)).toEqual(['Tomatoes', 'Roses', 'Loose chat']);

    await waitFor(() => expect(toasts.toasts.at(-1)?.text).toBe('Project “Garden” deleted.'));
    const undo = toasts.toasts.at(-1)!;
    undo.action!.run();
    await waitFor(() => expect(conversationList.projects.map((p) => p.name)).toEqual(['Taxes', 'Garden']));
    expect(fake.db.conversations.filter((c) => c.projectId === 100).map((c) => c.id).sort()).toEqual([1, 2]);
  });

  it('deletes a project with its chats into the trash', async () => {
    await projects.remove(conversationList.projects[0], true);
    expect(conversationList.items.map((c) => c.title)).toEqual(['Loose chat']);
  });

  it('starts a chat in a project and one from an assistant, and opens each', async () => {
    await projects.startIn(101);
    expect(chat.current?.projectId).toBe(101);
    expect(projects.isOpen(101)).toBe(true);

    const r = render(Sidebar);
    await fireEvent.click(r.getByTestId('new-chat-from'));
    await fireEvent.click(await r.findByText('Poet'));
    await waitFor(() => expect(chat.current?.assistantName).toBe('Poet'));
    expect(chat.current?.systemPrompt).toBe('Rhyme.');
  });

  it('saves a conversation as an assistant, showing a refusal first', async () => {
    fake.db.conversations.find((c) => c.id === 3)!.systemPrompt = 'Be kind.';
    expect(await projects.saveAsAssistant(3, '')).toContain('Please give the assistant a name.');
    expect(await projects.saveAsAssistant(3, 'Kind')).toBe('');
    expect(fake.db.assistants.at(-1)).toMatchObject({ name: 'Kind', instructions: 'Be kind.' });
  });
});
