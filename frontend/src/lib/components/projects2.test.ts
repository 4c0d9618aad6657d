// The sidebar's second round of projects: choosing many chats (Ctrl+click,
// Shift+click, Select… then Space) and moving, archiving or deleting them
// at once with Undo; dragging chats onto a project and out; counts from Go
// beyond the loaded chats, with Show more; search within a project; a
// project's model and parameters in its dialog; exporting a project.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, waitFor, within } from '@testing-library/svelte';
import { setApi } from '../api';
import { conv, createFakeApi, project, type FakeApi } from '../fake';
import { conversationList } from '../state/conversationList.svelte';
import { projects, MORE_PAGE } from '../state/projects.svelte';
import { search } from '../state/search.svelte';
import { DRAG_TYPE, selection } from '../state/selection.svelte';
import { toasts } from '../state/toasts.svelte';
import Sidebar from './Sidebar.svelte';

let fake: FakeApi;

beforeEach(async () => {
  localStorage.clear();
  projects.open = new Set();
  projects.loaded = {};
  selection.clear();
  search.clear();
  search.scope = null;
  const now = Date.now();
  fake = createFakeApi({
    projects: [project({ id: 100, name: 'Garden', emoji: '🌱' }), project({ id: 101, name: 'Taxes' })],
    conversations: [
      conv({ id: 1, title: 'Tomatoes', projectId: 100, updatedAt: now }),
      conv({ id: 2, title: 'Alpha', updatedAt: now - 1000 }),
      conv({ id: 3, title: 'Beta', updatedAt: now - 2000 }),
      conv({ id: 4, title: 'Gamma', updatedAt: now - 3000 }),
    ],
  });
  setApi(fake);
  await conversationList.refresh();
});
afterEach(() => {
  cleanup();
  toasts.clear();
  selection.clear();
  projects.editing = null;
});

type Rendered = { getAllByTestId: (id: string) => HTMLElement[] };
const row = (r: Rendered, id: number) => r.getAllByTestId('conversation-item').find((el) => el.dataset.conversationId === String(id))!;
const openBtn = (r: Rendered, id: number) => within(row(r, id)).getByTestId('conversation-open');
const projectOf = (id: number) => fake.db.conversations.find((c) => c.id === id)?.projectId ?? 0;

/** A DataTransfer stand-in (jsdom has none). */
function transfer(): DataTransfer {
  const data = new Map<string, string>();
  return {
    get types() {
      return [...data.keys()];
    },
    setData: (t: string, v: string) => void data.set(t, v),
    getData: (t: string) => data.get(t) ?? '',
    dropEffect: 'none',
    effectAllowed: 'all',
  } as unknown as DataTransfer;
}

describe('choosing many chats', () => {
  it('Ctrl+click and Shift+click choose chats, and Move… moves them all in one call', async () => {
    const r = render(Sidebar);
    await fireEvent.click(openBtn(r, 2), { ctrlKey: true });
    await fireEvent.click(openBtn(r, 4), { shiftKey: true });
    expect([...selection.ids].sort()).toEqual([2, 3, 4]);
    expect(r.getByTestId('selection-count').textContent).toBe('3 chosen');
    expect(openBtn(r, 3).getAttribute('aria-pressed')).toBe('true');

    const moves = fake.calls.filter((c) => c.service === 'ProjectService' && c.method === 'Move').length;
    await fireEvent.click(r.getByTestId('selection-move'));
    const target = (await r.findAllByTestId('selection-move-target')).find((b) => b.textContent?.includes('Taxes'))!;
    await fireEvent.click(target);
    await waitFor(() => expect(toasts.toasts.at(-1)?.text).toBe('Moved 3 conversations to “Taxes”.'));
    expect([2, 3, 4].map(projectOf)).toEqual([101, 101, 101]);
    expect(fake.calls.filter((c) => c.service === 'ProjectService' && c.method === 'Move').length).toBe(moves + 1);
    expect(selection.active).toBe(false);
  });

  it('Select… starts choosing from the keyboard; a click (Space) on a row then adds it instead of opening it', async () => {
    const r = render(Sidebar);
    await fireEvent.click(within(row(r, 2)).getByTestId('conversation-menu'));
    await fireEvent.click(await within(row(r, 2)).findByTestId('select-conversation'));
    await fireEvent.click(openBtn(r, 3)); // Space or Enter on a button is a click
    expect(selection.ids).toEqual([2, 3]);
    await fireEvent.click(openBtn(r, 3));
    expect(selection.ids).toEqual([2]);
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(selection.active).toBe(false);
    expect(r.queryByTestId('selection-bar')).toBeNull();
  });

  it('deletes the chosen chats at once, and Undo brings them all back', async () => {
    const r = render(Sidebar);
    selection.toggle(2);
    selection.toggle(3);
    await fireEvent.click(await r.findByTestId('selection-delete'));
    await waitFor(() => expect(toasts.toasts.at(-1)?.text).toBe('Deleted 2 conversations.'));
    expect(fake.db.conversations.map((c) => c.id).sort()).toEqual([1, 4]);
    toasts.toasts.at(-1)!.action!.run();
    await waitFor(() => expect(fake.db.conversations.map((c) => c.id).sort()).toEqual([1, 2, 3, 4]));
  });

  it('archives the chosen chats, with Undo', async () => {
    const r = render(Sidebar);
    selection.toggle(3);
    selection.toggle(4);
    await fireEvent.click(await r.findByTestId('selection-archive'));
    await waitFor(() => expect(toasts.toasts.at(-1)?.text).toBe('Archived 2 conversations.'));
    expect(fake.db.conversations.filter((c) => c.archived).map((c) => c.id).sort()).toEqual([3, 4]);
    toasts.toasts.at(-1)!.action!.run();
    await waitFor(() => expect(fake.db.conversations.some((c) => c.archived)).toBe(false));
  });
});

