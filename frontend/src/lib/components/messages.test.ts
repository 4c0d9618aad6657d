import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render, cleanup, fireEvent } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { setApi, type Message } from '../api';
import { createFakeApi, msg, type FakeApi } from '../fake';
import { loadReasonTexts } from '../reasons';
import { loaded } from '../reasonTexts.svelte';
import { streams } from '../state/streams.svelte';
import MessageItem from './MessageItem.svelte';

let fake: FakeApi;
beforeEach(async () => {
  fake = createFakeApi();
  setApi(fake);
  // The words are Go's; the fake's stand-ins say whose they are (FAKE_REASON_TEXTS).
  await loadReasonTexts();
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
    expect(fake.calls.some((c) => c.method === 'Continue' && c.args[0] === m.id)).toBe(true);
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

  it('interrupted with a reason code shows Go\'s words for it', () => {
    const { getByTestId } = render(MessageItem, { message: answer({ state: 'interrupted', endReason: 'dropped' }) });
    expect(getByTestId('answer-interrupted').textContent).toContain('Go words for dropped');
  });

  it('recovered answers of old (no method) show Go\'s words for the reason, and have no data-method', () => {
    const { getByTestId } = render(MessageItem, { message: answer({ recovered: true, recoveryReason: 'dropped' }) });
    const mark = getByTestId('recovered');
    expect(mark.textContent).toBe('Recovered');
    expect(mark.hasAttribute('data-method')).toBe(false);
    expect(mark.getAttribute('title')).toBe('Go title: fetched again after dropped');
    expect(mark.getAttribute('aria-label')).toBe('Go label: fetched again after dropped');
  });

  it('recovered by continuing says so in Go\'s words', () => {
    const { getByTestId } = render(MessageItem, {
      message: answer({ recovered: true, recoveryReason: 'dropped', recoveryMethod: 'continued' }),
    });
    const mark = getByTestId('recovered');
    expect(mark.getAttribute('data-method')).toBe('continued');
    expect(mark.textContent).toBe('Recovered');
    expect(mark.getAttribute('title')).toBe('Go label: continued after dropped');
    expect(mark.getAttribute('aria-label')).toBe('Go label: continued after dropped');
  });

  it('a recovery reason Go has no words for gets the words Go gives for any reason', () => {
    const { getByTestId } = render(MessageItem, {
      message: answer({ recovered: true, recoveryReason: 'idle_timeout', recoveryMethod: 'reasked' }),
    });
    const mark = getByTestId('recovered');
    expect(mark.getAttribute('data-method')).toBe('reasked');
    expect(mark.getAttribute('title')).toBe('Go label: asked again');
    expect(mark.getAttribute('aria-label')).toBe('Go label: asked again');
  });

  it('shows the words once they arrive from Go', async () => {
    loaded.texts = null;
    const { getByTestId } = render(MessageItem, {
      message: answer({ recovered: true, recoveryReason: 'dropped', recoveryMethod: 'continued' }),
    });
    expect(getByTestId('recovered').getAttribute('title')).toBe('Recovered');
    await loadReasonTexts();
    flushSync();
    expect(getByTestId('recovered').getAttribute('title')).toBe('Go label: continued after dropped');
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
    expect(getByTestId('recovering').getAttribute('title')).toBe('Go words for dropped');
  });

  it('user messages offer Edit, which explains the new version', async () => {
    const { getByTestId, getByText } = render(MessageItem, { message: msg({ conversationId: 1, role: 'user', content: 'Q' }) });
    await fireEvent.click(getByTestId('edit'));
    expect(getByTestId('edit-send').textContent).toBe('Send');
    expect(getByText(/new version/)).toBeTruthy();
    expect(getByText(/one version away/)).toBeTruthy();
  });
});
