// The open conversation: which one, its messages, its draft, and what is done
// in it (send, stop, continue, its model, system prompt and parameters). The
// images attached for the next message are in `attachments`, documents in
// `attachedDocuments`; new versions (retry, regenerate, edit), another
// version shown and deletions in `messageVersions`. Live answers themselves are in `streams`; a finished one
// replaces its message here.
import { t } from '../i18n/t.svelte';
import { api, errorText, type Conversation, type Message, type Params, type Selection } from '../api';
import { attachments, type PendingImage } from './attachments.svelte';
import { attachedDocuments } from './documents.svelte';
import { conversationList, type ListChange } from './conversationList.svelte';
import { models } from './models.svelte';
import { newChatTools } from './newChatTools.svelte';
import { settings } from './settings.svelte';
import { streams } from './streams.svelte';
import { toasts } from './toasts.svelte';
import { applyToolChange, toolCalls } from './toolCalls.svelte';
import { ui } from './ui.svelte';
import { rendererModule } from '../markdown/lazy.svelte';

/** A draft is saved this long after the last keystroke (and at once when leaving it). */
const DRAFT_SAVE_MS = 600;

let tempSeq = 0;

export class ChatStore {
  /** The open conversation's id; 0 = a new chat, not stored yet. */
  currentId = $state(0);
  current = $state<Conversation | null>(null);
  messages = $state<Message[]>([]);
  /** The open conversation is being fetched. */
  loading = $state(false);
  /** Why it could not be opened; shown in place of the messages. */
  openError = $state('');
  draft = $state('');
  /** Conversation id a Send is in flight from (0 = new chat), or -1. */
  sendingFrom = $state(-1);
  /** An answer of the open conversation runs, or its tool calls, or its Send is in flight: Stop, not Send. */
  streaming = $derived(streams.isStreaming(this.currentId) || toolCalls.busyIn(this.currentId) || this.sendingFrom === this.currentId);
  private draftTimer: ReturnType<typeof setTimeout> | null = null;
  private draftPending: { id: number; text: string } | null = null;
  private newChatDraft = '';
  private openSeq = 0;

  constructor() {
    // A finished answer replaces the shown message (stats, final state).
    streams.onFinal((m) => this.replaceMessage(m));
    toolCalls.onMessage((c) => applyToolChange(this, c));
    conversationList.onChange((c) => this.listChanged(c));
    // A new chat follows a new Default model at once.
    settings.onSaved(() => {
      if (this.currentId === 0) models.selectDefault();
    });
  }

  private listChanged(c: ListChange): void {
    switch (c.kind) {
      case 'listed': {
        const cur = c.list.find((x) => x.id === this.currentId);
        if (cur && this.current) {
          // Keep header fields fresh (e.g. auto titles) without clobbering local edits.
          this.current.title = cur.title;
          this.current.titleIsAuto = cur.titleIsAuto;
          this.current.pinned = cur.pinned;
          this.current.archived = cur.archived;
          this.current.projectId = cur.projectId;
        }
        break;
      }
      case 'renamed':
        if (this.current?.id === c.id) this.current.title = c.title;
        break;
      case 'deleted':
        if (this.currentId === c.id) this.newChat();
        break;
    }
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
    this.loading = false;
    models.selectDefault();
    ui.showNewest();
    ui.focusComposer();
    ui.closeSidebarIfNarrow();
  }

  /** Opens a conversation; with `highlightMessageId` (a search hit) that message is brought into view. */
  async open(id: number, highlightMessageId?: number): Promise<void> {
    if (id === this.currentId && this.current) {
      if (highlightMessageId) await this.reveal(highlightMessageId);
      ui.focusComposer();
      return;
    }
    this.flushDraft();
    const seq = ++this.openSeq;
    this.currentId = id;
    this.loading = true;
    this.openError = '';
    const fromList = conversationList.find(id);
    this.current = fromList ? { ...fromList } : null;
    this.messages = [];
    this.draft = fromList?.draft ?? '';
    const draftAtStart = this.draft;
    ui.focusComposer();
    ui.closeSidebarIfNarrow();
    try {
      // The renderer loads alongside, so answers never show unrendered.
      const [v] = await Promise.all([api.ConversationService.Open(id), rendererModule.start()]);
      if (seq !== this.openSeq) return;
      this.current = v.conversation;
      this.messages = v.messages;
      if (this.draft === draftAtStart) this.draft = v.conversation.draft ?? '';
      for (const m of v.messages) streams.track(m);
      if (v.conversation.model) {
        models.select({ endpointId: v.conversation.endpointId, model: v.conversation.model });
      }
      this.loading = false;
      ui.showNewest();
      if (highlightMessageId) await this.reveal(highlightMessageId);
    } catch (e) {
      if (seq !== this.openSeq) return;
      this.openError = t('chat.couldNotOpen', { error: errorText(e) });
      this.loading = false;
      ui.showNewest();
    } finally {
      if (seq === this.openSeq) {
        this.loading = false;
        ui.focusComposer();
      }
    }
  }