describe('dragging chats', () => {
  it('drops a chat on a project to move it in, and on the loose chats to move it out', async () => {
    const r = render(Sidebar);
    const dt = transfer();
    await fireEvent.dragStart(row(r, 2), { dataTransfer: dt });
    expect(JSON.parse(dt.getData(DRAG_TYPE))).toEqual([2]);
    const garden = r.getAllByTestId('project')[0].querySelector('.row')!;
    await fireEvent.dragOver(garden, { dataTransfer: dt });
    expect(garden.classList.contains('over')).toBe(true);
    await fireEvent.drop(garden, { dataTransfer: dt });
    await waitFor(() => expect(projectOf(2)).toBe(100));

    await fireEvent.click(within(r.getAllByTestId('project')[0]).getByTestId('project-fold'));
    const out = transfer();
    await fireEvent.dragStart(row(r, 1), { dataTransfer: out });
    await fireEvent.drop(r.getByTestId('loose-chats'), { dataTransfer: out });
    await waitFor(() => expect(projectOf(1)).toBe(0));
  });

  it('dragging one of the chosen chats carries them all', async () => {
    const r = render(Sidebar);
    selection.toggle(3);
    selection.toggle(4);
    const dt = transfer();
    await fireEvent.dragStart(row(r, 4), { dataTransfer: dt });
    expect(JSON.parse(dt.getData(DRAG_TYPE))).toEqual([3, 4]);
  });

  it('ignores a drag that carries no chats (a file, some text)', async () => {
    const r = render(Sidebar);
    const dt = transfer();
    dt.setData('text/plain', 'hello');
    const garden = r.getAllByTestId('project')[0].querySelector('.row')!;
    await fireEvent.drop(garden, { dataTransfer: dt });
    expect(fake.calls.some((c) => c.service === 'ProjectService' && c.method === 'Move')).toBe(false);
  });
});

