// Application state shared by every component: settings, models, the
// conversation list, the open conversation and its messages, toasts.
import {
  api,
  errorText,
  type Conversation,
  type EndpointModels,
  type ExportFormat,
  type Message,
  type Params,
  type SearchHit,
  type Selection,
  type Settings,
  type Theme,
} from '../api';
import { streams } from './streams.svelte';

export interface Toast {
  id: number;
  text: string;
  kind: 'info' | 'error';
  action?: { label: string; run: () => void };
}

const LIST_LIMIT = 500;
const RECHECK_FIRST_MS = 15_000;
const RECHECK_MAX_MS = 120_000;
let toastSeq = 0;
let tempSeq = 0;

const systemDark = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
let chosenTheme: Theme | undefined;

/**
 * Sets data-theme on the root to "light" or "dark", resolving "system" here,
 * so the CSS has one dark palette. A system change is followed live.
 */
export function applyTheme(theme: Theme | undefined): void {
  chosenTheme = theme;
  const dark = theme === 'dark' || (theme !== 'light' && !!systemDark?.matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}
systemDark?.addEventListener?.('change', () => applyTheme(chosenTheme));

export class AppStore {
  ready = $state(false);
  fatal = $state('');
  settings = $state<Settings | null>(null);
  endpointModels = $state<EndpointModels[]>([]);
  modelsLoading = $state(false);
  modelsError = $state('');
  modelsChecked = $state(false);
  selection = $state<Selection>({ endpointId: '', model: '' });
  conversations = $state<Conversation[]>([]);
  showArchived = $state(false);
  currentId = $state(0);
  current = $state<Conversation | null>(null);
  messages = $state<Message[]>([]);
  loadingConversation = $state(false);
  openError = $state('');
  notice = $state('');
  bannerDismissed = $state(false);
  toasts = $state<Toast[]>([]);
  draft = $state('');
  settingsOpen = $state(false);
  helpOpen = $state(false);
  sidebarOpen = $state(true);
  /** Bumped to ask the composer / search box to take focus. */
  composerFocusTick = $state(0);
  searchFocusTick = $state(0);
  /** Bumped to ask the message list to scroll to the bottom. */
  scrollToBottomTick = $state(0);
  highlight = $state<{ messageId: number; tick: number } | null>(null);
  searchQuery = $state('');
  searchResults = $state<SearchHit[] | null>(null);
  searchError = $state('');

  /** Conversation id a Send is in flight from (0 = new chat), or -1. */
  sendingFrom = $state(-1);
  currentStreaming = $derived(streams.isStreaming(this.currentId) || this.sendingFrom === this.currentId);
  unreachable = $derived(this.endpointModels.filter((e) => e.endpoint.enabled && !e.reachable));
  availableModels = $derived(
    this.endpointModels.filter((e) => e.endpoint.enabled && e.reachable).flatMap((e) => e.models),
  );
  selectedEndpoint = $derived(this.endpointModels.find((e) => e.endpoint.id === this.selection.endpointId));

  private draftTimer: ReturnType<typeof setTimeout> | null = null;
  private draftPending: { id: number; text: string } | null = null;
  private newChatDraft = '';
  private listTimer: ReturnType<typeof setTimeout> | null = null;
  private openSeq = 0;
  private unsubs: (() => void)[] = [];

  constructor() {
    // A finished answer replaces the shown message (stats, final state).
    streams.onFinal((m) => this.replaceMessage(m));
  }

  async init(): Promise<void> {
    streams.start();
    this.unsubs.push(api.events.onConversationsChanged(() => this.scheduleListRefresh()));
    try {
      const s = await api.settings.get();
      this.settings = s;
      applyTheme(s.theme);
    } catch (e) {
      this.fatal = 'Brook could not load its settings: ' + errorText(e);
    }
    api.settings
      .startupNotice()
      .then((n) => (this.notice = n ?? ''))
      .catch(() => {});
    await Promise.all([this.refreshConversations(), this.refreshModels(true)]);
    // Answers still running (e.g. after a reload of the UI) are tracked too.
    api.chat
      .activeAnswers()
      .then((ids) =>
        ids.forEach((id) =>
          api.conversations
            .getMessage(id)
            .then((m) => streams.track(m))
            .catch(() => {}),
        ),
      )
      .catch(() => {});
    this.ready = true;
    this.composerFocusTick++;
    this.watchEndpoints = true;
    this.planRecheck();
  }

  destroy(): void {
    this.unsubs.forEach((u) => u());
    this.unsubs = [];
    this.watchEndpoints = false;
    this.planRecheck();
  }

  // ---- unreachable endpoints ---------------------------------------------
  // While an endpoint is away, look again now and then, so starting Ollama is
  // noticed: after 15 s, then less and less often (up to every 2 min). Nothing
  // is scheduled while every endpoint answers: an idle Brook runs no timer.
  private watchEndpoints = false;
  private recheckTimer: ReturnType<typeof setTimeout> | null = null;
  private recheckMs = RECHECK_FIRST_MS;

  /** Called after every look at the endpoints (and at start and end). */
  private planRecheck(): void {
    if (!this.watchEndpoints || this.unreachable.length === 0) {
      if (this.recheckTimer) clearTimeout(this.recheckTimer);
      this.recheckTimer = null;
      this.recheckMs = RECHECK_FIRST_MS;
      return;
    }
    if (this.recheckTimer) return;
    this.recheckTimer = setTimeout(() => {
      this.recheckTimer = null;
      this.recheckMs = Math.min(RECHECK_MAX_MS, this.recheckMs * 2);
      if (document.visibilityState === 'hidden') this.planRecheck();
      else void this.refreshModels(false, true);
    }, this.recheckMs);
  }

  // ---- toasts ------------------------------------------------------------
  /** The last toasts shown, kept for test-mode reports. */
  toastLog: string[] = [];

  toast(text: string, kind: Toast['kind'] = 'info', action?: Toast['action'], ms = 6000): number {
    const id = ++toastSeq;
    this.toastLog.push(text);
    if (this.toastLog.length > 30) this.toastLog.shift();
    this.toasts.push({ id, text, kind, action });
    setTimeout(() => this.dismissToast(id), ms);
    return id;
  }
  dismissToast(id: number): void {
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }
  fail(what: string, e: unknown): void {
    this.toast(`${what}: ${errorText(e)}`, 'error', undefined, 9000);
  }

  // ---- models ------------------------------------------------------------
  async refreshModels(initial = false, quiet = false): Promise<void> {
    if (quiet && this.modelsLoading) return;
    if (!quiet) this.modelsLoading = true;
    this.modelsError = '';
    try {
      // One survey: the endpoints, and the model a new conversation starts with.
      const overview = await api.models.overview();
      const list = overview.endpoints;
      const def = initial || !this.selection.model ? overview.selection : null;
      this.endpointModels = list;
      if (!quiet) this.bannerDismissed = false;
      if (def && def.model) this.selection = def;
      if (!this.selection.model) {
        const first = list.find((e) => e.endpoint.enabled && e.reachable && e.models.length);
        if (first) this.selection = { endpointId: first.endpoint.id, model: first.models[0].name };
      }
    } catch (e) {
      this.modelsError = errorText(e);
    } finally {
      this.modelsLoading = false;
      this.modelsChecked = true;
      this.planRecheck();
    }
  }

  async selectModel(sel: Selection): Promise<void> {
    this.selection = sel;
    if (this.currentId) {
      try {
        await api.conversations.setModel(this.currentId, sel.endpointId, sel.model);
        if (this.current) {
          this.current.endpointId = sel.endpointId;
          this.current.model = sel.model;
        }
      } catch (e) {
        this.fail('Could not change the model', e);
      }
    }
    this.composerFocusTick++;
  }

  // ---- conversation list -------------------------------------------------
  scheduleListRefresh(): void {
    if (this.listTimer) clearTimeout(this.listTimer);
    this.listTimer = setTimeout(() => {
      this.listTimer = null;
      this.refreshConversations();
    }, 80);
  }

  private listSeq = 0;
  async refreshConversations(): Promise<void> {
    const seq = ++this.listSeq;
    try {
      const list = await api.conversations.list(this.showArchived, LIST_LIMIT, 0);
      if (seq !== this.listSeq) return; // a newer refresh is on its way; bound calls race
      this.conversations = list;
      const cur = list.find((c) => c.id === this.currentId);
      if (cur && this.current) {
        // Keep header fields fresh (e.g. auto titles) without clobbering local edits.
        this.current.title = cur.title;
        this.current.titleIsAuto = cur.titleIsAuto;
        this.current.pinned = cur.pinned;
        this.current.archived = cur.archived;
      }
    } catch (e) {
      if (seq !== this.listSeq) return;
      this.fail('Could not load the conversation list', e);
    }
  }

  async toggleArchived(): Promise<void> {
    this.showArchived = !this.showArchived;
    await this.refreshConversations();
  }

  // ---- opening -----------------------------------------------------------
  newChat(): void {
    this.flushDraft();
    this.openSeq++;
    this.currentId = 0;
    this.current = null;
    this.messages = [];
    this.openError = '';
    this.draft = this.newChatDraft;
    this.loadingConversation = false;
    this.selectDefaultModel();
    this.composerFocusTick++;
    if (typeof window !== 'undefined' && window.innerWidth < 900) this.sidebarOpen = false;
  }

  /** A new conversation starts with the Default model (Settings) while it is offered; else the selection stays. */
  private selectDefaultModel(): void {
    const s = this.settings;
    if (!s?.defaultModel) return;
    const offered = this.endpointModels.some(
      (e) => e.endpoint.id === s.defaultEndpointId && e.models.some((m) => m.name === s.defaultModel),
    );
    if (offered) this.selection = { endpointId: s.defaultEndpointId, model: s.defaultModel };
  }

  async openConversation(id: number, highlightMessageId?: number): Promise<void> {
    if (id === this.currentId && this.current) {
      if (highlightMessageId) this.highlight = { messageId: highlightMessageId, tick: Date.now() };
      this.composerFocusTick++;
      return;
    }
    this.flushDraft();
    const seq = ++this.openSeq;
    this.currentId = id;
    this.loadingConversation = true;
    this.openError = '';
    const fromList = this.conversations.find((c) => c.id === id);
    this.current = fromList ? { ...fromList } : null;
    this.messages = [];
    this.draft = fromList?.draft ?? '';
    const draftAtStart = this.draft;
    this.composerFocusTick++;
    if (typeof window !== 'undefined' && window.innerWidth < 900) this.sidebarOpen = false;
    try {
      const v = await api.conversations.open(id);
      if (seq !== this.openSeq) return;
      this.current = v.conversation;
      this.messages = v.messages;
      if (this.draft === draftAtStart) this.draft = v.conversation.draft ?? '';
      for (const m of v.messages) streams.track(m);
      if (v.conversation.model) {
        this.selection = { endpointId: v.conversation.endpointId, model: v.conversation.model };
      }
      this.highlight = highlightMessageId ? { messageId: highlightMessageId, tick: Date.now() } : null;
      if (!highlightMessageId) this.scrollToBottomTick++;
    } catch (e) {
      if (seq !== this.openSeq) return;
      this.openError = 'Could not open this conversation: ' + errorText(e);
    } finally {
      if (seq === this.openSeq) {
        this.loadingConversation = false;
        this.composerFocusTick++;
      }
    }
  }

  /** A finished (or refetched) message replaces the shown one. */
  replaceMessage(m: Message): void {
    if (m.conversationId !== this.currentId) return;
    const i = this.messages.findIndex((x) => x.id === m.id);
    if (i >= 0) this.messages[i] = m;
  }

  // ---- drafts ------------------------------------------------------------
  setDraft(text: string): void {
    this.draft = text;
    if (this.currentId === 0) {
      this.newChatDraft = text;
      return;
    }
    const c = this.conversations.find((c) => c.id === this.currentId);
    if (c) c.draft = text;
    this.draftPending = { id: this.currentId, text };
    if (this.draftTimer) clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => this.flushDraft(), 600);
  }

  flushDraft(): void {
    if (this.draftTimer) clearTimeout(this.draftTimer);
    this.draftTimer = null;
    const p = this.draftPending;
    this.draftPending = null;
    if (p) api.conversations.saveDraft(p.id, p.text).catch((e) => console.warn('brook: draft not saved', e));
  }

  // ---- sending -----------------------------------------------------------
  /** Returns true when the text was taken (the composer clears itself). */
  send(text: string): boolean {
    const body = text.trim();
    if (!body) return false;
    if (this.currentStreaming) return false;
    const sel = this.selection;
    if (!sel.model) {
      this.toast(
        this.endpointModels.length
          ? 'Choose a model first (the model picker is at the top).'
          : 'No model endpoint is set up yet. Open Settings to add one.',
        'error',
      );
      return false;
    }
    const fromId = this.currentId;
    const temp: Message = {
      id: -++tempSeq,
      uid: '',
      conversationId: fromId,
      role: 'user',
      content: body,
      state: 'complete',
      createdAt: Date.now(),
      updatedAt: Date.now(),
    };
    this.messages.push(temp);
    // The draft is gone once sent.
    if (this.draftTimer) clearTimeout(this.draftTimer);
    this.draftTimer = null;
    this.draftPending = null;
    this.draft = '';
    if (fromId === 0) this.newChatDraft = '';
    else {
      const c = this.conversations.find((c) => c.id === fromId);
      if (c) c.draft = '';
      api.conversations.saveDraft(fromId, '').catch(() => {});
    }
    this.scrollToBottomTick++;
    void this.doSend(fromId, body, sel, temp.id);
    return true;
  }

  private async doSend(fromId: number, body: string, sel: Selection, tempId: number): Promise<void> {
    const openSeq = this.openSeq;
    this.sendingFrom = fromId;
    try {
      const r = await api.chat.send(fromId, body, sel.endpointId, sel.model);
      streams.track(r.answer);
      const stillHere = this.currentId === fromId && this.openSeq === openSeq;
      if (stillHere) {
        if (fromId === 0) {
          this.currentId = r.conversation.id;
          this.current = r.conversation;
        }
        const i = this.messages.findIndex((m) => m.id === tempId);
        if (i >= 0) this.messages[i] = r.user;
        else this.messages.push(r.user);
        if (!this.messages.some((m) => m.id === r.answer.id)) this.messages.push(r.answer);
        this.scrollToBottomTick++;
      }
      this.scheduleListRefresh();
    } catch (e) {
      if (this.currentId === fromId) {
        this.messages = this.messages.filter((m) => m.id !== tempId);
        if (!this.draft) this.setDraft(body);
      }
      this.fail('Could not send', e);
    } finally {
      this.sendingFrom = -1;
    }
  }

  async stop(): Promise<void> {
    const ids = streams.streamingIds(this.currentId);
    await Promise.all(ids.map((id) => api.chat.stop(id).catch((e) => this.fail('Could not stop', e))));
  }

  async stopAnswer(id: number): Promise<void> {
    try {
      await api.chat.stop(id);
    } catch (e) {
      this.fail('Could not stop', e);
    }
  }

  /** "Don't wait": ask the waiting answer without streaming. False (after a toast) when Go refused. */
  async askNow(id: number): Promise<boolean> {
    try {
      await api.chat.askNow(id);
      return true;
    } catch (e) {
      this.fail('Could not ask without streaming', e);
      return false;
    }
  }

  private async restart(m: Message, how: 'retry' | 'continue'): Promise<void> {
    streams.forget(m.id);
    try {
      const r = how === 'retry' ? await api.chat.retry(m.id) : await api.chat.continue(m.id);
      streams.track(r);
      this.replaceMessage(r);
      this.scrollToBottomTick++;
      this.composerFocusTick++;
    } catch (e) {
      this.fail(how === 'retry' ? 'Could not retry' : 'Could not continue', e);
    }
  }
  retry(m: Message): Promise<void> {
    return this.restart(m, 'retry');
  }
  continueAnswer(m: Message): Promise<void> {
    return this.restart(m, 'continue');
  }

  async regenerate(m: Message): Promise<void> {
    try {
      const r = await api.chat.regenerate(m.id);
      streams.track(r);
      if (r.conversationId === this.currentId && !this.messages.some((x) => x.id === r.id)) this.messages.push(r);
      this.scrollToBottomTick++;
      this.composerFocusTick++;
    } catch (e) {
      this.fail('Could not regenerate', e);
    }
  }

  async editAndResend(m: Message, text: string): Promise<SendResultLike | null> {
    const body = text.trim();
    if (!body) return null;
    const originalId = m.conversationId;
    try {
      const r = await api.chat.editAndResend(m.id, body);
      streams.track(r.answer);
      this.scheduleListRefresh();
      await this.openConversation(r.conversation.id);
      this.toast('Sent in a new conversation. The original conversation is unchanged.', 'info', {
        label: 'Open original',
        run: () => this.openConversation(originalId),
      });
      return { conversationId: r.conversation.id, originalId };
    } catch (e) {
      this.fail('Could not resend', e);
      return null;
    }
  }

  async deleteMessage(m: Message): Promise<void> {
    try {
      await api.conversations.deleteMessage(m.id);
      this.messages = this.messages.filter((x) => x.id !== m.id);
    } catch (e) {
      this.fail('Could not delete the message', e);
    }
  }

  // ---- conversation actions ----------------------------------------------
  async rename(id: number, title: string): Promise<void> {
    const t = title.trim();
    if (!t) return;
    try {
      await api.conversations.rename(id, t);
      const c = this.conversations.find((c) => c.id === id);
      if (c) c.title = t;
      if (this.current?.id === id) this.current.title = t;
    } catch (e) {
      this.fail('Could not rename', e);
    }
  }

  async setPinned(id: number, pinned: boolean): Promise<void> {
    try {
      await api.conversations.setPinned(id, pinned);
      await this.refreshConversations();
    } catch (e) {
      this.fail('Could not pin', e);
    }
  }

  async setArchived(id: number, archived: boolean): Promise<void> {
    try {
      await api.conversations.setArchived(id, archived);
      await this.refreshConversations();
      this.toast(archived ? 'Conversation archived.' : 'Conversation restored from the archive.', 'info', {
        label: 'Undo',
        run: () => this.setArchived(id, !archived),
      });
    } catch (e) {
      this.fail('Could not archive', e);
    }
  }

  async deleteConversation(id: number): Promise<void> {
    try {
      await api.conversations.delete(id);
      if (this.currentId === id) this.newChat();
      await this.refreshConversations();
      this.toast('Conversation deleted.', 'info', {
        label: 'Undo',
        run: async () => {
          try {
            await api.conversations.restore(id);
            await this.refreshConversations();
          } catch (e) {
            this.fail('Could not restore', e);
          }
        },
      }, 10000);
    } catch (e) {
      this.fail('Could not delete', e);
    }
  }

  async setSystemPrompt(text: string): Promise<void> {
    if (!this.currentId) return;
    try {
      await api.conversations.setSystemPrompt(this.currentId, text);
      if (this.current) this.current.systemPrompt = text;
    } catch (e) {
      this.fail('Could not save the system prompt', e);
    }
  }

  async setParams(p: Params): Promise<void> {
    if (!this.currentId) return;
    try {
      await api.conversations.setParams(this.currentId, p);
      if (this.current) this.current.params = p;
    } catch (e) {
      this.fail('Could not save the parameters', e);
    }
  }

  /** The one export path (menu, settings and test mode). Returns the saved path or "" if cancelled. */
  async exportConversations(ids: number[], format: ExportFormat): Promise<string> {
    try {
      const path = await api.transfer.export(ids, format);
      if (path) this.toast(`Exported to ${path}`);
      return path;
    } catch (e) {
      this.fail('Export failed', e);
      throw e;
    }
  }

  async importConversations(): Promise<void> {
    try {
      const r = await api.transfer.import();
      if (!r) return;
      this.toast(
        `Imported ${r.imported} conversation${r.imported === 1 ? '' : 's'} (${r.messages} messages)` +
          (r.skipped ? `, skipped ${r.skipped} already present.` : '.'),
      );
      await this.refreshConversations();
    } catch (e) {
      this.fail('Import failed', e);
    }
  }

  // ---- search ------------------------------------------------------------
  private searchSeq = 0;
  async runSearch(q: string): Promise<void> {
    this.searchQuery = q;
    const seq = ++this.searchSeq;
    if (!q.trim()) {
      this.searchResults = null;
      this.searchError = '';
      return;
    }
    try {
      const r = await api.conversations.search(q.trim());
      if (seq !== this.searchSeq) return;
      this.searchResults = r;
      this.searchError = '';
    } catch (e) {
      if (seq !== this.searchSeq) return;
      this.searchResults = [];
      this.searchError = errorText(e);
    }
  }
  clearSearch(): void {
    this.searchSeq++;
    this.searchQuery = '';
    this.searchResults = null;
    this.searchError = '';
  }

  // ---- settings ----------------------------------------------------------
  async saveSettings(s: Settings): Promise<boolean> {
    try {
      await api.settings.save(s);
      this.settings = s;
      applyTheme(s.theme);
      if (this.currentId === 0) this.selectDefaultModel();
      return true;
    } catch (e) {
      this.fail('Could not save the settings', e);
      return false;
    }
  }
}

export interface SendResultLike {
  conversationId: number;
  originalId: number;
}

export const app = new AppStore();
