// The fake ChatService's documents: what ReadDocument, StagedDocumentText,
// DiscardDocument, DocumentText and SendWithAttachments do in Go, small
// enough for tests and the in-browser preview. Text files are read as text;
// anything else is refused the way Go refuses a binary.
import type { Services } from '../bound';
import type { MessageDocument, StagedDocument } from '../types';
import type { store } from '../../../wailsjs/go/models';
import { newId } from './data';
import type { FakeParts } from './parts';

type Chat = Services['ChatService'];
type DocumentMethods = Pick<Chat, 'ReadDocument' | 'StagedDocumentText' | 'DiscardDocument' | 'DocumentText' | 'SendWithAttachments'>;

const MAX_FILE_BYTES = 50 * 1024 * 1024;
const NO_LONGER_ATTACHED = 'that document is no longer attached; attach it again';

function decode(base64: string): { text: string; size: number } {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  if (bytes.includes(0)) throw new Error('binary');
  return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), size: bytes.length };
}

/** The document methods, sending through the fake's own Send and SendWithImages. */
export function fakeDocumentMethods(parts: FakeParts, sends: Pick<Chat, 'Send' | 'SendWithImages'>): DocumentMethods {
  const staged = new Map<string, StagedDocument & { text: string }>();
  const stored = new Map<number, store.Document>();
  const stagedOrRefused = (id: string) => {
    const d = staged.get(id);
    if (!d) throw new Error(NO_LONGER_ATTACHED);
    return d;
  };
  return {
    async ReadDocument(name, data) {
      if ((data.length * 3) / 4 > MAX_FILE_BYTES) throw new Error(`${name} is too large; Brook reads documents of at most 50 MB.`);
      let text: string, size: number;
      try {
        ({ text, size } = decode(data));
      } catch {
        throw new Error(`${name} is a binary file, not text or a document Brook can read.`);
      }
      if (!text.trim()) throw new Error(`${name} has no text in it.`);
      const id = `fake-${name}-${text.length}`;
      const info: StagedDocument = { id, name, kind: 'text', size, pages: 0, tokens: Math.ceil(text.length / 4) };
      staged.set(id, { ...info, text });
      return info;
    },
    async StagedDocumentText(id) {
      return stagedOrRefused(id).text;
    },
    async DiscardDocument(id) {
      staged.delete(id);
    },
    async DocumentText(id) {
      const d = stored.get(id);
      if (!d) throw new Error('document not found');
      return d;
    },
    async SendWithAttachments(conversationId, text, endpointId, model, images, documentIds) {
      const docs = documentIds.map(stagedOrRefused);
      // Like Go: a model that cannot see is refused images, not documents.
      const r = images.length
        ? await sends.SendWithImages(conversationId, text, endpointId, model, images)
        : await sends.Send(conversationId, text, endpointId, model);
      // Like Go: the documents are stored with the question and the staged ones let go.
      const user = parts.findMsg(r.user.id);
      user.documents = docs.map((d): MessageDocument => {
        const id = newId();
        const doc = { id, messageId: user.id, name: d.name, kind: d.kind, mime: 'text/plain', hash: d.id, size: d.size, pages: d.pages, tokens: d.tokens };
        stored.set(id, { ...doc, text: d.text });
        return doc;
      });
      for (const id of documentIds) staged.delete(id);
      // Like Go: a new conversation asked with documents alone is named after the first.
      const c = parts.findConv(r.conversation.id);
      if (conversationId === 0 && !text.trim() && docs.length) c.title = docs[0].name;
      return { ...r, conversation: { ...c }, user: parts.fake.tree.view(user) };
    },
  };
}
