// A reasoning model's thinking: the live store fields, the Thinking section (open while it thinks,
// folded after, its counter that must not outlive the thinking), sanitising, the two copies, the setting, the badge.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, cleanup, fireEvent } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { setApi, type EndpointModels, type Message, type StreamEvent } from '../api';
import { conv, createFakeApi, msg, survey, type FakeApi } from '../fake';
import { rendererModule } from '../markdown/lazy.svelte';
import { streams } from '../state/streams.svelte';
import { chat } from '../state/chat.svelte';
import { endpointKinds } from '../state/endpointKinds.svelte';
import { models } from '../state/models.svelte';
import { toasts } from '../state/toasts.svelte';
import MessageItem from './MessageItem.svelte';
import ConversationSettings from './ConversationSettings.svelte';
import ModelPicker from './ModelPicker.svelte';
import { thinkingLabel, withReasoning } from '../thinking';
import { CORPUS, problems } from '../markdown/hostile.testutil';

const ollama = (models: EndpointModels['models']) =>
  survey({ endpoint: { id: 'ollama', name: 'Ollama', kind: 'ollama', baseUrl: 'http://127.0.0.1:11434', enabled: true }, models });
const openaiEp = (models: EndpointModels['models']) =>
  survey({ endpoint: { id: 'oai', name: 'vLLM box', kind: 'openai', baseUrl: 'http://gpu:8000/v1', enabled: true }, models });

