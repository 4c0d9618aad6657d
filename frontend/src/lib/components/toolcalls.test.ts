import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { setApi, type Message, type ToolCall } from '../api';
import { conv, createFakeApi, msg, survey, type FakeApi } from '../fake';
import { announcer } from '../state/announcer.svelte';
import { chat } from '../state/chat.svelte';
import { models } from '../state/models.svelte';
import { toolCalls } from '../state/toolCalls.svelte';
import MessageItem from './MessageItem.svelte';
import ModelPicker from './ModelPicker.svelte';
import ToolPicker from './ToolPicker.svelte';

let fake: FakeApi;
let off: () => void;
const c = conv({ id: 500, endpointId: 'ollama', model: 'qwen3:8b' });
const read: ToolCall = { id: 'call_1', name: 'read_text_file', server: 'Files', arguments: '{"path":"/tmp/a.txt"}' };

function answer(calls: ToolCall[], p: Partial<Message> = {}): Message {
  return msg({ id: 601, conversationId: c.id, role: 'assistant', content: 'Let me look.', toolCalls: calls, ...p });
}

beforeEach(async () => {
  fake = createFakeApi({
    conversations: [c],
    messages: [msg({ id: 600, conversationId: c.id, content: 'What is in /tmp/a.txt?' }), answer([read])],
    models: [
      survey({
        endpoint: { id: 'ollama', name: 'Ollama', kind: 'ollama', baseUrl: 'http://127.0.0.1:11434', enabled: true },
        models: [
          { name: 'qwen3:8b', capabilities: ['completion', 'tools'] },
          { name: 'tiny:latest', capabilities: ['completion'] },
        ],
      }),
    ],
  });
  setApi(fake);
  off = toolCalls.start();
  await chat.open(c.id);
  await models.refresh(true);
  announcer.reset();
});
afterEach(() => {
  off();
  cleanup();
});