  /** Brings a message into view: a version not shown (a search hit) is shown first, with what is above it. */
  private async reveal(id: number): Promise<void> {
    if (!this.messages.some((m) => m.id === id) && !this.streaming) {
      try {
        await api.ConversationService.ShowVersion(id);
        const v = await api.ConversationService.Open(this.currentId);
        this.messages = v.messages;
      } catch (e) {
        toasts.fail(t('chat.couldNotShowThatMessage'), e);
        return;
      }
    }
    ui.revealMessage(id);
  }

  /**
   * A finished (or refetched) message replaces the shown one. Its versions
   * change only by the actions below, so a message without them (an answer
   * not saved yet, as Brook holds it) keeps the ones shown.
   */
  replaceMessage(m: Message): void {
    if (m.conversationId !== this.currentId) return;
    const i = this.messages.findIndex((x) => x.id === m.id);
    if (i < 0) return;
    if (!m.versions && this.messages[i].versions) m = { ...m, versions: this.messages[i].versions };
    this.messages[i] = m;
  }

  /** Shows path in place of the message at index i and everything after it. */
  showFrom(i: number, path: Message[]): void {
    this.messages = [...this.messages.slice(0, i), ...path];
    for (const m of path) streams.track(m);
  }

  /** Follows answers whose final write had failed until they are stored; returns the unsubscribe. */
  start(): () => void {
    return api.events.onAnswerSaved((s) => void this.saved(s.conversationId, s.messageId, s.message));
  }

  private async saved(conversationId: number, id: number, m?: Message): Promise<void> {
    if (conversationId !== this.currentId) return;
    try {
      this.replaceMessage(m ?? (await api.ConversationService.GetMessage(id)));
    } catch (e) {
      toasts.fail(t('chat.couldNotReadSavedAnswer'), e);
    }
  }

  // ---- the model ---------------------------------------------------------
  /** The model picker: the selection, and the open conversation's model. */
  async chooseModel(sel: Selection): Promise<void> {
    models.select(sel);
    if (this.currentId) {
      try {
        await api.ConversationService.SetModel(this.currentId, sel.endpointId, sel.model);
        if (this.current) {
          this.current.endpointId = sel.endpointId;
          this.current.model = sel.model;
        }
      } catch (e) {
        toasts.fail(t('chat.couldNotChangeModel'), e);
      }
    }
    ui.focusComposer();
  }

