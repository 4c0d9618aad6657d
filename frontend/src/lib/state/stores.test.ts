// The small stores the window's state is split into: an error from Go is a
// toast with Go's reason, a loading state never outlives its call, and focus
// and scroll requests are plain calls into what registered for them.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, cleanup, fireEvent } from '@testing-library/svelte';
import { flushSync, tick } from 'svelte';
import { setApi } from '../api';
import { createFakeApi, conv, msg, survey, type FakeApi } from '../fake';
import { app } from './app.svelte';
import { chat } from './chat.svelte';
import { conversationList } from './conversationList.svelte';
import { models } from './models.svelte';
import { search } from './search.svelte';
import { settings } from './settings.svelte';
import { streams } from './streams.svelte';
import { toasts, ToastStore } from './toasts.svelte';
import { ui, UiStore } from './ui.svelte';
import Composer from '../components/Composer.svelte';
import MessageList from '../components/MessageList.svelte';
import Sidebar from '../components/Sidebar.svelte';
import SettingsView from '../components/SettingsView.svelte';
import MessageItem from '../components/MessageItem.svelte';
import Banners from '../components/Banners.svelte';

let fake: FakeApi;
const errors = () => toasts.toasts.filter((t) => t.kind === 'error').map((t) => t.text);
/** Go rejects a bound call with its error message as a plain string. */
const goRefuses = (reason: string) => async () => {
  throw reason;
};

