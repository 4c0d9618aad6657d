// What the sidebar does with projects and assistants: create, edit and
// delete a project (with Undo), move chats in and out, start a chat in a
// project or from an assistant, and which projects are folded open. The
// list itself is conversationList's (projects and chats come in one refresh).
import { t } from '../i18n/t.svelte';
import { api, errorText, type Assistant, type Conversation, type ExportFormat, type Project } from '../api';
import { chat } from './chat.svelte';
import { conversationList } from './conversationList.svelte';
import { toasts } from './toasts.svelte';

/** localStorage key of the ids of the projects folded open. */
export const OPEN_KEY = 'brook.projects.open';

/** What the project dialog edits: a new project, or a stored one. */
export type ProjectDraft = Pick<Project, 'name' | 'emoji' | 'instructions'> &
  Partial<Pick<Project, 'endpointId' | 'model' | 'params'>> & { id?: number };

/** How many more of a project's chats "Show more" loads. */
export const MORE_PAGE = 100;

/** A project with its chats, for the sidebar. */
export interface ProjectGroup {
  project: Project;
  chats: Conversation[];
}

/** The projects with their chats (in the list's order), and the chats outside any. */
export function groupByProject(projects: Project[], items: Conversation[]): { groups: ProjectGroup[]; loose: Conversation[] } {
  const byId = new Map(projects.map((p) => [p.id, [] as Conversation[]]));
  const loose: Conversation[] = [];
  for (const c of items) {
    const list = c.projectId ? byId.get(c.projectId) : undefined;
    if (list) list.push(c);
    else loose.push(c);
  }
  return { groups: projects.map((p) => ({ project: p, chats: byId.get(p.id)! })), loose };
}

/** The defaults a draft sets, or nothing when the dialog left them alone. */
function defaultsOf(d: ProjectDraft): Partial<Project> {
  if (d.params === undefined) return {};
  return { endpointId: d.endpointId ?? '', model: d.model ?? '', params: d.params };
}

function loadOpen(): Set<number> {
  try {
    const v = JSON.parse(localStorage.getItem(OPEN_KEY) ?? '[]');
    return new Set(Array.isArray(v) ? v.filter((x) => typeof x === 'number') : []);
  } catch {
    return new Set();
  }
}

export class ProjectStore {
  /** The ids of the projects folded open; remembered across starts. */
  open = $state(loadOpen());
  /** The project dialog's draft, or null when it is closed. */
  editing = $state<ProjectDraft | null>(null);
  /** The project whose deletion is being asked about. */
  deleting = $state<Project | null>(null);
  assistants = $state<Assistant[]>([]);
  /** Set to open the New chat from an assistant menu (Ctrl+N in an empty new chat, Ctrl+Shift+N). */
  askAssistant = $state(false);
  /** A project's chats loaded beyond those the sidebar's list has read ("Show more"), by project id. */
  loaded = $state<Record<number, Conversation[]>>({});
  /** The "Save as assistant" dialog's conversation and name, or null when it is closed. */
  naming = $state<{ conversationId: number; name: string } | null>(null);

  constructor() {
    // A fresh list: the chats loaded beyond it are read again, as many as before.
    conversationList.onChange((c) => {
      if (c.kind === 'listed') for (const id of Object.keys(this.loaded)) void this.loadChats(Number(id), this.loaded[Number(id)].length);
    });
  }

  /** The chats the sidebar shows for a project: those loaded for it, else those among the newest. */
  chatsOf(projectId: number, among: Conversation[]): Conversation[] {
    return this.loaded[projectId] ?? among;
  }

  /** Loads MORE_PAGE more of a project's chats (with those shown already). */
  async showMore(projectId: number, shown: number): Promise<void> {
    await this.loadChats(projectId, shown + MORE_PAGE);
  }

  private async loadChats(projectId: number, limit: number): Promise<void> {
    try {
      const list = await api.ProjectService.Conversations(projectId, conversationList.showArchived, limit, 0);
      this.loaded = { ...this.loaded, [projectId]: list };
    } catch (e) {
      const { [projectId]: _gone, ...rest } = this.loaded;
      this.loaded = rest;
      toasts.fail(t('projects.couldNotLoadChats'), e);
    }
  }

  /** Exports a project with its chats (JSON file, or a folder of Markdown or HTML). */
  async exportProject(p: Project, format: ExportFormat): Promise<void> {
    try {
      const path = await api.ProjectService.Export(p.id, format);
      if (path) toasts.show(t('projects.exportedNamed', { name: p.name, path }));
    } catch (e) {
      toasts.fail(t('conversationList.exportFailed'), e);
    }
  }

  isOpen(id: number): boolean {
    return this.open.has(id);
  }

  toggle(id: number): void {
    const next = new Set(this.open);
    if (!next.delete(id)) next.add(id);
    this.open = next;
    try {
      localStorage.setItem(OPEN_KEY, JSON.stringify([...next]));
    } catch {
      // Private mode or a full storage: the fold is only forgotten.
    }
  }

  /** Saves the dialog's draft; returns Go's refusal in words, or '' when it is saved. */
  async save(d: ProjectDraft): Promise<string> {
    try {
      if (d.id) {
        const p = conversationList.projects.find((x) => x.id === d.id);
        if (!p) return t('projects.deletedMeanwhile');
        await api.ProjectService.Update({ ...$state.snapshot(p), ...defaultsOf(d), name: d.name, emoji: d.emoji, instructions: d.instructions });
      } else {
        const p = await api.ProjectService.Create({ id: 0, uid: '', name: d.name, emoji: d.emoji, instructions: d.instructions, params: {}, sortOrder: 0, createdAt: 0, updatedAt: 0, ...defaultsOf(d) });
        if (!this.open.has(p.id)) this.toggle(p.id);
      }
    } catch (e) {
      return errorText(e);
    }
    this.editing = null;
    await conversationList.refresh();
    return '';
  }

