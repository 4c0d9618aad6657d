// The WAI-ARIA menu keys: arrows (wrapping), Home and End, typeahead, and
// focus back to the opener; on the sidebar's real menus and the New chat
// from an assistant menu (Ctrl+N twice, typing a name).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, waitFor, within } from '@testing-library/svelte';
import { nextIndex, typeahead } from './menuKeys';
import { setApi } from './api';
import { assistant, conv, createFakeApi, project, type FakeApi } from './fake';
import { conversationList } from './state/conversationList.svelte';
import { projects } from './state/projects.svelte';
import { chat } from './state/chat.svelte';
import { toasts } from './state/toasts.svelte';
import Sidebar from './components/Sidebar.svelte';

describe('the keys of a menu', () => {
  it('arrows wrap, Home and End go to the ends, other keys are left alone', () => {
    expect([nextIndex('ArrowDown', 2, 3), nextIndex('ArrowUp', 0, 3), nextIndex('ArrowDown', -1, 3)]).toEqual([0, 2, 0]);
    expect([nextIndex('Home', 1, 3), nextIndex('End', 1, 3), nextIndex('x', 1, 3), nextIndex('ArrowDown', 0, 0)]).toEqual([0, 2, undefined, undefined]);
  });

  it('typeahead finds the next item starting with the letter, and stays on one matching more letters', () => {
    const labels = ['Rename', 'Pin', 'Archive', 'Move to project…', 'Export as Markdown…', 'Export as JSON…'];
    expect(typeahead(labels, 0, 'e')).toBe(4);
    expect(typeahead(labels, 4, 'e')).toBe(5);
    expect(typeahead(labels, 5, 'e')).toBe(4);
    expect(typeahead(labels, 4, 'export as j')).toBe(5);
    expect(typeahead(labels, -1, 'r')).toBe(0);
    expect(typeahead(labels, 0, 'z')).toBe(-1);
  });
});

let fake: FakeApi;
beforeEach(async () => {
  fake = createFakeApi({
    projects: [project({ id: 100, name: 'Garden' })],
    conversations: [conv({ id: 1, title: 'Tomatoes' })],
    assistants: [assistant({ id: 200, name: 'Poet' }), assistant({ id: 201, name: 'Translator' })],
  });
  setApi(fake);
  await conversationList.refresh();
});
afterEach(() => {
  cleanup();
  toasts.clear();
});

describe('the sidebar’s menus', () => {
  it('a chat’s menu takes focus, moves by arrows and letters, and gives focus back on Escape', async () => {
    const r = render(Sidebar);
    const item = r.getAllByTestId('conversation-item')[0];
    const opener = within(item).getByTestId('conversation-menu');
    opener.focus();
    await fireEvent.click(opener);
    const menu = await within(item).findByRole('menu');
    await waitFor(() => expect(document.activeElement?.textContent?.trim()).toBe('Rename'));
    await fireEvent.keyDown(menu, { key: 'ArrowUp' });
    expect(document.activeElement?.textContent?.trim()).toBe('Delete');
    await fireEvent.keyDown(menu, { key: 'Home' });
    await fireEvent.keyDown(menu, { key: 'm' });
    expect(document.activeElement?.textContent?.trim()).toBe('Move to project…');
    await fireEvent.keyDown(menu, { key: 'End' });
    expect(document.activeElement?.textContent?.trim()).toBe('Delete');
    await fireEvent.keyDown(menu, { key: 'Escape' });
    await waitFor(() => expect(within(item).queryByRole('menu')).toBeNull());
    expect(document.activeElement).toBe(opener);
  });

  it('moves a chat into a project with the keyboard alone', async () => {
    const r = render(Sidebar);
    const item = r.getAllByTestId('conversation-item')[0];
    await fireEvent.click(within(item).getByTestId('conversation-menu'));
    const menu = await within(item).findByRole('menu');
    await fireEvent.keyDown(menu, { key: 'm' });
    (document.activeElement as HTMLElement).click(); // Enter on a menu item
    await waitFor(() => expect(document.activeElement?.textContent).toContain('← Move to project'));
    await fireEvent.keyDown(menu, { key: 'ArrowDown' });
    expect(document.activeElement?.textContent).toContain('Garden');
    (document.activeElement as HTMLElement).click();
    await waitFor(() => expect(fake.db.conversations[0].projectId).toBe(100));
  });
});

describe('New chat from an assistant', () => {
  it('Ctrl+N in a new empty chat opens it; typing a name and Enter starts a chat from that assistant', async () => {
    const r = render(Sidebar);
    chat.newChat();
    projects.askAssistant = true; // what App does on Ctrl+N here
    const filter = (await r.findByTestId('assistant-filter')) as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(filter));
    await fireEvent.input(filter, { target: { value: 'tra' } });
    expect(r.getAllByTestId('assistant-item').map((b) => b.textContent)).toEqual(['Translator']);
    await fireEvent.keyDown(filter, { key: 'Enter' });
    await waitFor(() => expect(chat.current?.assistantName).toBe('Translator'));
    expect(r.queryByTestId('assistant-filter')).toBeNull();
  });
});
