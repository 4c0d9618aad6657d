// The message tree of the in-memory fake API, as Go's store keeps it: a
// message follows its parent (parentId), the children of one parent are
// versions of one turn, and at every level the version shown last
// (shownAt, then the newer) is on the shown path. A fake message without a
// parentId follows the one before it in its conversation, so tests can still
// write conversations as plain lists.
import type { Message } from '../types';

export class FakeTree {
  /** Orders shownAt of versions made or switched to in one millisecond. */
  private clock = 0;

  constructor(private readonly all: () => Message[]) {}

  private inConversation(id: number): Message[] {
    return this.all().filter((m) => m.conversationId === id);
  }

  parentOf(m: Message): number {
    if (m.parentId !== undefined) return m.parentId;
    const list = this.inConversation(m.conversationId);
    const i = list.indexOf(m);
    return i > 0 ? list[i - 1].id : 0;
  }

  /** The versions of the turn that follows parent (0: the first turn), oldest first. */
  children(conversationId: number, parent: number): Message[] {
    return this.inConversation(conversationId).filter((m) => this.parentOf(m) === parent);
  }

  /** The path shown from m down, each message a copy with its versions. */
  pathFrom(m: Message): Message[] {
    const out: Message[] = [];
    for (let at: Message | undefined = m; at; at = this.shownChild(at.conversationId, at.id)) out.push(this.view(at));
    return out;
  }

  /** The path a conversation shows. */
  shownPath(conversationId: number): Message[] {
    const first = this.shownChild(conversationId, 0);
    return first ? this.pathFrom(first) : [];
  }

  /** The last message of the shown path, or 0. */
  leaf(conversationId: number): number {
    const p = this.shownPath(conversationId);
    return p.length ? p[p.length - 1].id : 0;
  }

  /** A copy of m with its versions (when it has several). */
  view(m: Message): Message {
    const versions = this.children(m.conversationId, this.parentOf(m)).map((v) => v.id);
    const out = { ...m };
    if (versions.length > 1) out.versions = versions;
    else delete out.versions;
    return out;
  }

  /** Puts m on show among its versions. */
  show(m: Message): void {
    m.shownAt = this.next();
  }

  /** Fixes the parent of m (a new message or version) and puts it on show. */
  place(m: Message, parent: number): void {
    m.parentId = parent;
    this.show(m);
  }

  /** m and every message beneath it. */
  subtree(m: Message): Message[] {
    const out = [m];
    for (let i = 0; i < out.length; i++) out.push(...this.children(out[i].conversationId, out[i].id));
    return out;
  }

  private shownChild(conversationId: number, parent: number): Message | undefined {
    let best: Message | undefined;
    for (const c of this.children(conversationId, parent)) if (!best || (c.shownAt ?? 0) >= (best.shownAt ?? 0)) best = c;
    return best;
  }

  private next(): number {
    this.clock = Math.max(this.clock + 1, Date.now());
    return this.clock;
  }
}
