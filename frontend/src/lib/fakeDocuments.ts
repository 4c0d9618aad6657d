// The fake API's documents (api.fake.ts): what ChatService.ReadDocument,
// StagedDocumentText, DiscardDocument, DocumentText and SendWithAttachments
// do in Go, small enough for tests and the in-browser preview. Text files
// are read as text; anything else is refused the way Go refuses a binary.
import type { BrookApi, Message, MessageDocument, SendResult, StagedDocument } from './api';
import type { store } from '../../wailsjs/go/models';

/** What the fake needs of the rest of the fake API. */
export interface FakeDocumentsHost {
  log(method: string, ...args: unknown[]): void;
  send: BrookApi['chat']['send'];
  sendWithImages: BrookApi['chat']['sendWithImages'];
  findMsg(id: number): Message;
  nextId(): number;
}

const MAX_FILE_BYTES = 50 * 1024 * 1024;

function decode(base64: string): { text: string; size: number } {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  if (bytes.includes(0)) throw new Error('is a binary file, not text or a document Brook can read.');
  return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), size: bytes.length };
}

export function fakeDocuments(host: FakeDocumentsHost) {
  const staged = new Map<string, StagedDocument & { text: string }>();
  const stored = new Map<number, store.Document>();
  return {
    documents: {
      async read(name: string, data: string): Promise<StagedDocument> {
        host.log('readDocument', name, data.length);
        if ((data.length * 3) / 4 > MAX_FILE_BYTES) throw new Error(`${name} is too large; Brook reads documents of at most 50 MB.`);
        let text: string, size: number;
        try {
          ({ text, size } = decode(data));
        } catch {
          throw new Error(`${name} is a binary file, not text or a document Brook can read.`);
        }
        if (!text.trim()) throw new Error(`${name} has no text in it.`);
        const id = `fake-${name}-${text.length}`;
        const doc = { id, name, kind: 'text', size, pages: 0, tokens: Math.ceil(text.length / 4), text };
        staged.set(id, doc);
        return { id, name, kind: doc.kind, size: doc.size, pages: 0, tokens: doc.tokens };
      },
      async stagedText(id: string): Promise<string> {
        host.log('stagedDocumentText', id);
        const d = staged.get(id);
        if (!d) throw new Error('that document is no longer attached; attach it again');
        return d.text;
      },
      async discard(id: string): Promise<void> {
        host.log('discardDocument', id);
        staged.delete(id);
      },
      async text(id: number): Promise<store.Document> {
        host.log('documentText', id);
        const d = stored.get(id);
        if (!d) throw new Error('document not found');
        return d;
      },
    },
    async sendWithAttachments(
      conversationId: number,
      text: string,
      endpointId: string,
      model: string,
      images: Parameters<BrookApi['chat']['sendWithImages']>[4],
      documentIds: string[],
    ): Promise<SendResult> {
      const docs = documentIds.map((id) => {
        const d = staged.get(id);
        if (!d) throw new Error('that document is no longer attached; attach it again');
        return d;
      });
      // Like Go: a model that cannot see is refused images, not documents.
      const r = images.length
        ? await host.sendWithImages(conversationId, text, endpointId, model, images)
        : await host.send(conversationId, text, endpointId, model);
      host.log('sendWithAttachments', conversationId, text, documentIds);
      const user = host.findMsg(r.user.id);
      user.documents = docs.map((d): MessageDocument => {
        const id = host.nextId();
        const doc = { id, messageId: user.id, name: d.name, kind: d.kind, mime: 'text/plain', hash: d.id, size: d.size, pages: d.pages, tokens: d.tokens };
        stored.set(id, { ...doc, text: d.text });
        return doc;
      });
      for (const id of documentIds) staged.delete(id);
      return { ...r, user: { ...user } };
    },
  };
}