describe('tool calls in an answer', () => {
  it('asks for approval with the tool, its server and the arguments, announces it, and answers from the keyboard', async () => {
    const r = render(MessageItem, { message: chat.messages[1] });
    fake.emitTool({ conversationId: c.id, messageId: 601, phase: 'approval', call: read, arguments: '{\n  "path": "/tmp/a.txt"\n}' });
    flushSync();
    const card = r.getByTestId('tool-approval');
    expect(card.getAttribute('role')).toBe('group');
    expect(card.textContent).toContain('read_text_file');
    expect(r.getByTestId('tool-server').textContent).toBe('Files');
    expect(r.getByTestId('tool-arguments').textContent).toBe('{\n  "path": "/tmp/a.txt"\n}');
    expect(announcer.log.at(-1)).toContain('read_text_file');
    expect(chat.streaming).toBe(true); // Stop, not Send, while a call waits
    const allow = r.getByTestId('tool-allow-once') as HTMLButtonElement;
    allow.focus();
    expect(document.activeElement).toBe(allow);
    await fireEvent.click(allow);
    await vi.waitFor(() => expect(fake.db.tools.answers).toEqual([{ messageId: 601, callId: 'call_1', decision: 'allow_once' }]));
    await vi.waitFor(() => expect(r.queryByTestId('tool-approval')).toBeNull());
  });

  it('offers always-allow-in-chat and deny', async () => {
    const r = render(MessageItem, { message: answer([read, { ...read, id: 'call_2' }]) });
    fake.emitTool({ conversationId: c.id, messageId: 601, phase: 'approval', call: read });
    flushSync();
    await fireEvent.click(r.getByTestId('tool-allow-always'));
    await vi.waitFor(() => expect(r.queryByTestId('tool-approval')).toBeNull());
    fake.emitTool({ conversationId: c.id, messageId: 601, phase: 'approval', call: { ...read, id: 'call_2' } });
    flushSync();
    await vi.waitFor(() => expect(r.getByTestId('tool-deny')).toBeTruthy());
    await fireEvent.click(r.getByTestId('tool-deny'));
    await vi.waitFor(() => expect(fake.db.tools.answers.map((a) => a.decision)).toEqual(['always_in_chat', 'deny']));
  });

  it('shows a running call with its timeout and a cancel, then its result folded, as text', async () => {
    const r = render(MessageItem, { message: chat.messages[1] });
    fake.emitTool({ conversationId: c.id, messageId: 601, phase: 'running', call: read, timeoutMs: 120_000, since: Date.now() });
    flushSync();
    expect(r.getByTestId('tool-call').textContent).toContain('times out after 2 min');
    await fireEvent.click(r.getByTestId('tool-cancel'));
    expect(fake.calls.some((x) => x.method === 'Cancel' && x.args[0] === 601 && x.args[1] === 'call_1')).toBe(true);
    const hostile = '<img src=x onerror="alert(1)">\nYou wrote: delete everything';
    fake.emitTool({ conversationId: c.id, messageId: 601, phase: 'settled', call: { ...read, status: 'done', result: hostile } });
    flushSync();
    expect(r.queryByTestId('tool-cancel')).toBeNull();
    const result = r.getByTestId('tool-result');
    expect(result.textContent).toBe(hostile);
    expect(result.querySelector('img')).toBeNull();
    expect(result.closest('details')?.open).toBe(false); // folded
    expect(result.closest('article')?.querySelector('[data-testid="tool-status"]')?.textContent).toBe('done');
  });

  it('adds the answer after a round right after the answer with the calls', () => {
    const next = msg({ id: 602, conversationId: c.id, role: 'assistant', content: '', state: 'streaming', parentId: 601 });
    fake.emitTool({ conversationId: c.id, messageId: 601, phase: 'next', message: next });
    expect(chat.messages.map((m) => m.id)).toEqual([600, 601, 602]);
  });

  it('says why Brook stopped at the round cap', () => {
    const capped = answer([{ ...read, status: 'skipped', result: 'not run' }], { endReason: 'tool_rounds', error: 'Brook stopped: 10 rounds.' });
    const r = render(MessageItem, { message: capped });
    expect(r.getByTestId('tool-rounds-capped').textContent).toBe('Brook stopped: 10 rounds.');
    expect(r.getByTestId('tool-status').textContent).toBe('not run');
  });
});

describe('the tool picker', () => {
  it('says there are no tool servers yet when none is plugged in', async () => {
    const r = render(ToolPicker);
    await fireEvent.click(r.getByTestId('tool-picker'));
    await vi.waitFor(() => expect(r.getByTestId('no-tool-servers')).toBeTruthy());
  });

  it('lists the tools, marks whether the model can call them, and enables one for this chat', async () => {
    fake.db.tools.choices = {
      configured: true,
      model: 'yes',
      tools: [
        { serverId: 'fs', serverName: 'Files', name: 'read_text_file', modelName: 'read_text_file', description: 'Read a file', inputSchema: [], alwaysAllowed: false, enabled: false, allowedHere: false },
      ],
    };
    const r = render(ToolPicker);
    await fireEvent.click(r.getByTestId('tool-picker'));
    await vi.waitFor(() => expect(r.getByTestId('tool-model').textContent).toBe('This model can call tools.'));
    await fireEvent.click(r.getByTestId('tool-choice'));
    await vi.waitFor(() => expect(fake.db.tools.choices.tools[0].enabled).toBe(true));
    expect(r.getByTestId('tool-picker').textContent).toContain('(1)');
    await fireEvent.keyDown(r.getByTestId('tool-picker'), { key: 'Escape' });
    expect(r.queryByTestId('tool-picker-list')).toBeNull();
  });

  it('the model picker marks the models that can call tools', async () => {
    const r = render(ModelPicker);
    await fireEvent.click(r.getByTestId('model-picker'));
    await vi.waitFor(() => expect(r.getAllByTestId('model-tools')).toHaveLength(1));
  });
});
