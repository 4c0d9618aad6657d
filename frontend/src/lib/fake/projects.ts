// The fake ProjectService and AssistantService: projects and assistants in
// memory, refusing what Go refuses (an empty or too long name, an unknown id).
import type { Services } from '../bound';
import type { Assistant, Conversation, Project } from '../types';
import type { FakeParts } from './parts';
import { conv, newId } from './data';
import { fakeKnowledgeMethods } from './retrieval';

/** Go's store.MaxNameRunes. */
const MAX_NAME = 200;

/** The name as Go keeps it, or Go's refusal. */
function cleanName(what: string, name: string): string {
  const n = name.trim();
  if (!n) throw new Error(`Please give the ${what} a name.`);
  if ([...n].length > MAX_NAME) throw new Error(`A ${what} name can be at most ${MAX_NAME} characters.`);
  return n;
}

export function project(p: Partial<Project> = {}): Project {
  const id = p.id ?? newId();
  return { id, uid: 'p' + id, name: 'Project ' + id, params: {}, sortOrder: id, createdAt: 0, updatedAt: 0, ...p };
}

export function assistant(a: Partial<Assistant> = {}): Assistant {
  const id = a.id ?? newId();
  return { id, uid: 'a' + id, name: 'Assistant ' + id, params: {}, createdAt: 0, updatedAt: 0, ...a };
}

function sidebarOrder(a: Conversation, b: Conversation) {
  return Number(b.pinned) - Number(a.pinned) || b.updatedAt - a.updatedAt;
}

export function fakeProjectService({ fake, findConv }: FakeParts): Services['ProjectService'] {
  const { db } = fake;
  const deleted = new Map<number, Project>();
  const trashed = new Map<number, Conversation[]>();
  const find = (id: number) => {
    const p = db.projects.find((p) => p.id === id);
    if (!p) throw new Error(`There is no project with id ${id}.`);
    return p;
  };
  const changed = <T>(v: T): T => {
    fake.emitConversationsChanged();
    return v;
  };
  return {
    ...fakeKnowledgeMethods(fake, 'project'),
    async List() {
      return db.projects.map((p) => ({ ...p }));
    },
    async Create(p) {
      const made = project({ ...p, id: newId(), name: cleanName('project', p.name) });
      db.projects.push(made);
      return changed({ ...made });
    },
    async Update(p) {
      const stored = find(p.id);
      Object.assign(stored, { ...p, name: cleanName('project', p.name) });
      return changed({ ...stored });
    },
    async Delete(id, trash) {
      const p = find(id);
      const chats = db.conversations.filter((c) => c.projectId === id);
      db.projects = db.projects.filter((x) => x.id !== id);
      deleted.set(id, p);
      if (trash) {
        trashed.set(id, chats);
        db.conversations = db.conversations.filter((c) => c.projectId !== id);
        return changed({ moved: [], trashed: chats.length });
      }
      for (const c of chats) c.projectId = 0;
      return changed({ moved: chats.map((c) => c.id), trashed: 0 });
    },
    async Restore(id, moved) {
      const p = deleted.get(id);
      if (!p) throw new Error(`There is no deleted project with id ${id}.`);
      deleted.delete(id);
      db.projects.push(p);
      db.conversations.push(...(trashed.get(id) ?? []));
      trashed.delete(id);
      for (const c of db.conversations) if (moved.includes(c.id)) c.projectId = id;
      changed(undefined);
    },
    async Move(ids, projectId) {
      if (projectId) find(projectId);
      const list = ids.map(findConv);
      const moved = list.filter((c) => (c.projectId ?? 0) !== projectId).length;
      for (const c of list) c.projectId = projectId;
      return changed(moved);
    },
    async Conversations(projectId, archived, limit, offset) {
      return db.conversations
        .filter((c) => (c.projectId ?? 0) === projectId && c.archived === archived)
        .sort(sidebarOrder)
        .slice(offset, offset + (limit || Infinity))
        .map((c) => ({ ...c }));
    },
    async Counts(archived) {
      return db.projects
        .map((p) => ({ projectId: p.id, chats: db.conversations.filter((c) => c.projectId === p.id && c.archived === archived).length }))
        .filter((x) => x.chats > 0);
    },
    async Search(projectId, q) {
      if (projectId) find(projectId);
      const inScope = new Set(db.conversations.filter((c) => (c.projectId ?? 0) === projectId).map((c) => c.id));
      return (await fake.ConversationService.Search(q)).filter((h) => inScope.has(h.conversationId));
    },
    async Export(projectId, format) {
      const p = find(projectId);
      if (!db.conversations.some((c) => c.projectId === projectId)) throw new Error(`the project "${p.name}" has no chats to export`);
      const base = `brook-project-${p.name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-')}`;
      return format === 'json' ? `/home/user/${base}.json` : `/home/user/${base}`;
    },
    async StartChat(projectId) {
      const p = find(projectId);
      const c = conv({ projectId, title: 'New conversation', endpointId: p.endpointId ?? '', model: p.model ?? '', params: { ...p.params } });
      db.conversations.push(c);
      return changed({ ...c });
    },
  };
}

export function fakeAssistantService({ fake, findConv }: FakeParts): Services['AssistantService'] {
  const { db } = fake;
  const deleted = new Map<number, Assistant>();
  const find = (id: number) => {
    const a = db.assistants.find((a) => a.id === id);
    if (!a) throw new Error(`There is no assistant with id ${id}.`);
    return a;
  };
  const add = (a: Partial<Assistant>) => {
    const made = assistant({ ...a, id: newId(), name: cleanName('assistant', a.name ?? '') });
    db.assistants.push(made);
    return { ...made };
  };
  return {
    ...fakeKnowledgeMethods(fake, 'assistant'),
    async List() {
      return db.assistants.map((a) => ({ ...a }));
    },
    async Create(a) {
      return add(a);
    },
    async SaveConversation(id, name) {
      const c = findConv(id);
      return add({ name, instructions: c.systemPrompt, endpointId: c.endpointId, model: c.model, params: { ...c.params } });
    },
    async Update(a) {
      const stored = find(a.id);
      Object.assign(stored, { ...a, name: cleanName('assistant', a.name) });
      return { ...stored };
    },
    async Duplicate(id) {
      const a = find(id);
      return add({ ...a, name: a.name + ' (copy)' });
    },
    async Delete(id) {
      deleted.set(id, find(id));
      db.assistants = db.assistants.filter((a) => a.id !== id);
    },
    async Restore(id) {
      const a = deleted.get(id);
      if (a) db.assistants.push(a);
    },
    async Export(ids) {
      if (ids.length) ids.forEach(find);
      if (!db.assistants.length) throw new Error('there are no assistants to export');
      return '/home/user/brook-assistants.json';
    },
    async Import() {
      return { imported: 0, copied: 0, skipped: db.assistants.length };
    },
    async StartChat(assistantId, projectId) {
      const a = find(assistantId);
      const c = conv({
        title: 'New conversation',
        projectId,
        assistantId,
        assistantName: a.name,
        systemPrompt: a.instructions ?? '',
        endpointId: a.endpointId ?? '',
        model: a.model ?? '',
        params: { ...a.params },
      });
      db.conversations.push(c);
      fake.emitConversationsChanged();
      return { ...c };
    },
  };
}
