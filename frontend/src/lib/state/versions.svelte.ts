// Versions of the open conversation's messages: an answer asked again
// (Retry, Regenerate) or a question edited and sent again, each a new version
// shown in place with the old one a version away; another version shown; a
// version or a message deleted.
import { t } from '../i18n/t.svelte';
import { api, type Message } from '../api';
import { chat } from './chat.svelte';
import { conversationList } from './conversationList.svelte';
import { streams } from './streams.svelte';
import { toasts } from './toasts.svelte';
import { ui } from './ui.svelte';

export class VersionsStore {
  /**
   * Retry and Regenerate ask for the answer again as a new version, shown in
   * its place; the old one stays a version away.
   */
  private async newVersion(m: Message, how: 'retry' | 'regenerate'): Promise<void> {
    try {
      const r = how === 'retry' ? await api.ChatService.Retry(m.id) : await api.ChatService.Regenerate(m.id);
      const i = chat.messages.findIndex((x) => x.id === m.id);
      if (r.conversationId === chat.currentId && i >= 0) chat.showFrom(i, [r]);
      else streams.track(r);
      ui.scrollToBottom();
      ui.focusComposer();
    } catch (e) {
      toasts.fail(how === 'retry' ? t('versions.couldNotRetry') : t('versions.couldNotRegenerate'), e);
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
      const i = chat.messages.findIndex((x) => x.id === m.id);
      if (r.conversation.id === chat.currentId && i >= 0) chat.showFrom(i, r.answer.id ? [r.user, r.answer] : [r.user]);
      conversationList.scheduleRefresh();
      ui.scrollToBottom();
      return true;
    } catch (e) {
      toasts.fail(t('versions.couldNotResend'), e);
      return false;
    }
  }

  /** Shows another version of m (id, one of m.versions), with what follows it. */
  async showVersion(m: Message, id: number): Promise<void> {
    if (id === m.id || chat.streaming) return;
    try {
      const path = await api.ConversationService.ShowVersion(id);
      const i = chat.messages.findIndex((x) => x.id === m.id);
      if (i >= 0) chat.showFrom(i, path);
    } catch (e) {
      toasts.fail(t('versions.couldNotShowThatVersion'), e);
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
      toasts.fail(t('versions.couldNotDeleteMessage'), e);
      return;
    }
    if (m.conversationId !== chat.currentId) return;
    try {
      const v = await api.ConversationService.Open(m.conversationId);
      if (m.conversationId === chat.currentId) chat.messages = v.messages;
    } catch (e) {
      toasts.fail(t('versions.couldNotReadConversationAgain'), e);
    }
  }
}

export const messageVersions = new VersionsStore();
