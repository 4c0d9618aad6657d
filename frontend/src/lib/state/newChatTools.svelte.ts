// The tools chosen in the tool picker of a new chat, before the chat exists:
// kept with the new chat's draft (across a visit to another conversation),
// sent with its first message (ChatService.SendWithTools) so that its first
// answer is offered them, and forgotten once that message is sent.
import type { chat } from '../../../wailsjs/go/models';

export type ToolRef = chat.ToolRef;

class NewChatTools {
  chosen = $state<ToolRef[]>([]);

  has(serverId: string, name: string): boolean {
    return this.chosen.some((x) => x.serverId === serverId && x.name === name);
  }

  set(serverId: string, name: string, on: boolean): void {
    const rest = this.chosen.filter((x) => !(x.serverId === serverId && x.name === name));
    this.chosen = on ? [...rest, { serverId, name }] : rest;
  }

  /** The choices to send with the first message, as plain objects. */
  refs(): ToolRef[] {
    return this.chosen.map((x) => ({ serverId: x.serverId, name: x.name }));
  }

  /** The first message went: the choices are the conversation's now. */
  sent(): void {
    this.chosen = [];
  }
}

export const newChatTools = new NewChatTools();