let fake: FakeApi;
beforeEach(() => {
  fake = createFakeApi();
  setApi(fake);
  toasts.clear();
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

let seq = 0;
function streaming(p: Partial<Message> = {}): Message {
  const m = msg({ conversationId: 1, role: 'assistant', content: '', state: 'streaming', ...p });
  fake.db.messages.push(m);
  return m;
}
function apply(m: Message, p: Partial<StreamEvent>) {
  streams.applyBatch([{ messageId: m.id, conversationId: 1, seq: ++seq, phase: 'streaming', at: 0, ...p }]);
  flushSync();
}
type R = { getByTestId: (id: string) => HTMLElement };
const toggle = (r: R) => r.getByTestId('thinking-toggle');
const label = (r: R) => r.getByTestId('thinking-label').textContent;
const region = (r: R) => r.getByTestId('thinking-content');
const isOpen = (r: R) => toggle(r).getAttribute('aria-expanded') === 'true';

describe('stream store: reasoning', () => {
  it('carries reasoning and times the thinking from its first delta to the first answer text', () => {
    vi.useFakeTimers({ now: 100_000 });
    const m = streaming();
    apply(m, { phase: 'waiting', waitingFor: 'model_load', since: 90_000 });
    expect(streams.answers[m.id]).toMatchObject({ reasoning: '', thinkingSince: undefined });
    apply(m, { reasoning: 'Hmm, ' });
    expect(streams.answers[m.id]).toMatchObject({ phase: 'streaming', reasoning: 'Hmm, ', thinkingSince: 100_000, thinkingUntil: undefined });
    vi.setSystemTime(112_000);
    apply(m, { reasoning: 'yes.', reasoningAt: 5 });
    expect(streams.answers[m.id]).toMatchObject({ reasoning: 'Hmm, yes.', thinkingSince: 100_000, thinkingUntil: undefined });
    vi.setSystemTime(112_500);
    apply(m, { text: 'Yes', at: 0 });
    expect(streams.answers[m.id]).toMatchObject({ text: 'Yes', reasoning: 'Hmm, yes.', thinkingSince: 100_000, thinkingUntil: 112_500 });
    streams.forget(m.id);
  });

  it('a reasoning gap fetches the message; the fetched reasoning replaces what it had', async () => {
    const m = streaming({ reasoning: 'abcdefgh' });
    apply(m, { reasoning: 'gh', reasoningAt: 6 });
    await vi.waitFor(() => expect(streams.answers[m.id]?.reasoning).toBe('abcdefgh'));
    expect(fake.calls.some((c) => c.method === 'GetMessage' && c.args[0] === m.id)).toBe(true);
    streams.forget(m.id);
  });
});

describe('Thinking section', () => {
  beforeAll(() => rendererModule.start()); // shown directly, not through chat.open, which loads it
  it('is open and live while the model thinks, then folds with "Thought for N s" when the answer begins', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const m = streaming();
    apply(m, { phase: 'waiting', waitingFor: 'model_load', since: 1_000_000 });
    const r = render(MessageItem, { message: m });
    expect(r.queryByTestId('thinking')).toBeNull();
    expect(r.getByTestId('wait-label').textContent).toContain('Loading the model');

    apply(m, { reasoning: 'First, **consider** the question.' });
    expect(isOpen(r)).toBe(true);
    expect(toggle(r).getAttribute('aria-controls')).toBe(region(r).id);
    expect(region(r).hidden).toBe(false);
    expect(region(r).querySelector('strong')?.textContent).toBe('consider');
    expect(label(r)).toBe('Thinking…');
    // The status line does not claim the model is loading or waiting for a token.
    expect(r.queryByTestId('wait-label')).toBeNull();
    expect(r.queryByTestId('ask-now')).toBeNull();
    expect(r.getByTestId('answer-status').dataset.thinking).toBe('true');
    expect(r.getByTestId('answer-status').textContent).not.toMatch(/Loading|Waiting/);
    // The answer text is not mixed with the reasoning.
    expect(r.getByTestId('message-content').textContent).toBe('');

    // The counter: one setTimeout at a time, every second at first, then every 5 s.
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(1000);
    flushSync();
    expect(label(r)).toBe('Thinking · 1 s');
    vi.advanceTimersByTime(11_000);
    flushSync();
    expect(label(r)).toBe('Thinking · 10 s');
    vi.advanceTimersByTime(3_000);
    flushSync();
    expect(label(r)).toBe('Thinking · 15 s');
    expect(vi.getTimerCount()).toBe(1);

    apply(m, { reasoning: ' Done.', reasoningAt: 33 });
    apply(m, { text: 'The answer.', at: 0 });
    expect(isOpen(r)).toBe(false);
    expect(region(r).hidden).toBe(true);
    expect(region(r).querySelector('.markdown')).toBeNull(); // folded: not rendered at all
    expect(label(r)).toBe('Thought for 15 s');
    expect(r.getByTestId('message-content').textContent).toContain('The answer.');
    expect(vi.getTimerCount()).toBe(0); // no counter left once thinking ends

    // It can be opened again (and closed).
    fireEvent.click(toggle(r));
    flushSync();
    expect(isOpen(r)).toBe(true);
    expect(region(r).textContent).toContain('First, consider the question. Done.');
    fireEvent.click(toggle(r));
    flushSync();
    expect(isOpen(r)).toBe(false);
    vi.advanceTimersByTime(1); // Svelte's own one-shot after a delegated click
    expect(vi.getTimerCount()).toBe(0);
    streams.forget(m.id);
  });

  it('respects the user: closed by hand stays closed, opened by hand stays open when the answer begins', () => {
    const a = streaming();
    apply(a, { reasoning: 'thinking hard' });
    const ra = render(MessageItem, { message: a });
    expect(isOpen(ra)).toBe(true);
    fireEvent.click(toggle(ra));
    flushSync();
    expect(isOpen(ra)).toBe(false);
    apply(a, { reasoning: ' still', reasoningAt: 13 });
    expect(isOpen(ra)).toBe(false);

    cleanup();
    const b = streaming();
    apply(b, { reasoning: 'thinking hard' });
    const rb = render(MessageItem, { message: b });
    fireEvent.click(toggle(rb)); // close
    fireEvent.click(toggle(rb)); // and open again by hand
    flushSync();
    apply(b, { text: 'Answer', at: 0 });
    expect(isOpen(rb)).toBe(true);
    expect(toggle(rb).textContent).toMatch(/Thought for/);
    streams.forget(a.id);
    streams.forget(b.id);
  });

  it('a stored answer shows "Thought for N s" from thinkingMs, folded', () => {
    const m = msg({ conversationId: 1, role: 'assistant', content: 'Done.', reasoning: 'Some *thought*.', thinkingMs: 42_300 });
    const r = render(MessageItem, { message: m });
    expect(isOpen(r)).toBe(false);
    expect(label(r)).toBe('Thought for 42 s');
    expect(region(r).children).toHaveLength(0);
    cleanup();
    const long = render(MessageItem, { message: { ...m, id: m.id + 1, thinkingMs: 95_000 } });
    expect(label(long)).toBe('Thought for 1 min 35 s');
  });

  it('the stored thinkingMs wins over the live timing once the answer is final', () => {
    vi.useFakeTimers({ now: 5_000_000 });
    const m = streaming();
    apply(m, { reasoning: 'hm' });
    vi.setSystemTime(5_003_000);
    apply(m, { text: 'Hi', at: 0 });
    const r = render(MessageItem, { message: m });
    expect(label(r)).toBe('Thought for 3 s');
    streams.forget(m.id);
    r.rerender({ message: { ...m, content: 'Hi', state: 'complete', reasoning: 'hm', thinkingMs: 7000 } });
    flushSync();
    expect(label(r)).toBe('Thought for 7 s');
  });

  it('an answer without reasoning has no Thinking section and no "Copy with reasoning"', () => {
    const r = render(MessageItem, { message: msg({ conversationId: 1, role: 'assistant', content: 'Plain.' }) });
    expect(r.queryByTestId('thinking')).toBeNull();
    expect(r.queryByTestId('copy-with-reasoning')).toBeNull();
  });

  it('stopped, interrupted or failed while thinking keeps the reasoning, folded and marked', () => {
    for (const state of ['stopped', 'interrupted', 'failed'] as const) {
      const m = msg({ conversationId: 1, role: 'assistant', content: '', state, reasoning: 'Half a thou', thinkingMs: 4000 });
      const r = render(MessageItem, { message: m });
      expect(isOpen(r)).toBe(false);
      expect(label(r)).toBe(`Thinking (${state}) · 4 s`);
      cleanup();
    }
    const noTime = render(MessageItem, { message: msg({ conversationId: 1, role: 'assistant', content: '', state: 'stopped', reasoning: 'x' }) });
    expect(label(noTime)).toBe('Thinking (stopped)');
    expect(noTime.getByTestId('answer-stopped')).toBeTruthy();
  });

  it('a simulated reasoning answer streams its thinking, then the answer; the stored message keeps both', async () => {
    fake.db.conversations.push(conv({ id: 1 }));
    fake.simulate = { text: 'The answer.', reasoning: 'Think first, then answer.', chunk: 4, intervalMs: 2 };
    streams.stop();
    streams.start();
    const { answer } = await fake.ChatService.Send(1, 'q', 'ollama', 'llama3.2');
    streams.track(answer);
    const seen: string[] = [];
    const off = streams.onFinal((m) => seen.push(m.reasoning ?? ''));
    await vi.waitFor(() => expect(seen).toEqual(['Think first, then answer.']));
    off();
    const stored = fake.db.messages.find((m) => m.id === answer.id)!;
    expect(stored).toMatchObject({ state: 'complete', content: 'The answer.', reasoning: 'Think first, then answer.' });
    expect(stored.thinkingMs).toBeGreaterThan(0);
    // No fetch was needed: the offsets (reasoningAt omitted when 0) lined up, and the final event carried the message.
    expect(fake.calls.filter((c) => c.method === 'GetMessage' && c.args[0] === answer.id)).toHaveLength(0);
    streams.stop();
  });

  it('Stop during reasoning keeps what arrived, marked stopped (fake backend end to end)', async () => {
    fake.db.conversations.push(conv({ id: 1 }));
    fake.simulate = { text: 'The answer.', reasoning: 'a very long thought that goes on and on. '.repeat(20), chunk: 5, intervalMs: 5 };
    streams.stop();
    streams.start();
    const { answer } = await fake.ChatService.Send(1, 'q', 'ollama', 'llama3.2');
    streams.track(answer);
    await vi.waitFor(() => expect(streams.answers[answer.id]?.reasoning.length).toBeGreaterThanOrEqual(10));
    await fake.ChatService.Stop(answer.id);
    await vi.waitFor(() => expect(streams.answers[answer.id]).toBeUndefined());
    const stored = fake.db.messages.find((m) => m.id === answer.id)!;
    expect(stored.state).toBe('stopped');
    expect(stored.content).toBe('');
    expect(stored.reasoning!.length).toBeGreaterThanOrEqual(10);
    const r = render(MessageItem, { message: { ...stored } });
    expect(label(r)).toMatch(/^Thinking \(stopped\)/);
    streams.stop();
  });
});

describe('Thinking section: hostile reasoning', () => {
  it('sanitises <img onerror> and <script> like the answer', () => {
    const m = msg({
      conversationId: 1,
      role: 'assistant',
      content: 'ok',
      reasoning: '<img src=x onerror=alert(1)> and <script>alert(1)</script> [x](javascript:alert(1))',
    });
    const r = render(MessageItem, { message: m });
    fireEvent.click(toggle(r));
    flushSync();
    const html = region(r).innerHTML;
    expect(region(r).querySelector('img, script')).toBeNull();
    expect(region(r).querySelector('[onerror]')).toBeNull();
    expect(region(r).querySelector('a[href]')).toBeNull();
    expect(problems(html)).toEqual([]);
    expect(region(r).textContent).toContain('<script>alert(1)</script>'); // shown as text
  });

  it('renders the whole hostile corpus safely, streamed and folded-then-opened', () => {
    for (const [name, src] of CORPUS) {
      const m = streaming();
      const r = render(MessageItem, { message: m });
      const step = Math.max(1, Math.ceil(src.length / 4));
      for (let i = 0; i < src.length; i += step) apply(m, { reasoning: src.slice(i, i + step), reasoningAt: i || undefined });
      expect(problems(region(r).innerHTML), name).toEqual([]);
      apply(m, { text: 'answer', at: 0 });
      fireEvent.click(toggle(r));
      flushSync();
      expect(problems(region(r).innerHTML), name).toEqual([]);
      streams.forget(m.id);
      cleanup();
    }
  });
});

describe('Copy and Copy with reasoning', () => {
  it('Copy copies the answer only; Copy with reasoning copies both', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const m = msg({ conversationId: 1, role: 'assistant', content: 'The answer is **42**.', reasoning: 'Six times seven.\n\nThat is 42.', thinkingMs: 2000 });
    const r = render(MessageItem, { message: m });
    await fireEvent.click(r.getByTestId('copy'));
    expect(writeText).toHaveBeenLastCalledWith('The answer is **42**.');
    await fireEvent.click(r.getByTestId('copy-with-reasoning'));
    expect(writeText).toHaveBeenLastCalledWith('> Reasoning:\n>\n> Six times seven.\n>\n> That is 42.\n\nThe answer is **42**.');
    await vi.waitFor(() => expect(r.getByTestId('copy-with-reasoning').textContent).toBe('Copied'));
  });

  it('withReasoning quotes every line and keeps the answer as it is', () => {
    expect(withReasoning('', 'A')).toBe('A');
    expect(withReasoning('r1\r\nr2\n\n', '```js\nx\n```')).toBe('> Reasoning:\n>\n> r1\n> r2\n\n```js\nx\n```');
    expect(withReasoning('only thought', '')).toBe('> Reasoning:\n>\n> only thought');
  });

  it('labels', () => {
    expect(thinkingLabel({ thinking: true, seconds: 0 })).toBe('Thinking…');
    expect(thinkingLabel({ thinking: true, seconds: 75 })).toBe('Thinking · 1 min 15 s');
    expect(thinkingLabel({ thinking: false, ms: 300 })).toBe('Thought for 1 s');
    expect(thinkingLabel({ thinking: false })).toBe('Reasoning');
  });
});

