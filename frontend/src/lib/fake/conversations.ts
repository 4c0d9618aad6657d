// The fake ConversationService: the list, the open conversation and its
// versions (the fake's message tree), and search.
import type { Services } from '../bound';
import type { Conversation, SearchHit } from '../types';
import type { FakeParts } from './parts';
import { ONE_PIXEL_PNG } from './data';

export function fakeConversationService({ fake, findConv, findMsg }: FakeParts): Services['ConversationService'] {
  const { db, tree } = fake;
  const deleted = new Map<number, Conversation>();
  return {
    async List(archived, limit, offset) {
      return db.conversations
        .filter((c) => c.archived === archived)
        .sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.updatedAt - a.updatedAt)
        .slice(offset, offset + limit)
        .map((c) => ({ ...c }));
    },
    async Open(id) {
      return { conversation: { ...findConv(id) }, messages: tree.shownPath(id) };
    },
    async GetMessage(id) {
      return tree.view(findMsg(id));
    },
    async ImageData(id) {
      const img = db.messages.flatMap((m) => m.images ?? []).find((x) => x.id === id);
      if (!img && !(id in db.imageData)) throw new Error('image not found');
      return `data:${img?.mime ?? 'image/png'};base64,${db.imageData[id] ?? ONE_PIXEL_PNG}`;
    },
    async Rename(id, title) {
      findConv(id).title = title;
    },
    async SetPinned(id, v) {
      findConv(id).pinned = v;
    },
    async SetArchived(id, v) {
      findConv(id).archived = v;
    },
    async Delete(id) {
      const c = findConv(id);
      deleted.set(id, c);
      db.conversations = db.conversations.filter((x) => x.id !== id);
    },
    async Restore(id) {
      const c = deleted.get(id);
      if (c) db.conversations.push(c);
    },
    async ArchiveMany(ids, v) {
      const list = ids.map(findConv); // all or none, as Go
      for (const c of list) c.archived = v;
      fake.emitConversationsChanged();
      return list.length;
    },
    async DeleteMany(ids) {
      const list = ids.map(findConv);
      for (const c of list) deleted.set(c.id, c);
      db.conversations = db.conversations.filter((x) => !list.includes(x));
      fake.emitConversationsChanged();
      return list.length;
    },
    async RestoreMany(ids) {
      const list = ids.map((id) => {
        const c = deleted.get(id);
        if (!c) throw new Error(`There is no deleted conversation with id ${id}.`);
        return c;
      });
      for (const c of list) deleted.delete(c.id);
      db.conversations.push(...list);
      fake.emitConversationsChanged();
      return list.length;
    },
    async SetModel(id, e, m) {
      Object.assign(findConv(id), { endpointId: e, model: m });
    },
    async SetSystemPrompt(id, t) {
      findConv(id).systemPrompt = t;
    },
    async SetParams(id, p) {
      findConv(id).params = p;
    },
    async SaveDraft(id, t) {
      findConv(id).draft = t;
    },
    async ShowVersion(id) {
      const m = findMsg(id);
      if (db.messages.some((x) => x.conversationId === m.conversationId && x.state === 'streaming')) {
        throw new Error('an answer in this conversation is still being written; wait for it or stop it first');
      }
      tree.show(m);
      return tree.pathFrom(m);
    },
    async DeleteVersion(id) {
      const gone = tree.subtree(findMsg(id));
      db.messages = db.messages.filter((m) => !gone.includes(m));
      return gone.length;
    },
    async DeleteMessage(id) {
      const m = findMsg(id);
      const parent = tree.parentOf(m);
      // Like Go: its other versions go with what follows them; what follows m stays.
      const gone = [m, ...tree.children(m.conversationId, parent).filter((v) => v !== m).flatMap((v) => tree.subtree(v))];
      for (const c of tree.children(m.conversationId, m.id)) c.parentId = parent;
      db.messages = db.messages.filter((x) => !gone.includes(x));
      return gone.length;
    },
    async Search(q) {
      const hits: SearchHit[] = [];
      for (const m of db.messages) {
        const i = m.content.toLowerCase().indexOf(q.toLowerCase());
        if (!q || i < 0) continue;
        const c = db.conversations.find((c) => c.id === m.conversationId);
        const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
        hits.push({
          conversationId: m.conversationId,
          conversationTitle: c?.title ?? '',
          messageId: m.id,
          role: m.role,
          snippet: esc(m.content.slice(0, i)) + '<mark>' + esc(m.content.slice(i, i + q.length)) + '</mark>' + esc(m.content.slice(i + q.length)),
          createdAt: m.createdAt,
          rank: 0,
        });
      }
      return hits;
    },
  };
}