describe('a big project', () => {
  it('shows Go’s count beyond the loaded chats, and Show more loads them', async () => {
    const now = Date.now();
    for (let i = 0; i < 150; i++) fake.db.conversations.push(conv({ title: `Old ${i}`, projectId: 101, updatedAt: now - 10_000 - i }));
    // The sidebar's list has only some of them, as its first page would.
    fake.ConversationService.List = async () => fake.db.conversations.filter((c) => !c.title.startsWith('Old ') || c.title.endsWith(' 0')).map((c) => ({ ...c }));
    await conversationList.refresh();
    const r = render(Sidebar);
    const taxes = r.getAllByTestId('project')[1];
    expect(within(taxes).getByTestId('project-count').textContent).toBe('150');
    await fireEvent.click(within(taxes).getByTestId('project-fold'));
    await fireEvent.click(within(taxes).getByTestId('project-show-more'));
    await waitFor(() => expect(within(taxes).getAllByTestId('conversation-item')).toHaveLength(1 + MORE_PAGE));
    expect(within(taxes).getByTestId('project-show-more').textContent).toBe(`Show more (${150 - 1 - MORE_PAGE})`);
  });

  it('mounts a page of a project’s loaded chats, and the rest on Show more without asking Go', async () => {
    const now = Date.now();
    for (let i = 0; i < 40; i++) fake.db.conversations.push(conv({ title: `Tax ${i}`, projectId: 101, updatedAt: now - 10_000 - i }));
    await conversationList.refresh();
    const r = render(Sidebar);
    const taxes = r.getAllByTestId('project')[1];
    await fireEvent.click(within(taxes).getByTestId('project-fold'));
    expect(within(taxes).getAllByTestId('conversation-item')).toHaveLength(30);
    const asked = fake.calls.filter((c) => c.method === 'Conversations').length;
    await fireEvent.click(within(taxes).getByTestId('project-show-more'));
    await waitFor(() => expect(within(taxes).getAllByTestId('conversation-item')).toHaveLength(40));
    expect(within(taxes).queryByTestId('project-show-more')).toBeNull();
    expect(fake.calls.filter((c) => c.method === 'Conversations').length).toBe(asked);
  });
});

describe('search within a project', () => {
  it('the scope limits the search to the project’s chats', async () => {
    fake.db.messages.push(
      { id: 900, conversationId: 1, role: 'user', content: 'water the tomatoes', state: 'complete', createdAt: 1 } as never,
      { id: 901, conversationId: 2, role: 'user', content: 'water the lawn', state: 'complete', createdAt: 2 } as never,
    );
    const r = render(Sidebar);
    await search.run('water');
    expect(search.results?.map((h) => h.conversationId).sort()).toEqual([1, 2]);
    const scope = r.getByTestId('search-scope') as HTMLSelectElement;
    await fireEvent.change(scope, { target: { value: '100' } });
    await search.run('water');
    expect(search.scope).toBe(100);
    expect(search.results?.map((h) => h.conversationId)).toEqual([1]);
    await fireEvent.change(scope, { target: { value: 'none' } });
    await search.run('water');
    expect(search.results?.map((h) => h.conversationId)).toEqual([2]);
  });

  it('“Search in project” in the project’s menu sets the scope', async () => {
    const r = render(Sidebar);
    const garden = r.getAllByTestId('project')[0];
    await fireEvent.click(within(garden).getByTestId('project-menu'));
    await fireEvent.click(await within(garden).findByTestId('project-search'));
    expect(search.scope).toBe(100);
    expect((r.getByTestId('search-scope') as HTMLSelectElement).value).toBe('100');
  });
});

describe('a project’s defaults and export', () => {
  it('the dialog keeps a temperature and thinking level for the project’s new chats', async () => {
    const r = render(Sidebar);
    const garden = r.getAllByTestId('project')[0];
    await fireEvent.click(within(garden).getByTestId('project-menu'));
    await fireEvent.click(await within(garden).findByTestId('project-edit'));
    const dialog = await r.findByTestId('project-dialog');
    await fireEvent.input(within(dialog).getByTestId('setup-temperature'), { target: { value: '0.3' } });
    await fireEvent.change(within(dialog).getByTestId('think-select'), { target: { value: 'off' } });
    await fireEvent.click(within(dialog).getByTestId('project-save'));
    await waitFor(() => expect(fake.db.projects[0].params).toEqual({ temperature: 0.3, think: 'off' }));
    await projects.startIn(100);
    await waitFor(() => expect(fake.db.conversations.at(-1)?.params).toEqual({ temperature: 0.3, think: 'off' }));
  });

  it('exports a project as a Markdown folder, or says why it could not', async () => {
    const r = render(Sidebar);
    const garden = r.getAllByTestId('project')[0];
    await fireEvent.click(within(garden).getByTestId('project-menu'));
    await fireEvent.click(await within(garden).findByTestId('project-export-markdown'));
    await waitFor(() => expect(toasts.toasts.at(-1)?.text).toBe('Exported “Garden” to /home/user/brook-project-garden'));
    const taxes = r.getAllByTestId('project')[1];
    await fireEvent.click(within(taxes).getByTestId('project-menu'));
    await fireEvent.click(await within(taxes).findByTestId('project-export-json'));
    await waitFor(() => expect(toasts.toasts.at(-1)?.text).toContain('has no chats to export'));
  });
});
