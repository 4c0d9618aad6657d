// The fake ChatService: questions, answers and their versions in the fake's
// message tree, with answers streamed by the Simulator.
import type { Services } from '../bound';
import type { Conversation, ImageInput, Message, MessageImage, SendResult } from '../types';
import type { FakeParts } from './parts';
import { conv, msg, newId } from './data';
import { Simulator } from './simulate';
import { fakeDocumentMethods } from './documents';

export function fakeChatService(parts: FakeParts): Services['ChatService'] {
  const { fake, findConv, findMsg, emitFinal } = parts;
  const { db, tree } = fake;
  const sim = new Simulator(parts);

  async function send(conversationId: number, text: string, endpointId: string, model: string): Promise<SendResult> {
    let c: Conversation;
    if (conversationId === 0) {
      c = conv({ title: text.slice(0, 40), endpointId, model });
      db.conversations.unshift(c);
    } else c = findConv(conversationId);
    const user = msg({ conversationId: c.id, role: 'user', content: text });
    tree.place(user, tree.leaf(c.id));
    const answer = msg({ conversationId: c.id, role: 'assistant', content: '', state: 'streaming', model });
    tree.place(answer, user.id);
    db.messages.push(user, answer);
    sim.start(answer);
    return { conversation: { ...c }, user: tree.view(user), answer: tree.view(answer) };
  }

  /** Retry and Regenerate: a new version of an answer, shown in its place, streaming. */
  function newVersion(id: number): Message {
    const old = findMsg(id);
    const m = msg({ conversationId: old.conversationId, role: 'assistant', state: 'streaming', model: old.model });
    tree.place(m, tree.parentOf(old));
    db.messages.push(m);
    sim.start(m);
    return tree.view(m);
  }

  /** Go's refusals of SendWithImages. */
  function imageRefusal(model: string, images: ImageInput[]): string {
    if (images.length > 8) return `too many images (${images.length}; at most 8)`;
    for (const im of images) {
      if (!['image/png', 'image/jpeg', 'image/webp', 'image/gif'].includes(im.mime)) return `${im.name}: images must be PNG, JPEG, WebP or GIF`;
      if ((im.data.length * 3) / 4 > 10 * 1024 * 1024) return `${im.name} is larger than 10 MB`;
    }
    const info = db.models.flatMap((e) => e.models).find((x) => x.name === model);
    if (info?.capabilities?.length && !info.capabilities.includes('vision')) return `${model} cannot see images`;
    return '';
  }

  async function sendWithImages(conversationId: number, text: string, endpointId: string, model: string, images: ImageInput[]): Promise<SendResult> {
    const refused = imageRefusal(model, images);
    if (refused) throw refused;
    const r = await send(conversationId, text, endpointId, model);
    const user = findMsg(r.user.id);
    user.images = images.map((im): MessageImage => {
      const id = newId();
      db.imageData[id] = im.data;
      return { id, messageId: user.id, name: im.name, mime: im.mime, width: 1, height: 1, size: Math.floor((im.data.length * 3) / 4) };
    });
    return { ...r, user: { ...user } };
  }

  const documents = fakeDocumentMethods(parts, { Send: send, SendWithImages: sendWithImages });
  return {
    Send: send,
    SendWithImages: sendWithImages,
    ...documents,
    async SendWithTools(conversationId, text, endpointId, model, images, documentIds, tools) {
      if (tools.some((x) => !x.serverId || !x.name)) throw new Error('a tool is named by its server and its name');
      const r = await documents.SendWithAttachments(conversationId, text, endpointId, model, images, documentIds);
      // Like Go, the tools are the conversation's from its first answer on (the fake keeps one set of choices).
      for (const ref of tools) {
        const t = db.tools.choices.tools.find((x) => x.serverId === ref.serverId && x.name === ref.name);
        if (t) t.enabled = true;
      }
      return r;
    },
    async Stop(id) {
      const m = findMsg(id);
      sim.stop(m);
      m.state = 'stopped';
      emitFinal(m);
    },
    async Retry(id) {
      return newVersion(id);
    },
    async Continue(id) {
      const m = findMsg(id);
      m.state = 'streaming';
      sim.start(m);
      return tree.view(m);
    },
    async Regenerate(id) {
      return newVersion(id);
    },
    async EditAndResend(userId, text) {
      const old = findMsg(userId);
      const c = findConv(old.conversationId);
      const user = msg({ conversationId: c.id, role: 'user', content: text, images: old.images, documents: old.documents });
      tree.place(user, tree.parentOf(old));
      const answer = msg({ conversationId: c.id, role: 'assistant', state: 'streaming', model: c.model });
      tree.place(answer, user.id);
      db.messages.push(user, answer);
      sim.start(answer);
      return { conversation: { ...c }, user: tree.view(user), answer: tree.view(answer) };
    },
    async SetPaintInterval() {},
    async ActiveAnswers() {
      return db.messages.filter((m) => m.state === 'streaming').map((m) => m.id);
    },
    async SaveAgain(id) {
      const m = findMsg(id);
      if (m.unsaved) throw new Error('the answer is still not saved: disk full');
    },
    async AskNow(id) {
      const m = findMsg(id);
      if (m.state !== 'streaming') throw new Error('the answer is not waiting');
      // Like the engine: stop waiting for the stream, ask the whole question again without streaming.
      sim.stopped.add(id);
      const s = fake.simulate;
      setTimeout(() => fake.emitRecovering(id, 'reask', 'user_skipped_wait'), 0);
      setTimeout(() => {
        m.content = s?.text ?? m.content;
        m.state = 'complete';
        m.recovered = true;
        m.recoveryReason = 'user_skipped_wait';
        m.recoveryMethod = 'reasked';
        emitFinal(m);
      }, (s?.intervalMs ?? 0) + 1);
    },
  };
}
