// The sidebar's conversations (or the archived ones), and what is done to a
// conversation from the list: rename, pin, archive, delete (with Undo),
// export (imports are importFlow's). The open conversation listens (onChange) to keep its
// header in step.
import { t } from '../i18n/t.svelte';
import { api, type Conversation, type ExportFormat, type Project } from '../api';
import { toasts } from './toasts.svelte';

/**
 * How many conversations the list reads from Go at a time; the sidebar asks
 * for the next page as its end comes near. 500 read at once held 1.6 MiB of
 * the window's memory for conversations nobody had scrolled to, and older
 * ones could not be reached from the list at all.
 */
export const LIST_PAGE = 100;
/** Go tells of changes in bursts; one list call per burst. */
const REFRESH_DELAY_MS = 80;

export type ListChange =
  /** A fresh list came from Go. */
  | { kind: 'listed'; list: Conversation[] }
  | { kind: 'renamed'; id: number; title: string }
  | { kind: 'deleted'; id: number };

export class ConversationListStore {
  /**
   * Not deeply reactive: hundreds of conversations as proxies, a signal per
   * field, held 2.8 MB in WebKit's web process. An item changes by being
   * replaced (patch), so the rows that show it update.
   */
  items = $state.raw<Conversation[]>([]);
  /** The projects, in the sidebar's order; their chats are among items (projectId). */
  projects = $state<Project[]>([]);
  showArchived = $state(false);
  /** Go holds more conversations than are loaded (loadMore reads the next page). */
  hasMore = $state(false);
  /** Each project's number of chats (of this list: archived or not), counted by Go beyond the loaded ones. */
  counts = $state<Record<number, number>>({});

  private timer: ReturnType<typeof setTimeout> | null = null;
  private seq = 0;
  /** How many conversations a refresh reads: a page, or as many as were scrolled to. */
  private wanted = LIST_PAGE;
  private loadingMore: Promise<void> | null = null;
  private listeners = new Set<(c: ListChange) => void>();

  onChange(cb: (c: ListChange) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }
  private emit(c: ListChange): void {
    for (const cb of this.listeners) cb(c);
  }

  /** How many chats project id holds in this list, however many are loaded. */
  countOf(id: number): number {
    return this.counts[id] ?? 0;
  }

  find(id: number): Conversation | undefined {
    return this.items.find((c) => c.id === id);
  }

  /** Replaces conversation id's item by one with fields changed; nothing when they already hold. */
  patch(id: number, fields: Partial<Conversation>): void {
    const i = this.items.findIndex((c) => c.id === id);
    if (i < 0) return;
    const old = this.items[i];
    if (Object.entries(fields).every(([k, v]) => old[k as keyof Conversation] === v)) return;
    const items = this.items.slice();
    items[i] = { ...old, ...fields };
    this.items = items;
  }

  /** Refresh soon, once for a burst of changes. */
  scheduleRefresh(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.refresh();
    }, REFRESH_DELAY_MS);
  }

  /** Drop a refresh still scheduled (the window closes). */
  cancelScheduled(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Loads the list, as far as it was scrolled; a failure is an error toast. Never rejects. */
  async refresh(): Promise<void> {
    const seq = ++this.seq;
    const wanted = this.wanted;
    try {
      const [page, projects, counts] = await Promise.all([
        api.ConversationService.List(this.showArchived, wanted + 1, 0),
        api.ProjectService.List(),
        api.ProjectService.Counts(this.showArchived),
      ]);
      if (seq !== this.seq) return; // a newer refresh is on its way; bound calls race
      const list = page.slice(0, wanted);
      this.items = list;
      this.hasMore = page.length > wanted;
      this.projects = projects;
      this.counts = Object.fromEntries(counts.map((x) => [x.projectId, x.chats]));
      this.emit({ kind: 'listed', list });
    } catch (e) {
      if (seq !== this.seq) return;
      toasts.fail(t('conversationList.couldNotLoadConversationList'), e);
    }
  }

  /** Reads the next page of older conversations; nothing when all are loaded or a page is on its way. Never rejects. */
  loadMore(): Promise<void> {
    if (!this.hasMore) return Promise.resolve();
    this.loadingMore ??= this.readNextPage().finally(() => (this.loadingMore = null));
    return this.loadingMore;
  }

  private async readNextPage(): Promise<void> {
    const seq = this.seq;
    try {
      const page = await api.ConversationService.List(this.showArchived, LIST_PAGE + 1, this.items.length);
      if (seq !== this.seq) return; // a refresh replaced the list meanwhile
      // A conversation that moved up since the last read may come again.
      const known = new Set(this.items.map((c) => c.id));
      this.items = [...this.items, ...page.slice(0, LIST_PAGE).filter((c) => !known.has(c.id))];
      this.wanted = Math.max(LIST_PAGE, this.items.length);
      this.hasMore = page.length > LIST_PAGE;
    } catch (e) {
      if (seq !== this.seq) return;
      toasts.fail(t('conversationList.couldNotLoadConversationList'), e);
    }
  }

  async toggleArchived(): Promise<void> {
    this.showArchived = !this.showArchived;
    this.wanted = LIST_PAGE; // another list: from its top
    await this.refresh();
  }

  async rename(id: number, title: string): Promise<void> {
    const name = title.trim();
    if (!name) return;
    try {
      await api.ConversationService.Rename(id, name);
    } catch (e) {
      toasts.fail(t('conversationList.couldNotRename'), e);
      return;
    }
    this.patch(id, { title: name });
    this.emit({ kind: 'renamed', id, title: name });
  }

  async setPinned(id: number, pinned: boolean): Promise<void> {
    try {
      await api.ConversationService.SetPinned(id, pinned);
    } catch (e) {
      toasts.fail(t('conversationList.couldNotPin'), e);
      return;
    }
    await this.refresh();
  }

  async setArchived(id: number, archived: boolean): Promise<void> {
    try {
      await api.ConversationService.SetArchived(id, archived);
    } catch (e) {
      toasts.fail(t('conversationList.couldNotArchive'), e);
      return;
    }
    await this.refresh();
    toasts.show(archived ? t('conversationList.archived') : t('conversationList.unarchived'), 'info', {
      label: t('common.undo'),
      run: () => void this.setArchived(id, !archived),
    });
  }

  async remove(id: number): Promise<void> {
    try {
      await api.ConversationService.Delete(id);
    } catch (e) {
      toasts.fail(t('conversationList.couldNotDelete'), e);
      return;
    }
    this.emit({ kind: 'deleted', id });
    await this.refresh();
    toasts.show(t('conversationList.conversationDeleted'), 'info', { label: t('common.undo'), run: () => void this.restore(id) }, 10000);
  }

  private async restore(id: number): Promise<void> {
    try {
      await api.ConversationService.Restore(id);
    } catch (e) {
      toasts.fail(t('conversationList.couldNotRestore'), e);
      return;
    }
    await this.refresh();
  }

  /**
   * The one export path (menu, settings and test mode): the shown path of
   * each conversation, or with allVersions every version (Markdown and
   * HTML). Returns the saved path, "" when the user cancelled, or null when
   * it failed (after an error toast).
   */
  async exportTo(ids: number[], format: ExportFormat, allVersions = false): Promise<string | null> {
    try {
      const path = await api.TransferService.Export(ids, format, allVersions);
      if (path) toasts.show(t('conversationList.exportedTo', { path }));
      return path;
    } catch (e) {
      toasts.fail(t('conversationList.exportFailed'), e);
      return null;
    }
  }
}

export const conversationList = new ConversationListStore();