  // ---- drafts ------------------------------------------------------------
  setDraft(text: string): void {
    this.draft = text;
    if (this.currentId === 0) {
      this.newChatDraft = text;
      return;
    }
    this.draftPending = { id: this.currentId, text };
    if (this.draftTimer) clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => this.flushDraft(), DRAFT_SAVE_MS);
  }

  flushDraft(): void {
    if (this.draftTimer) clearTimeout(this.draftTimer);
    this.draftTimer = null;
    const p = this.draftPending;
    this.draftPending = null;
    if (!p) return;
    // The list learns the draft here, not per keystroke: its mark shows only
    // on conversations that are not open, and leaving one flushes its draft.
    conversationList.patch(p.id, { draft: p.text });
    api.ConversationService.SaveDraft(p.id, p.text).catch((e) => toasts.fail(t('chat.couldNotSaveDraft'), e));
  }

  // ---- sending -----------------------------------------------------------
  /** Returns true when the text was taken (the composer clears itself). */
  send(text: string): boolean {
    const body = text.trim();
    if (!body && !attachments.images.length && !attachedDocuments.items.length) return false; // attachments alone are a message
    if (this.streaming) return false;
    if (!attachments.ready()) return false;
    const sel = models.selection;
    if (!sel.model) {
      toasts.show(
        models.endpoints.length
          ? t('chat.chooseModelFirst')
          : t('chat.noEndpoint'),
        'error',
      );
      return false;
    }
    void rendererModule.start(); // long loaded before the first token
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
      conversationList.patch(fromId, { draft: '' });
      api.ConversationService.SaveDraft(fromId, '').catch((e) => toasts.fail(t('chat.couldNotClearDraft'), e));
    }
    ui.scrollToBottom();
    void this.doSend(fromId, body, sel, temp.id, [...attachments.images]);
    return true;
  }

  private async doSend(fromId: number, body: string, sel: Selection, tempId: number, images: PendingImage[]): Promise<void> {
    const openSeq = this.openSeq;
    this.sendingFrom = fromId;
    try {
      const documentIds = attachedDocuments.ids();
      // A new chat's tool choices go with its first message, so that its first answer is offered them.
      const tools = fromId === 0 ? newChatTools.refs() : [];
      const r = tools.length
        ? await api.ChatService.SendWithTools(fromId, body, sel.endpointId, sel.model, images.map((p) => p.input), documentIds, tools)
        : documentIds.length
          ? await api.ChatService.SendWithAttachments(fromId, body, sel.endpointId, sel.model, images.map((p) => p.input), documentIds)
          : images.length
            ? await api.ChatService.SendWithImages(fromId, body, sel.endpointId, sel.model, images.map((p) => p.input))
            : await api.ChatService.Send(fromId, body, sel.endpointId, sel.model);
      attachedDocuments.sent(documentIds);
      if (tools.length) newChatTools.sent();
      // Sent: the attached images are gone from the composer (kept when the send failed).
      attachments.sent(images);
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
        // A new chat became a stored conversation: its window starts at the newest.
        if (fromId === 0) ui.showNewest();
        else ui.scrollToBottom();
      }
      conversationList.scheduleRefresh();
    } catch (e) {
      if (this.currentId === fromId) {
        this.messages = this.messages.filter((m) => m.id !== tempId);
        if (!this.draft) this.setDraft(body);
      }
      toasts.fail(t('chat.couldNotSend'), e);
    } finally {
      this.sendingFrom = -1;
    }
  }

  /** Stops every answer of the open conversation. */
  async stop(): Promise<void> {
    const ids = [...new Set([...streams.streamingIds(this.currentId), ...toolCalls.answersIn(this.currentId)])];
    await Promise.all(ids.map((id) => api.ChatService.Stop(id).catch((e) => toasts.fail(t('chat.couldNotStop'), e))));
  }

  async stopAnswer(id: number): Promise<void> {
    try {
      await api.ChatService.Stop(id);
    } catch (e) {
      toasts.fail(t('chat.couldNotStop'), e);
    }
  }

  /** "Don't wait": ask the waiting answer without streaming. False (after a toast) when Go refused. */
  async askNow(id: number): Promise<boolean> {
    try {
      await api.ChatService.AskNow(id);
      return true;
    } catch (e) {
      toasts.fail(t('chat.couldNotAskWithoutStreaming'), e);
      return false;
    }
  }

  /** Continue appends to the answer in place. */
  async continueAnswer(m: Message): Promise<void> {
    streams.forget(m.id);
    try {
      const r = await api.ChatService.Continue(m.id);
      streams.track(r);
      this.replaceMessage(r);
      ui.scrollToBottom();
      ui.focusComposer();
    } catch (e) {
      toasts.fail(t('chat.couldNotContinue'), e);
    }
  }

  /** Writes an answer whose final write failed. */
  async saveAgain(m: Message): Promise<void> {
    try {
      await api.ChatService.SaveAgain(m.id);
    } catch (e) {
      toasts.fail(t('chat.stillNotSaved'), e);
    }
  }

  // ---- conversation settings ---------------------------------------------
  async setSystemPrompt(text: string): Promise<void> {
    if (!this.currentId) return;
    try {
      await api.ConversationService.SetSystemPrompt(this.currentId, text);
      if (this.current) this.current.systemPrompt = text;
    } catch (e) {
      toasts.fail(t('chat.couldNotSaveSystemPrompt'), e);
    }
  }

  async setParams(p: Params): Promise<void> {
    if (!this.currentId) return;
    try {
      await api.ConversationService.SetParams(this.currentId, p);
      if (this.current) this.current.params = p;
    } catch (e) {
      toasts.fail(t('chat.couldNotSaveParameters'), e);
    }
  }
}

export const chat = new ChatStore();
