// The tool calls of answers, as Go reports them on brook:tool: the calls
// waiting for the user's approval, the calls running, and the answers with
// tool work under way (so the composer offers Stop, not Send). A settled
// call, the answer after a round and an answer stopped during a call go to
// the onMessage listeners (the open conversation), which patch its messages.
// Nothing here runs per streamed token: tool events come a few per call.
import { api, type ApprovalRequest, type Message, type ToolCall, type ToolDecision, type ToolEvent } from '../api';
import { announcer } from './announcer.svelte';
import { streams } from './streams.svelte';
import { ui } from './ui.svelte';
import { toasts } from './toasts.svelte';
import { t } from '../i18n/t.svelte';

/** A call waiting for the user: the call, the arguments pretty-printed, and where it is. */
export interface WaitingCall {
  conversationId: number;
  messageId: number;
  call: ToolCall;
  arguments: string;
}

/** A call running: until when, and where it is. */
export interface RunningCall {
  conversationId: number;
  messageId: number;
  timeoutMs: number;
  since: number;
}

/** What changed in a conversation's messages. */
export type MessageChange =
  | { kind: 'call'; messageId: number; conversationId: number; call: ToolCall }
  | { kind: 'next'; after: number; message: Message }
  | { kind: 'replace'; message: Message };

type Listener = (c: MessageChange) => void;

export function callKey(messageId: number, callId: string): string {
  return `${messageId}:${callId}`;
}

export class ToolCallStore {
  waiting = $state<Record<string, WaitingCall>>({});
  running = $state<Record<string, RunningCall>>({});
  /** conversationId → the ids of its answers whose tool calls are under way. */
  private busy = $state<Record<number, number[]>>({});
  private listeners = new Set<Listener>();

  onMessage(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Whether a conversation has tool calls under way. */
  busyIn(conversationId: number): boolean {
    return (this.busy[conversationId]?.length ?? 0) > 0;
  }

  /** The answers of a conversation with tool calls under way, for Stop. */
  answersIn(conversationId: number): number[] {
    return [...(this.busy[conversationId] ?? [])];
  }

  /** Listens to brook:tool and picks up calls already waiting; returns the unsubscribe. */
  start(): () => void {
    const off = api.events.onTool((ev) => this.apply(ev));
    api.ToolCallService.Pending()
      .then((list) => list.forEach((r) => this.addWaiting(r)))
      .catch((e) => toasts.fail(t('toolCalls.couldNotListWaiting'), e));
    return off;
  }

  private addWaiting(r: ApprovalRequest): void {
    const call = r.call as ToolCall;
    this.waiting[callKey(r.messageId, call.id)] = { conversationId: r.conversationId, messageId: r.messageId, call, arguments: call.arguments };
    this.markBusy(r.conversationId, r.messageId);
  }

  apply(ev: ToolEvent): void {
    const key = ev.call ? callKey(ev.messageId, ev.call.id) : '';
    switch (ev.phase) {
      case 'approval':
        if (!ev.call) return;
        this.waiting[key] = { conversationId: ev.conversationId, messageId: ev.messageId, call: ev.call, arguments: ev.arguments ?? ev.call.arguments };
        this.markBusy(ev.conversationId, ev.messageId);
        announcer.say(ev.call.server ? t('toolCalls.asksToRunOf', { tool: ev.call.name, server: ev.call.server }) : t('toolCalls.asksToRun', { tool: ev.call.name }), 'assertive');
        ui.scrollToBottom(); // the card is at the end of the conversation
        break;
      case 'running':
        delete this.waiting[key];
        this.running[key] = { conversationId: ev.conversationId, messageId: ev.messageId, timeoutMs: ev.timeoutMs ?? 0, since: ev.since ?? Date.now() };
        this.markBusy(ev.conversationId, ev.messageId);
        break;
      case 'settled':
        delete this.waiting[key];
        delete this.running[key];
        if (ev.call) this.tell({ kind: 'call', messageId: ev.messageId, conversationId: ev.conversationId, call: ev.call });
        break;
      case 'next':
        this.unmarkBusy(ev.conversationId, ev.messageId);
        if (ev.message) this.tell({ kind: 'next', after: ev.messageId, message: ev.message });
        break;
      case 'answer':
        this.unmarkBusy(ev.conversationId, ev.messageId);
        if (ev.message) this.tell({ kind: 'replace', message: ev.message });
        break;
    }
  }

  /** The user's answer to a waiting call; the card goes once Go has it. */
  async decide(messageId: number, callId: string, decision: ToolDecision): Promise<void> {
    const key = callKey(messageId, callId);
    try {
      await api.ToolCallService.Answer(messageId, callId, decision);
      delete this.waiting[key];
    } catch (e) {
      toasts.fail(t('toolCalls.couldNotAnswer'), e);
    }
  }

  async cancel(messageId: number, callId: string): Promise<void> {
    try {
      await api.ToolCallService.Cancel(messageId, callId);
    } catch (e) {
      toasts.fail(t('toolCalls.couldNotCancel'), e);
    }
  }

  private tell(c: MessageChange): void {
    for (const l of this.listeners) l(c);
  }

  private markBusy(conversationId: number, messageId: number): void {
    const ids = this.busy[conversationId] ?? [];
    if (!ids.includes(messageId)) this.busy[conversationId] = [...ids, messageId];
  }

  private unmarkBusy(conversationId: number, messageId: number): void {
    const ids = (this.busy[conversationId] ?? []).filter((id) => id !== messageId);
    if (ids.length) this.busy[conversationId] = ids;
    else delete this.busy[conversationId];
  }
}

export const toolCalls = new ToolCallStore();

/** The open conversation as applyToolChange changes it. */
export interface ShownMessages {
  currentId: number;
  messages: Message[];
  replaceMessage(m: Message): void;
}

/**
 * Applies a change to the open conversation: a settled call replaces its
 * entry, the answer after a round goes right after the answer with the
 * calls (and is followed as it streams), a stopped answer replaces its own.
 */
export function applyToolChange(shown: ShownMessages, c: MessageChange): void {
  switch (c.kind) {
    case 'call': {
      const m = c.conversationId === shown.currentId ? shown.messages.find((x) => x.id === c.messageId) : undefined;
      const i = m?.toolCalls?.findIndex((x) => x.id === c.call.id) ?? -1;
      if (m?.toolCalls && i >= 0) m.toolCalls[i] = c.call;
      break;
    }
    case 'next': {
      streams.track(c.message);
      if (c.message.conversationId !== shown.currentId || shown.messages.some((x) => x.id === c.message.id)) return;
      const i = shown.messages.findIndex((x) => x.id === c.after);
      if (i >= 0) shown.messages.splice(i + 1, 0, c.message);
      ui.scrollToBottom();
      break;
    }
    case 'replace':
      shown.replaceMessage(c.message);
      break;
  }
}
