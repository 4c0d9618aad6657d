// The fake TransferService: exports name a file; imports read the previews
// in db.imports by path, and importing adds the picked conversations that
// are not stored yet to the fake's list, as Go does.
import type { Services } from '../bound';
import type { ImportPreview, ImportPreviewItem } from '../types';
import { conv } from './data';
import type { FakeParts } from './parts';

/** Where the fake's sample export lies (what PickImport answers by default). */
export const FAKE_IMPORT_PATH = '/home/you/Downloads/open-webui-chats.json';

const DAY = 86_400_000;

/** A sample Open WebUI export: n conversations (5 by default), the second already in Brook. */
export function fakeImportPreview(n = 5, start = Date.UTC(2025, 3, 2, 9)): ImportPreview {
  const titles = ['Branching chat', 'Second chat', 'Trip to Lisbon', 'Sourdough timings', 'Rust lifetimes'];
  const conversations: ImportPreviewItem[] = Array.from({ length: n }, (_, i) => ({
    title: i < titles.length ? titles[i] : `Conversation ${i + 1}`,
    createdAt: start + i * DAY,
    updatedAt: start + i * DAY + 3_600_000,
    messages: 2 + ((i * 5) % 9),
    status: i === 1 ? 'stored' : 'new',
  }));
  return {
    token: 'fake-token-' + n,
    file: FAKE_IMPORT_PATH.split('/').pop() ?? '',
    name: 'Open WebUI export',
    conversations,
    messages: conversations.reduce((s, c) => s + c.messages, 0),
    first: conversations[0]?.createdAt ?? 0,
    last: conversations.at(-1)?.updatedAt ?? 0,
    stored: conversations.filter((c) => c.status === 'stored').length,
    leftOut: ['a file attachment: notes.pdf (files are not imported)'],
  };
}

export function fakeTransferService({ fake }: FakeParts): Services['TransferService'] {
  const read = (path: string): ImportPreview => {
    const p = fake.db.imports[path];
    if (p === undefined) throw `${path.split('/').pop()}: no such file or directory`;
    if (typeof p === 'string') throw p;
    return structuredClone(p);
  };
  return {
    async Export(_ids, format) {
      return '/tmp/brook-export.' + (format === 'markdown' ? 'md' : format);
    },
    async PickImport() {
      return fake.db.importPick;
    },
    async Preview(path) {
      return read(path);
    },
    async ImportPicked(path, token, picked) {
      const p = read(path);
      if (!picked.length) throw 'no conversation is picked: pick at least one to import';
      if (token !== p.token) throw `${p.file}: it changed since its preview: look at it again before importing`;
      const s = { name: p.name, imported: 0, copied: 0, skipped: 0, messages: 0, archived: 0, notPicked: p.conversations.length - picked.length, leftOut: p.leftOut };
      for (const i of picked) {
        const c = p.conversations[i];
        if (c.status === 'stored') {
          s.skipped++;
          continue;
        }
        s.imported++;
        s.messages += c.messages;
        if (c.status === 'changed') s.copied++;
        const id = Math.max(0, ...fake.db.conversations.map((x) => x.id)) + 1;
        fake.db.conversations.unshift(conv({ id, title: c.title, createdAt: c.createdAt, updatedAt: c.updatedAt }));
      }
      // Later previews of this path see what is in Brook now.
      const stored = fake.db.imports[path] as ImportPreview;
      for (const i of picked) stored.conversations[i].status = 'stored';
      stored.stored = stored.conversations.filter((c) => c.status === 'stored').length;
      return s;
    },
  };
}
