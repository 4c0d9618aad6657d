// The open conversation: which one, its messages, its draft, and what is done
// in it (send, stop, retry, continue, regenerate, edit, delete a message, its
// model, system prompt and parameters). Live answers themselves are in
// `streams`; a finished one replaces its message here.
import { api, errorText, type Conversation, type ImageInput, type Message, type Params, type Selection } from '../api';
import { canSee, checkImage, MAX_IMAGES, prepareImage } from '../images';
import { conversationList, type ListChange } from './conversationList.svelte';
import { models } from './models.svelte';
import { settings } from './settings.svelte';
import { streams } from './streams.svelte';
import { toasts } from './toasts.svelte';
import { ui } from './ui.svelte';

/** A draft is saved this long after the last keystroke (and at once when leaving it). */
const DRAFT_SAVE_MS = 600;

let tempSeq = 0;

/** An image attached in the composer, not sent yet: `url` is an object URL for its thumbnail. */
export interface PendingImage {
  key: number;
  name: string;
  url: string;
  input: ImageInput;
}
let imageSeq = 0;

function objectURL(f: Blob): string {
  return typeof URL.createObjectURL === 'function' ? URL.createObjectURL(f) : '';
}
function revoke(p: PendingImage): void {
  if (p.url && typeof URL.revokeObjectURL === 'function') URL.revokeObjectURL(p.url);
}

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
  /** An answer of the open conversation runs (or its Send is in flight): Stop, not Send. */
  streaming = $derived(streams.isStreaming(this.currentId) || this.sendingFrom === this.currentId);
  /** Images attached in the composer, sent with the next message. */
  images = $state<PendingImage[]>([]);
  /** Attached images still being read (or made smaller). */
  preparing = $state(0);
  /**
   * Whether the selected model can see images: false when the server says it
   * cannot, undefined when it does not say (Go lets images through then).
   */
  sees = $derived(canSee(models.selectedEndpoint?.models.find((m) => m.name === models.selection.model)));

  private draftTimer: ReturnType<typeof setTimeout> | null = null;
  private draftPending: { id: number; text: string } | null = null;
  private newChatDraft = '';
  private openSeq = 0;

  constructor() {
    // A finished answer replaces the shown message (stats, final state).
    streams.onFinal((m) => this.replaceMessage(m));
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
      const v = await api.ConversationService.Open(id);
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
      this.openError = 'Could not open this conversation: ' + errorText(e);
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
        toasts.fail('Could not show that message', e);
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
  private showFrom(i: number, path: Message[]): void {
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
      toasts.fail('Could not read the saved answer', e);
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
        toasts.fail('Could not change the model', e);
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
    const c = conversationList.find(this.currentId);
    if (c) c.draft = text;
    this.draftPending = { id: this.currentId, text };
    if (this.draftTimer) clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => this.flushDraft(), DRAFT_SAVE_MS);
  }

  flushDraft(): void {
    if (this.draftTimer) clearTimeout(this.draftTimer);
    this.draftTimer = null;
    const p = this.draftPending;
    this.draftPending = null;
    if (p) api.ConversationService.SaveDraft(p.id, p.text).catch((e) => toasts.fail('Could not save the draft', e));
  }

  // ---- images ------------------------------------------------------------
  private cannotSee(): string {
    return `${models.selection.model} cannot see images; pick a vision model`;
  }

  /**
   * Attaches image files (dropped, pasted or picked) for the next message.
   * A model that cannot see gets none; a file of another type, too large, or
   * past the 8th is refused with a toast. Resolves when every file is read.
   */
  async addImages(files: File[]): Promise<void> {
    if (!files.length) return;
    if (this.sees === false) {
      toasts.show(this.cannotSee(), 'error');
      return;
    }
    const jobs: Promise<void>[] = [];
    for (const f of files) {
      const bad = checkImage(f);
      if (bad) {
        toasts.show(`Could not attach the image: ${bad}`, 'error');
        continue;
      }
      if (this.images.length + this.preparing >= MAX_IMAGES) {
        toasts.show(`At most ${MAX_IMAGES} images per message; ${f.name} was not attached.`, 'error');
        continue;
      }
      this.preparing++;
      jobs.push(
        prepareImage(f)
          .then((input) => {
            this.images.push({ key: ++imageSeq, name: input.name, url: objectURL(f), input });
          })
          .catch((e) => {
            toasts.fail('Could not attach the image', e);
          })
          .finally(() => {
            this.preparing--;
          }),
      );
    }
    await Promise.all(jobs);
  }

  removeImage(key: number): void {
    const p = this.images.find((x) => x.key === key);
    if (!p) return;
    revoke(p);
    this.images = this.images.filter((x) => x.key !== key);
    ui.focusComposer();
  }

  // ---- sending -----------------------------------------------------------
  /** Returns true when the text was taken (the composer clears itself). */
  send(text: string): boolean {
    const body = text.trim();
    if (!body && !this.images.length) return false; // pictures alone are a message
    if (this.streaming) return false;
    if (this.preparing) {
      toasts.show('The images are still being read; send again in a moment.', 'info');
      return false;
    }
    if (this.images.length && this.sees === false) {
      toasts.show(this.cannotSee(), 'error');
      return false;
    }
    const sel = models.selection;
    if (!sel.model) {
      toasts.show(
        models.endpoints.length
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
      const c = conversationList.find(fromId);
      if (c) c.draft = '';
      api.ConversationService.SaveDraft(fromId, '').catch((e) => toasts.fail('Could not clear the draft', e));
    }
    ui.scrollToBottom();
    void this.doSend(fromId, body, sel, temp.id, [...this.images]);
    return true;
  }

  private async doSend(fromId: number, body: string, sel: Selection, tempId: number, images: PendingImage[]): Promise<void> {
    const openSeq = this.openSeq;
    this.sendingFrom = fromId;
    try {
      const r = images.length
        ? await api.ChatService.SendWithImages(fromId, body, sel.endpointId, sel.model, images.map((p) => p.input))
        : await api.ChatService.Send(fromId, body, sel.endpointId, sel.model);
      // Sent: the attached images are gone from the composer (kept when the send failed).
      if (images.length) {
        for (const p of images) revoke(p);
        this.images = this.images.filter((x) => !images.some((p) => p.key === x.key));
      }
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
      toasts.fail('Could not send', e);
    } finally {
      this.sendingFrom = -1;
    }
  }

  /** Stops every answer of the open conversation. */
  async stop(): Promise<void> {
    const ids = streams.streamingIds(this.currentId);
    await Promise.all(ids.map((id) => api.ChatService.Stop(id).catch((e) => toasts.fail('Could not stop', e))));
  }

  async stopAnswer(id: number): Promise<void> {
    try {
      await api.ChatService.Stop(id);
    } catch (e) {
      toasts.fail('Could not stop', e);
    }
  }

  /** "Don't wait": ask the waiting answer without streaming. False (after a toast) when Go refused. */
  async askNow(id: number): Promise<boolean> {
    try {
      await api.ChatService.AskNow(id);
      return true;
    } catch (e) {
      toasts.fail('Could not ask without streaming', e);
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
      toasts.fail('Could not continue', e);
    }
  }

  /**
   * Retry and Regenerate ask for the answer again as a new version, shown in
   * its place; the old one stays a version away.
   */
  private async newVersion(m: Message, how: 'retry' | 'regenerate'): Promise<void> {
    try {
      const r = how === 'retry' ? await api.ChatService.Retry(m.id) : await api.ChatService.Regenerate(m.id);
      const i = this.messages.findIndex((x) => x.id === m.id);
      if (r.conversationId === this.currentId && i >= 0) this.showFrom(i, [r]);
      else streams.track(r);
      ui.scrollToBottom();
      ui.focusComposer();
    } catch (e) {
      toasts.fail(how === 'retry' ? 'Could not retry' : 'Could not regenerate', e);
    }
  }
  retry(m: Message): Promise<void> {
    return this.newVersion(m, 'retry');
  }
  regenerate(m: Message): Promise<void> {
    return this.newVersion(m, 'regenerate');
  }

  /** Sends an edited question as a new version of it, in place, with a new answer; the original stays a version away. */
  async editAndResend(m: Message, text: string): Promise<boolean> {
    const body = text.trim();
    if (!body) return false;
    try {
      const r = await api.ChatService.EditAndResend(m.id, body);
      streams.track(r.answer);
      const i = this.messages.findIndex((x) => x.id === m.id);
      if (r.conversation.id === this.currentId && i >= 0) this.showFrom(i, r.answer.id ? [r.user, r.answer] : [r.user]);
      conversationList.scheduleRefresh();
      ui.scrollToBottom();
      return true;
    } catch (e) {
      toasts.fail('Could not resend', e);
      return false;
    }
  }

  /** Shows another version of m (id, one of m.versions), with what follows it. */
  async showVersion(m: Message, id: number): Promise<void> {
    if (id === m.id || this.streaming) return;
    try {
      const path = await api.ConversationService.ShowVersion(id);
      const i = this.messages.findIndex((x) => x.id === m.id);
      if (i >= 0) this.showFrom(i, path);
    } catch (e) {
      toasts.fail('Could not show that version', e);
    }
  }

  /**
   * Deletes one version of m and what follows it ('version'), or m with all
   * its versions ('message'; what follows m stays). The conversation is read
   * again to show what is left.
   */
  async deleteMessage(m: Message, what: 'version' | 'message' = 'message'): Promise<void> {
    try {
      if (what === 'version') await api.ConversationService.DeleteVersion(m.id);
      else await api.ConversationService.DeleteMessage(m.id);
    } catch (e) {
      toasts.fail('Could not delete the message', e);
      return;
    }
    if (m.conversationId !== this.currentId) return;
    try {
      const v = await api.ConversationService.Open(m.conversationId);
      if (m.conversationId === this.currentId) this.messages = v.messages;
    } catch (e) {
      toasts.fail('Could not read the conversation again', e);
    }
  }

  /** Writes an answer whose final write failed. */
  async saveAgain(m: Message): Promise<void> {
    try {
      await api.ChatService.SaveAgain(m.id);
    } catch (e) {
      toasts.fail('Still not saved', e);
    }
  }

  // ---- conversation settings ---------------------------------------------
  async setSystemPrompt(text: string): Promise<void> {
    if (!this.currentId) return;
    try {
      await api.ConversationService.SetSystemPrompt(this.currentId, text);
      if (this.current) this.current.systemPrompt = text;
    } catch (e) {
      toasts.fail('Could not save the system prompt', e);
    }
  }

  async setParams(p: Params): Promise<void> {
    if (!this.currentId) return;
    try {
      await api.ConversationService.SetParams(this.currentId, p);
      if (this.current) this.current.params = p;
    } catch (e) {
      toasts.fail('Could not save the parameters', e);
    }
  }
}

export const chat = new ChatStore();