beforeEach(async () => {
  fake = createFakeApi({
    conversations: [conv({ id: 1, title: 'One' }), conv({ id: 2, title: 'Two' })],
    messages: [
      msg({ id: 11, conversationId: 1, role: 'user', content: 'Hi' }),
      msg({ id: 12, conversationId: 1, role: 'assistant', content: 'Hello' }),
    ],
  });
  setApi(fake);
  ui.helpOpen = false;
  ui.settingsOpen = false;
  chat.newChat();
  await models.refresh(true);
  await conversationList.refresh();
  toasts.clear();
});
afterEach(() => {
  cleanup();
  app.destroy();
  toasts.clear();
  // Answers a test sent stay "streaming" (the fake does not answer): forget them.
  for (const id of Object.keys(streams.answers)) streams.forget(Number(id));
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('toasts', () => {
  it('show the reason Go gave, go away on their own, and keep a short log', () => {
    vi.useFakeTimers();
    const t = new ToastStore();
    t.fail('Could not send', 'the endpoint refused the model');
    expect(t.toasts).toEqual([{ id: 1, text: 'Could not send: the endpoint refused the model', kind: 'error', action: undefined }]);
    t.show('Saved.');
    vi.advanceTimersByTime(6000);
    expect(t.toasts.map((x) => x.text)).toEqual(['Could not send: the endpoint refused the model']); // errors stay longer
    vi.advanceTimersByTime(3000);
    expect(t.toasts).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    for (let i = 0; i < 40; i++) t.show(`n${i}`);
    expect(t.log).toHaveLength(30);
    expect(t.log.at(-1)).toBe('n39');
  });

  it('dismissing one also drops its timer', () => {
    vi.useFakeTimers();
    const t = new ToastStore();
    const id = t.show('Conversation deleted.', 'info', { label: 'Undo', run: () => {} }, 10000);
    expect(vi.getTimerCount()).toBe(1);
    t.dismiss(id);
    expect(t.toasts).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('an error from Go is a toast with its reason', () => {
  it('Send: the toast, the question back in the composer, and Send is free again', async () => {
    fake.ChatService.Send = goRefuses('model "llama3.2" not found, try pulling it first');
    expect(chat.send('Tell me a story')).toBe(true);
    expect(chat.sendingFrom).toBe(0);
    await vi.waitFor(() => expect(errors()).toEqual(['Could not send: model "llama3.2" not found, try pulling it first']));
    expect(chat.sendingFrom).toBe(-1);
    expect(chat.streaming).toBe(false);
    expect(chat.messages).toEqual([]); // the optimistic message is gone
    expect(chat.draft).toBe('Tell me a story');
  });

  it('the conversation list, rename, pin, archive and delete', async () => {
    fake.ConversationService.List = goRefuses('database is locked');
    await conversationList.refresh();
    fake.ConversationService.Rename = goRefuses('no such conversation');
    await conversationList.rename(1, 'New name');
    fake.ConversationService.SetPinned = goRefuses('disk full');
    await conversationList.setPinned(1, true);
    fake.ConversationService.SetArchived = goRefuses('disk full');
    await conversationList.setArchived(1, true);
    fake.ConversationService.Delete = goRefuses('disk full');
    await conversationList.remove(1);
    expect(errors()).toEqual([
      'Could not load the conversation list: database is locked',
      'Could not rename: no such conversation',
      'Could not pin: disk full',
      'Could not archive: disk full',
      'Could not delete: disk full',
    ]);
    expect(conversationList.items.map((c) => c.title)).toContain('One'); // nothing changed
  });

  it('a renamed or drafted conversation shows in its row: items change by being replaced', async () => {
    const s = render(Sidebar);
    const row = (title: string) => s.getByText(title).closest('li, a, button, [role="option"], div')!;
    await chat.open(1);
    const before = conversationList.items;
    chat.setDraft('half a thought');
    expect(conversationList.items).toBe(before); // not per keystroke
    await chat.open(2); // leaving flushes the draft
    flushSync();
    expect(conversationList.find(1)?.draft).toBe('half a thought');
    expect(conversationList.items).not.toBe(before);
    expect(row('One').textContent).toContain('draft');
    await conversationList.rename(2, 'Second');
    flushSync();
    expect(s.getByText('Second')).toBeTruthy();
    expect(s.queryByText('Two')).toBeNull();
    await chat.open(1);
    chat.send('half a thought');
    await chat.open(2);
    flushSync();
    expect(conversationList.find(1)?.draft).toBe('');
    expect(row('One').textContent).not.toContain('draft');
  });

  it('export returns null after the toast (no rejection left for anyone to swallow)', async () => {
    fake.TransferService.Export = goRefuses('permission denied: /root/out.md');
    await expect(conversationList.exportTo([1], 'markdown')).resolves.toBeNull();
    expect(errors()).toEqual(['Export failed: permission denied: /root/out.md']);
    fake.TransferService.Export = async () => '';
    await expect(conversationList.exportTo([1], 'markdown')).resolves.toBe(''); // cancelled: no toast
    expect(toasts.toasts).toHaveLength(1);
  });

  it('a draft that could not be saved, or cleared on Send', async () => {
    await chat.open(1);
    fake.ConversationService.SaveDraft = goRefuses('database is locked');
    chat.setDraft('half a thought');
    chat.flushDraft();
    await vi.waitFor(() => expect(errors()).toEqual(['Could not save the draft: database is locked']));
    chat.send('half a thought');
    await vi.waitFor(() => expect(errors()).toContain('Could not clear the draft: database is locked'));
  });

  it('choosing a model the conversation could not keep', async () => {
    await chat.open(1);
    fake.ConversationService.SetModel = goRefuses('no such endpoint');
    await chat.chooseModel({ endpointId: 'gone', model: 'x' });
    expect(errors()).toEqual(['Could not change the model: no such endpoint']);
  });

  it('at start-up: the startup notice and the answers still running', async () => {
    fake.SettingsService.StartupNotice = goRefuses('could not read the notice file');
    fake.ChatService.ActiveAnswers = goRefuses('Brook is shutting down');
    await app.init();
    await vi.waitFor(() =>
      expect(errors()).toEqual([
        'Could not read the startup notice: could not read the notice file',
        'Could not list the answers still running: Brook is shutting down',
      ]),
    );
    expect(app.ready).toBe(true);
  });

  it('from the live answers (streams.onError)', async () => {
    streams.stop(); // start() reads the words for reasons again
    fake.SystemService.ReasonTexts = goRefuses('Brook is still starting');
    await app.init();
    await vi.waitFor(() => expect(errors()).toEqual(['Could not read the words for answers’ reasons: Brook is still starting']));
  });

  it('at start-up: an answer still running that could not be fetched', async () => {
    fake.ChatService.ActiveAnswers = async () => [999];
    await app.init();
    await vi.waitFor(() => expect(errors()).toEqual(['Could not show an answer still running: message not found']));
  });

  it('saving the settings', async () => {
    settings.value = await fake.SettingsService.Get();
    fake.SettingsService.Save = goRefuses('idle timeout must be between 1 and 3600 seconds');
    expect(await settings.save({ ...fake.db.settings, idleTimeoutSeconds: 0 })).toBe(false);
    expect(errors()).toEqual(['Could not save the settings: idle timeout must be between 1 and 3600 seconds']);
    expect(settings.value?.idleTimeoutSeconds).toBe(60); // unchanged
  });

  it('Settings: parts that did not load say so, and the rest works', async () => {
    fake.SettingsService.Backups = goRefuses('backups folder unreadable');
    fake.SettingsService.ServerKinds = goRefuses('not ready');
    const r = render(SettingsView);
    await vi.waitFor(() =>
      expect(errors().sort()).toEqual(['Could not list the backups: backups folder unreadable', 'Could not list the server kinds: not ready']),
    );
    await vi.waitFor(() => expect(r.getAllByTestId('endpoint-server')).toHaveLength(1));
  });

  it('a copy that failed every way says why, and the button does not claim "Copied"', async () => {
    const writeText = vi.fn(async () => {
      throw new Error('Write permission denied.');
    });
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const r = render(MessageItem, { message: msg({ id: 12, conversationId: 1, role: 'assistant', content: 'Hello' }) });
    await fireEvent.click(r.getByTestId('copy'));
    await vi.waitFor(() => expect(errors()).toHaveLength(1));
    expect(errors()[0]).toMatch(/^Could not copy the answer: the clipboard refused \(Write permission denied\.\); /);
    expect(r.getByTestId('copy').textContent).toBe('Copy');
  });

  it('a link Brook could not open', async () => {
    fake.db.models = [
      survey({ endpoint: { id: 'o', name: 'Ollama', kind: 'ollama', baseUrl: 'http://127.0.0.1:11434', enabled: true }, reachable: false, models: [] }),
    ];
    await models.refresh();
    fake.SystemService.OpenURL = goRefuses('no browser found');
    const r = render(Banners);
    await fireEvent.click(r.getByText('ollama.com'));
    await vi.waitFor(() => expect(errors()).toEqual(['Could not open the link: no browser found']));
  });

  it('Settings: Save is not left busy when saving failed', async () => {
    settings.value = await fake.SettingsService.Get();
    fake.SettingsService.Save = goRefuses('read-only file system');
    const r = render(SettingsView);
    const save = await vi.waitFor(() => r.getByText('Save settings') as HTMLButtonElement);
    await fireEvent.click(save);
    await vi.waitFor(() => expect(errors()).toEqual(['Could not save the settings: read-only file system']));
    flushSync();
    expect(save.disabled).toBe(false);
  });
});

describe('a loading state is cleared when its call fails', () => {
  it('opening a conversation', async () => {
    fake.ConversationService.Open = goRefuses('database disk image is malformed');
    const p = chat.open(2);
    expect(chat.loading).toBe(true);
    await p;
    expect(chat.loading).toBe(false);
    expect(chat.currentId).toBe(2);
    expect(chat.openError).toBe('Could not open this conversation: database disk image is malformed');
    const { container } = render(MessageList);
    flushSync();
    expect(container.querySelector('[role="alert"]')?.textContent).toContain('database disk image is malformed');
    expect(container.textContent).not.toContain('Loading…');
  });

  it('the model check', async () => {
    fake.ModelService.Overview = goRefuses('connection refused');
    const p = models.refresh();
    expect(models.loading).toBe(true);
    await p;
    expect(models.loading).toBe(false);
    expect(models.checked).toBe(true);
    expect(models.error).toBe('connection refused');
  });

  it('search', async () => {
    fake.ConversationService.Search = goRefuses('fts5: syntax error near "("');
    await search.run('(');
    expect(search.results).toEqual([]);
    expect(search.error).toBe('fts5: syntax error near "("');
    search.clear();
    expect(search.results).toBeNull();
    expect(search.error).toBe('');
  });
});

describe('focus requests call what registered', () => {
  it('the composer: focused when asked, not under a sheet, and again when the sheet closes', () => {
    const u = new UiStore();
    const composer = { focus: vi.fn() };
    const off = u.registerComposer(composer);
    expect(composer.focus).toHaveBeenCalledTimes(1); // it appears with the focus
    u.focusComposer();
    expect(composer.focus).toHaveBeenCalledTimes(2);
    u.openHelp();
    u.focusComposer();
    expect(composer.focus).toHaveBeenCalledTimes(2); // the help sheet has it
    u.closeHelp();
    expect(composer.focus).toHaveBeenCalledTimes(3);
    u.openSettings();
    u.closeSettings();
    expect(composer.focus).toHaveBeenCalledTimes(4);
    off();
    u.focusComposer();
    expect(composer.focus).toHaveBeenCalledTimes(4);
  });

  it('the search box: a request made while the sidebar is closed is served when it appears', () => {
    const u = new UiStore();
    u.sidebarOpen = false;
    u.focusSearch();
    expect(u.sidebarOpen).toBe(true);
    const box = { focus: vi.fn(), select: vi.fn() };
    u.registerSearch(box);
    expect(box.focus).toHaveBeenCalledTimes(1);
    expect(box.select).toHaveBeenCalledTimes(1);
    // Served once: registering again (the sidebar mounted anew) does not steal the focus.
    const again = { focus: vi.fn() };
    u.registerSearch(again);
    expect(again.focus).not.toHaveBeenCalled();
    u.focusSearch();
    expect(again.focus).toHaveBeenCalledTimes(1);
  });

  it('the real composer takes the focus from the store, and the real search box from Ctrl+K', async () => {
    const c = render(Composer);
    const ta = c.getByTestId('composer') as HTMLTextAreaElement;
    expect(document.activeElement).toBe(ta);
    ta.blur();
    ui.focusComposer();
    expect(document.activeElement).toBe(ta);

    ui.focusSearch(); // the sidebar is not mounted yet
    const s = render(Sidebar);
    flushSync();
    expect(document.activeElement).toBe(s.getByTestId('search'));
    // Escape in the search box hands the focus back to the composer.
    await fireEvent.keyDown(s.getByTestId('search'), { key: 'Escape' });
    expect(document.activeElement).toBe(ta);
  });

  it('opening a conversation or choosing a model focuses the composer', async () => {
    const composer = { focus: vi.fn() };
    const off = ui.registerComposer(composer);
    composer.focus.mockClear();
    await chat.open(1);
    expect(composer.focus).toHaveBeenCalled();
    composer.focus.mockClear();
    await chat.chooseModel({ endpointId: 'ollama', model: 'llama3.2' });
    expect(composer.focus).toHaveBeenCalledTimes(1);
    off();
  });
});

describe('scroll requests call the message list', () => {
  it('open → showNewest, send → scrollToBottom, a search hit → reveal', async () => {
    const view = { showNewest: vi.fn(), scrollToBottom: vi.fn(), reveal: vi.fn() };
    const off = ui.registerMessageList(view);
    await chat.open(1);
    expect(view.showNewest).toHaveBeenCalledTimes(1);
    expect(view.reveal).not.toHaveBeenCalled();
    expect(chat.send('And again')).toBe(true);
    expect(view.scrollToBottom).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(chat.sendingFrom).toBe(-1));
    await chat.open(1, 11); // already open: only the reveal
    expect(view.reveal).toHaveBeenCalledWith(11);
    expect(view.showNewest).toHaveBeenCalledTimes(1);
    off();
  });

  it('a search hit in the real list is brought into view and flashed', async () => {
    const scrolled: string[] = [];
    Element.prototype.scrollIntoView = function (this: Element) {
      scrolled.push((this as HTMLElement).dataset.messageId ?? '');
    };
    try {
      const { container } = render(MessageList);
      await chat.open(1, 11);
      await tick();
      flushSync();
      expect(scrolled).toEqual(['11']);
      expect(container.querySelector('[data-message-id="11"]')?.classList.contains('highlighted')).toBe(true);
    } finally {
      delete (Element.prototype as { scrollIntoView?: unknown }).scrollIntoView;
    }
  });
});