  /** Deletes a project, moving its chats out or to the trash; the toast's Undo brings all back. */
  async remove(p: Project, trash: boolean): Promise<void> {
    this.deleting = null;
    let moved: number[];
    try {
      moved = (await api.ProjectService.Delete(p.id, trash)).moved;
    } catch (e) {
      toasts.fail(t('projects.couldNotDeleteProject'), e);
      return;
    }
    if (trash && chat.currentId && conversationList.find(chat.currentId)?.projectId === p.id) chat.newChat();
    await conversationList.refresh();
    toasts.show(t('projects.projectDeleted', { name: p.name }), 'info', { label: t('common.undo'), run: () => void this.restore(p.id, moved) }, 10000);
  }

  private async restore(id: number, moved: number[]): Promise<void> {
    try {
      await api.ProjectService.Restore(id, moved);
    } catch (e) {
      toasts.fail(t('projects.couldNotRestoreProject'), e);
      return;
    }
    await conversationList.refresh();
  }

  /** Moves a chat into a project, or out of any with 0. */
  async move(id: number, projectId: number): Promise<void> {
    try {
      await api.ProjectService.Move([id], projectId);
    } catch (e) {
      toasts.fail(t('projects.couldNotMoveConversation'), e);
      return;
    }
    await conversationList.refresh();
    const p = conversationList.projects.find((x) => x.id === projectId);
    toasts.show(p ? t('projects.movedTo', { name: p.name }) : t('projects.movedOut'));
  }

  /** Starts a chat in a project and opens it. */
  async startIn(projectId: number): Promise<void> {
    await this.opened(() => api.ProjectService.StartChat(projectId), t('projects.couldNotStartIn'));
    if (!this.open.has(projectId)) this.toggle(projectId);
  }

  /** Starts a chat from an assistant, outside any project, and opens it. */
  async startFrom(assistantId: number): Promise<void> {
    await this.opened(() => api.AssistantService.StartChat(assistantId, 0), t('projects.couldNotStartFrom'));
  }

  private async opened(start: () => Promise<Conversation>, what: string): Promise<void> {
    let c: Conversation;
    try {
      c = await start();
    } catch (e) {
      toasts.fail(what, e);
      return;
    }
    await conversationList.refresh();
    await chat.open(c.id);
  }

  /** Loads the assistants (the New chat menu); a failure is a toast. */
  async loadAssistants(): Promise<void> {
    try {
      this.assistants = await api.AssistantService.List();
    } catch (e) {
      toasts.fail(t('projects.couldNotListAssistants'), e);
    }
  }

  /** Saves a conversation's settings as an assistant; returns Go's refusal in words, or '' when saved. */
  async saveAsAssistant(conversationId: number, name: string): Promise<string> {
    try {
      const a = await api.AssistantService.SaveConversation(conversationId, name);
      this.naming = null;
      toasts.show(t('projects.savedAsAssistant', { name: a.name }));
    } catch (e) {
      return errorText(e);
    }
    await this.loadAssistants();
    return '';
  }

  /** Saves an edited assistant; returns Go's refusal in words, or '' when saved. */
  async updateAssistant(a: Assistant): Promise<string> {
    try {
      await api.AssistantService.Update(a);
    } catch (e) {
      return errorText(e);
    }
    await this.loadAssistants();
    return '';
  }

  /** Exports assistants (all with []) to a file the user picks. */
  async exportAssistants(ids: number[]): Promise<void> {
    try {
      const path = await api.AssistantService.Export(ids);
      if (path) toasts.show(t('projects.exportedTo', { path }));
    } catch (e) {
      toasts.fail(t('projects.couldNotExportAssistants'), e);
    }
  }

  /** Imports an assistants file the user picks: all of it or, refused, nothing. */
  async importAssistants(): Promise<void> {
    try {
      const r = await api.AssistantService.Import();
      if (r.imported + r.skipped === 0) return; // cancelled
      toasts.show(r.skipped ? t('projects.importedSkipped', { n: r.imported, skipped: r.skipped }) : t('projects.imported', { n: r.imported }));
    } catch (e) {
      toasts.fail(t('projects.couldNotImportAssistants'), e);
      return;
    }
    await this.loadAssistants();
  }

  async duplicateAssistant(id: number): Promise<void> {
    try {
      await api.AssistantService.Duplicate(id);
    } catch (e) {
      toasts.fail(t('projects.couldNotDuplicateAssistant'), e);
      return;
    }
    await this.loadAssistants();
  }

  /** Deletes an assistant; the toast's Undo brings it back. Chats started from it keep its name. */
  async deleteAssistant(a: Assistant): Promise<void> {
    try {
      await api.AssistantService.Delete(a.id);
    } catch (e) {
      toasts.fail(t('projects.couldNotDeleteAssistant'), e);
      return;
    }
    await this.loadAssistants();
    const undo = async () => {
      try {
        await api.AssistantService.Restore(a.id);
      } catch (e) {
        toasts.fail(t('projects.couldNotRestoreAssistant'), e);
      }
      await this.loadAssistants();
    };
    toasts.show(t('projects.assistantDeleted', { name: a.name }), 'info', { label: t('common.undo'), run: () => void undo() }, 10000);
  }
}

export const projects = new ProjectStore();
