// The fake ToolCallService: the tool picker's choices from db.tools, and
// the user's answers to approvals kept for tests to read, refusing what Go
// refuses.
import type { Services } from '../bound';
import type { FakeParts } from './parts';

const DECISIONS = ['allow_once', 'always_in_chat', 'deny'];

export function fakeToolCallService({ fake, findConv }: FakeParts): Services['ToolCallService'] {
  const { db } = fake;
  return {
    async Choices(conversationId) {
      findConv(conversationId);
      return structuredClone(db.tools.choices);
    },
    async NewChatChoices() {
      // Like Go: a chat not started yet has none enabled or allowed.
      const c = structuredClone(db.tools.choices);
      for (const t of c.tools) t.enabled = t.allowedHere = false;
      return c;
    },
    async SetEnabled(conversationId, serverId, name, enabled) {
      findConv(conversationId);
      const t = db.tools.choices.tools.find((x) => x.serverId === serverId && x.name === name);
      if (!t) throw new Error('a tool is named by its server and its name');
      t.enabled = enabled;
    },
    async Answer(messageId, callId, decision) {
      if (!DECISIONS.includes(decision)) throw new Error('the answer must be allow_once, always_in_chat or deny');
      db.tools.answers.push({ messageId, callId, decision });
    },
    async Cancel() {
      return true;
    },
    async Pending() {
      return [];
    },
  };
}