describe('Thinking setting', () => {
  async function openSettings(endpoints: EndpointModels[], think?: 'high' | 'on', model = 'qwen3') {
    const endpointId = endpoints[0].endpoint.id;
    fake = createFakeApi({ models: endpoints, conversations: [conv({ id: 5, endpointId, model, params: think ? { temperature: 0.5, think } : { temperature: 0.5 } })] });
    setApi(fake);
    await endpointKinds.load();
    chat.newChat(); // forget the conversation an earlier test opened
    await models.refresh(true);
    await chat.open(5);
    const onclose = vi.fn();
    const r = render(ConversationSettings, { onclose });
    const select = r.getByTestId('think-select') as HTMLSelectElement;
    return { r, select, onclose };
  }
  const values = (s: HTMLSelectElement) => [...s.options].map((o) => o.value);

  it('offers On/Off/Low/Medium/High on Ollama and saves params.think', async () => {
    const { r, select, onclose } = await openSettings([ollama([{ name: 'qwen3', capabilities: ['completion', 'thinking'] }])]);
    expect(values(select)).toEqual(['', 'on', 'off', 'low', 'medium', 'high']);
    expect(select.options[0].textContent).toBe("Model's default");
    expect(select.value).toBe('');
    expect(r.queryByTestId('think-hint')).toBeNull();
    await fireEvent.change(select, { target: { value: 'high' } });
    await fireEvent.click(r.getByText('Save'));
    await vi.waitFor(() => expect(onclose).toHaveBeenCalled());
    expect(fake.calls.find((c) => c.method === 'SetParams')!.args).toEqual([5, { temperature: 0.5, think: 'high' }]);
    expect(chat.current?.params.think).toBe('high');
  });

  it("offers the reasoning effort levels on OpenAI-compatible endpoints; Model's default saves no think", async () => {
    const { r, select } = await openSettings([openaiEp([{ name: 'qwen3' }])], 'high');
    expect(values(select)).toEqual(['', 'low', 'medium', 'high']);
    expect(select.value).toBe('high');
    await fireEvent.change(select, { target: { value: '' } });
    await fireEvent.click(r.getByText('Save'));
    await vi.waitFor(() => expect(fake.calls.some((c) => c.method === 'SetParams')).toBe(true));
    expect(fake.calls.find((c) => c.method === 'SetParams')!.args).toEqual([5, { temperature: 0.5 }]);
  });

  it('keeps a saved value the endpoint does not take visible', async () => {
    const { select } = await openSettings([openaiEp([{ name: 'qwen3' }])], 'on');
    expect(values(select)).toEqual(['', 'low', 'medium', 'high', 'on']);
    expect(select.value).toBe('on');
  });

  it("hints when the model's capabilities are known and lack thinking", async () => {
    const { r, select } = await openSettings([ollama([{ name: 'llama3.2', capabilities: ['completion', 'tools'] }])], undefined, 'llama3.2');
    expect(r.getByTestId('think-hint').textContent).toContain("This model doesn't think; turning thinking on will be refused by the server");
    expect(r.getByTestId('think-hint').classList.contains('warn')).toBe(false);
    await fireEvent.change(select, { target: { value: 'on' } });
    expect(r.getByTestId('think-hint').classList.contains('warn')).toBe(true);
  });

  it('no hint when the capabilities are not known', async () => {
    const { r } = await openSettings([ollama([{ name: 'qwen3' }])]);
    expect(r.queryByTestId('think-hint')).toBeNull();
  });

  it("turning thinking on for a model that cannot think fails with the server's reason (fake backend)", async () => {
    fake = createFakeApi({
      models: [ollama([{ name: 'llama3.2', capabilities: ['completion'] }])],
      conversations: [conv({ id: 6, endpointId: 'ollama', model: 'llama3.2', params: { think: 'on' } })],
    });
    setApi(fake);
    fake.simulate = { text: 'x', chunk: 1, intervalMs: 1 };
    const { answer } = await fake.ChatService.Send(6, 'q', 'ollama', 'llama3.2');
    await vi.waitFor(() => expect(fake.db.messages.find((m) => m.id === answer.id)!.state).toBe('failed'));
    const stored = fake.db.messages.find((m) => m.id === answer.id)!;
    expect(stored.error).toMatch(/cannot think/);
    const r = render(MessageItem, { message: { ...stored } });
    expect(r.getByTestId('answer-failed').textContent).toContain('does not support thinking');
  });
});

describe('model picker', () => {
  it('marks models that can think with a "thinks" badge', async () => {
    fake = createFakeApi({
      models: [
        ollama([
          { name: 'qwen3', capabilities: ['completion', 'thinking'] },
          { name: 'llama3.2', capabilities: ['completion'] },
          { name: 'mystery' },
        ]),
      ],
    });
    setApi(fake);
    await models.refresh(true);
    const r = render(ModelPicker);
    await fireEvent.click(r.getByTestId('model-picker'));
    const options = r.getAllByTestId('model-option');
    expect(options.map((o) => o.querySelector('[data-testid="model-thinks"]')?.textContent ?? null)).toEqual(['thinks', null, null]);
  });
});
