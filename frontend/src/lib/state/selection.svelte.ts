// Many chats chosen at once in the sidebar, to move, archive or delete
// together. Ctrl+click (Cmd+click) adds or drops a chat, Shift+click takes
// every chat shown between the last one chosen and this one; "Select" in a
// chat's menu starts choosing from the keyboard: while choosing, Space or
// Enter on a chat's row adds or drops it, and Escape stops. Each action is
// one call to Go, all or none, and deleting has Undo.
import { api } from '../api';
import { conversationList } from './conversationList.svelte';
import { chat } from './chat.svelte';
import { toasts } from './toasts.svelte';
import { t } from '../i18n/t.svelte';

/** The chats' ids in the order the sidebar shows them (the DOM's order). */
export function shownOrder(root: ParentNode = document): number[] {
  return [...root.querySelectorAll<HTMLElement>('[data-testid="conversation-item"]')].map((el) => Number(el.dataset.conversationId));
}

/** The ids from a to b (either way round) in order; just [b] when a is not shown. */
export function rangeOf(order: number[], a: number, b: number): number[] {
  const i = order.indexOf(a);
  const j = order.indexOf(b);
  if (i < 0 || j < 0) return [b];
  return order.slice(Math.min(i, j), Math.max(i, j) + 1);
}

export class SelectionStore {
  /** The chosen chats' ids, in the order they were chosen. */
  ids = $state<number[]>([]);
  /** Choosing: a click or Space on a row adds or drops it instead of opening it. */
  active = $state(false);
  /** The chat the next Shift+click's range starts from. */
  private anchor = 0;

  has(id: number): boolean {
    return this.ids.includes(id);
  }

  /** Starts choosing with id chosen (the menu's "Select"). */
  start(id: number): void {
    this.active = true;
    if (!this.has(id)) this.ids = [...this.ids, id];
    this.anchor = id;
  }

  toggle(id: number): void {
    this.active = true;
    this.ids = this.has(id) ? this.ids.filter((x) => x !== id) : [...this.ids, id];
    this.anchor = id;
  }

  /** Adds every chat shown from the anchor to id. */
  extend(id: number, order: number[] = shownOrder()): void {
    this.active = true;
    const add = rangeOf(order, this.anchor || id, id).filter((x) => !this.has(x));
    this.ids = [...this.ids, ...add];
  }

  clear(): void {
    this.ids = [];
    this.active = false;
    this.anchor = 0;
  }

  /** Moves the chosen chats into a project (0: out of any), in one transaction. */
  async moveTo(projectId: number): Promise<void> {
    const ids = [...this.ids];
    if (!ids.length) return;
    try {
      await api.ProjectService.Move(ids, projectId);
    } catch (e) {
      toasts.fail(t('selection.couldNotMove'), e);
      return;
    }
    this.clear();
    await conversationList.refresh();
    const p = conversationList.projects.find((x) => x.id === projectId);
    toasts.show(p ? t('selection.movedTo', { n: ids.length, name: p.name }) : t('selection.movedOut', { n: ids.length }));
  }

  /** Archives (or, in the archive, unarchives) the chosen chats; Undo puts them back. */
  async archive(archived = !conversationList.showArchived): Promise<void> {
    const ids = [...this.ids];
    if (!ids.length) return;
    try {
      await api.ConversationService.ArchiveMany(ids, archived);
    } catch (e) {
      toasts.fail(archived ? t('selection.couldNotArchive') : t('selection.couldNotUnarchive'), e);
      return;
    }
    this.clear();
    await conversationList.refresh();
    const undo = async () => {
      try {
        await api.ConversationService.ArchiveMany(ids, !archived);
      } catch (e) {
        toasts.fail(t('selection.couldNotUndo'), e);
      }
      await conversationList.refresh();
    };
    toasts.show(t(archived ? 'selection.archived' : 'selection.unarchived', { n: ids.length }), 'info', { label: t('common.undo'), run: () => void undo() }, 10000);
  }

  /** Moves the chosen chats to the trash; Undo brings them all back. */
  async remove(): Promise<void> {
    const ids = [...this.ids];
    if (!ids.length) return;
    try {
      await api.ConversationService.DeleteMany(ids);
    } catch (e) {
      toasts.fail(t('selection.couldNotDelete'), e);
      return;
    }
    this.clear();
    if (ids.includes(chat.currentId)) chat.newChat();
    await conversationList.refresh();
    const undo = async () => {
      try {
        await api.ConversationService.RestoreMany(ids);
      } catch (e) {
        toasts.fail(t('selection.couldNotRestore'), e);
      }
      await conversationList.refresh();
    };
    toasts.show(t('selection.deleted', { n: ids.length }), 'info', { label: t('common.undo'), run: () => void undo() }, 10000);
  }
}

export const selection = new SelectionStore();

/** The MIME type a dragged chat (or the chosen chats) carries: their ids as JSON. */
export const DRAG_TYPE = 'application/x-brook-chats';

/** What dragging the chat id carries: every chosen chat when it is one of them, else just it. */
export function dragIds(id: number): number[] {
  return selection.has(id) ? [...selection.ids] : [id];
}

/** The chats a drop brings, or [] when it brings none. */
export function droppedIds(dt: DataTransfer | null): number[] {
  try {
    const v = JSON.parse(dt?.getData(DRAG_TYPE) || '[]');
    return Array.isArray(v) ? v.filter((x) => Number.isInteger(x) && x > 0) : [];
  } catch {
    return [];
  }
}

/** Moves dropped chats into a project (0: out of any); the ones already there stay. */
export async function dropInto(ids: number[], projectId: number): Promise<void> {
  const moving = ids.filter((id) => (conversationList.find(id)?.projectId ?? 0) !== projectId);
  if (!moving.length) return;
  selection.ids = moving;
  await selection.moveTo(projectId);
}
