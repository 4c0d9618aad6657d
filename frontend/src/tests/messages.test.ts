import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render, cleanup, fireEvent } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { setApi, type Message } from '../lib/api';
import { createFakeApi, msg, type FakeApi } from '../lib/api.fake';
import { streams } from '../lib/state/streams.svelte';
import MessageItem from '../lib/components/MessageItem.svelte';

let fake: FakeApi;
beforeEach(() => {
  fake = createFakeApi();
  setApi(fake);
});
afterEach(cleanup);

const answer = (p: Partial<Message>) => msg({ conversationId: 1, role: 'assistant', content: 'Some answer', ...p });

describe('MessageItem states', () => {
  it('interrupted shows the reason with Retry and Continue', async () => {
    const m = answer({ state: 'interrupted', endReason: 'The connection to Ollama dropped.' });
    fake.db.messages.push(m);
    const { getByTestId, getByText } = render(MessageItem, { message: m });
    expect(getByText(/The connection to Ollama dropped\./)).toBeTruthy();
    expect(getByTestId('retry')).toBeTruthy();
    expect(getByTestId('continue')).toBeTruthy();
    await fireEvent.click(getByTestId('continue'));
    expect(fake.calls.some((c) => c.method === 'continue' && c.args[0] === m.id)).toBe(true);
  });

  it('stopped is marked Stopped with Continue and Retry', () => {
    const { getByTestId, getByText } = render(MessageItem, { message: answer({ state: 'stopped' }) });
    expect(getByText('Stopped')).toBeTruthy();
    expect(getByTestId('continue')).toBeTruthy();
    expect(getByTestId('retry')).toBeTruthy();
  });

  it('failed shows the server reason', () => {
    const { getByTestId } = render(MessageItem, { message: answer({ state: 'failed', content: '', error: 'model "x" not found' }) });
    expect(getByTestId('answer-failed').textContent).toContain('model "x" not found');
  });

  it('recovered answers say the reason code in plain words', () => {
    const { getByTestId } = render(MessageItem, { message: answer({ recovered: true, recoveryReason: 'dropped' }) });
    expect(getByTestId('recovered').getAttribute('title')).toBe(
      'The connection dropped mid-answer; Brook fetched the whole answer again.',
    );
  });

  it('recovered answers carry the reason in title and aria-label', () => {
    const reason = 'The connection dropped mid-answer; Brook fetched the whole answer again.';
    const { getByTestId } = render(MessageItem, { message: answer({ recovered: true, recoveryReason: reason }) });
    const mark = getByTestId('recovered');
    expect(mark.textContent).toBe('Recovered');
    expect(mark.getAttribute('title')).toBe(reason);
    expect(mark.getAttribute('aria-label')).toContain(reason);
  });

  it('recovered by continuing says so, with the reason in words', () => {
    const { getByTestId } = render(MessageItem, {
      message: answer({ recovered: true, recoveryReason: 'dropped', recoveryMethod: 'continued' }),
    });
    const mark = getByTestId('recovered');
    expect(mark.getAttribute('data-method')).toBe('continued');
    expect(mark.textContent).toBe('Recovered');
    expect(mark.getAttribute('title')).toBe('Recovered: continued after the connection dropped mid-answer');
    expect(mark.getAttribute('aria-label')).toBe('Recovered: continued after the connection dropped mid-answer');
  });

  it('recovered by asking again says so', () => {
    const { getByTestId } = render(MessageItem, {
      message: answer({ recovered: true, recoveryReason: 'idle_timeout', recoveryMethod: 'reasked' }),
    });
    const mark = getByTestId('recovered');
    expect(mark.getAttribute('data-method')).toBe('reasked');
    expect(mark.getAttribute('title')).toBe(
      'Recovered: asked again without streaming after the model stopped sending words for too long',
    );
    expect(mark.getAttribute('aria-label')).toBe(mark.getAttribute('title'));
  });

  it('an answer asked without streaming because the user chose not to wait says so', () => {
    const { getByTestId } = render(MessageItem, {
      message: answer({ recovered: true, recoveryReason: 'user_skipped_wait', recoveryMethod: 'reasked' }),
    });
    expect(getByTestId('recovered').getAttribute('title')).toBe(
      'Recovered: asked again without streaming after you chose not to wait for the stream',
    );
  });

  it('recovered without a method (older answers) keeps the old words and has no data-method', () => {
    const { getByTestId } = render(MessageItem, { message: answer({ recovered: true, recoveryReason: 'dropped' }) });
    const mark = getByTestId('recovered');
    expect(mark.hasAttribute('data-method')).toBe(false);
    expect(mark.getAttribute('aria-label')).toBe(
      'Recovered: The connection dropped mid-answer; Brook fetched the whole answer again.',
    );
  });

  it('shows the footer with model, tokens/s and time to first token', () => {
    const { container } = render(MessageItem, {
      message: answer({ model: 'llama3.2', tokensPerSecond: 31.25, firstTokenMs: 850 }),
    });
    const t = container.textContent ?? '';
    expect(t).toContain('llama3.2');
    expect(t).toContain('31.3 tok/s');
    expect(t).toContain('850 ms');
  });

  it('a waiting answer waits for the first token, then streams live text, then recovers', () => {
    const m = answer({ content: '', state: 'streaming' });
    streams.track(m);
    const { getByTestId } = render(MessageItem, { message: m });
    expect(getByTestId('answer-status').textContent).toContain('Waiting for the first token');
    streams.applyBatch([{ messageId: m.id, conversationId: 1, seq: 1, phase: 'streaming', text: 'Hel', at: 0, tokensPerSecond: 12 }]);
    flushSync();
    expect(getByTestId('message-content').textContent).toContain('Hel');
    expect(getByTestId('answer-status').textContent).toContain('12.0 tok/s');
    streams.applyBatch([{ messageId: m.id, conversationId: 1, seq: 2, phase: 'recovering', at: 3, reason: 'dropped' }]);
    flushSync();
    expect(getByTestId('recovering').textContent).toBe('The stream broke · fetching the whole answer again');
    expect(getByTestId('recovering').getAttribute('title')).toBe('The connection dropped mid-answer');
  });

  it('user messages offer Edit, which explains the fork', async () => {
    const { getByTestId, getByText } = render(MessageItem, { message: msg({ conversationId: 1, role: 'user', content: 'Q' }) });
    await fireEvent.click(getByTestId('edit'));
    expect(getByTestId('edit-send').textContent).toContain('new conversation');
    expect(getByText(/original conversation stays unchanged/)).toBeTruthy();
  });
});
