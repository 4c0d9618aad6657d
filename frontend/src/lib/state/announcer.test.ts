import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, cleanup } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { setApi } from '../api';
import { createFakeApi, conv, type FakeApi } from '../fake';
import { announcer, endedText, plainText } from './announcer.svelte';
import { chat } from './chat.svelte';
import { conversationList } from './conversationList.svelte';
import { models } from './models.svelte';
import { streams } from './streams.svelte';
import { toasts } from './toasts.svelte';
import Announcer from '../components/Announcer.svelte';
import MessageList from '../components/MessageList.svelte';

let fake: FakeApi;

beforeEach(async () => {
  fake = createFakeApi({ conversations: [conv({ id: 1, title: 'A' }), conv({ id: 2, title: 'B' })] });
  setApi(fake);
  streams.stop();
  streams.start();
  announcer.reset();
  toasts.clear();
  await models.refresh(true);
  await conversationList.refresh();
});
afterEach(cleanup);

/** Sends a question in conversation 1 and returns its answer's id. */
async function ask(): Promise<number> {
  await chat.open(1);
  expect(chat.send('Tell me a story')).toBe(true);
  const stored = () => fake.db.messages.find((m) => m.role === 'assistant' && m.conversationId === 1);
  await vi.waitFor(() => expect(stored() && chat.messages.some((m) => m.id === stored()!.id)).toBe(true));
  stored()!.content = '';
  return stored()!.id;
}

function finish(id: number, seq: number, content: string, state: 'complete' | 'stopped' = 'complete') {
  const stored = fake.db.messages.find((m) => m.id === id)!;
  Object.assign(stored, { content, state });
  streams.applyBatch([{ messageId: id, conversationId: 1, seq, phase: 'final', at: 0, state, message: { ...stored } }]);
}

describe('the announcer', () => {
  it('says an answer starts once and says the whole answer once when it ends, never a token', async () => {
    const { container } = render(Announcer);
    render(MessageList);
    const id = await ask();
    const tokens = ['Once ', 'upon ', 'a ', 'time ', 'there ', 'was ', 'a ', 'river.'];
    tokens.forEach((text, i) => streams.applyBatch([{ messageId: id, conversationId: 1, seq: i + 1, phase: 'streaming', text, at: i }]));
    flushSync();
    expect(announcer.log).toEqual(['Answering…']);
    // No live region holds the streamed text while it streams.
    for (const region of document.querySelectorAll('[aria-live]:not([aria-live="off"]), [role="status"], [role="alert"]')) {
      expect(region.textContent).not.toContain('upon');
    }
    finish(id, tokens.length + 1, 'Once upon a time there was a river.');
    // A duplicate final event (and the stored copy read again) says nothing more.
    finish(id, tokens.length + 1, 'Once upon a time there was a river.');
    flushSync();
    expect(announcer.log).toEqual(['Answering…', 'Answer: Once upon a time there was a river.']);
    expect(container.querySelector('[data-testid="announcer-polite"]')?.textContent?.trim()).toBe('Answer: Once upon a time there was a river.');
  });

  it('says nothing about an answer of another conversation', async () => {
    render(Announcer);
    const id = await ask();
    await chat.open(2);
    streams.applyBatch([{ messageId: id, conversationId: 1, seq: 1, phase: 'streaming', text: 'Hi', at: 0 }]);
    finish(id, 2, 'Hi.');
    expect(announcer.log.filter((t) => t.startsWith('Answer:'))).toEqual([]);
  });

  it('says a toast once, errors in the assertive region', () => {
    const { container } = render(Announcer);
    toasts.show('Copied');
    toasts.fail('Could not save', new Error('disk full'));
    flushSync();
    expect(announcer.log).toEqual(['Copied', 'Could not save: disk full']);
    expect(container.querySelector('[data-testid="announcer-polite"]')?.textContent?.trim()).toBe('Copied');
    expect(container.querySelector('[data-testid="announcer-assertive"]')?.textContent?.trim()).toBe('Could not save: disk full');
  });

  it('reads Markdown as words, and says how an answer ended', () => {
    expect(plainText('# Title\n\n```go\nfmt.Println("hi")\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n**bold** and `code`')).toBe(
      'Title\nfmt.Println("hi")\n a b \n 1 2 \nbold and code',
    );
    expect(endedText({ state: 'stopped', content: 'Half', error: '' })).toBe('Answer stopped. Half');
    expect(endedText({ state: 'failed', content: '', error: 'no route' })).toBe('The answer failed. no route');
  });

  it('reads the answer so far on request', () => {
    announcer.readSoFar('Once **upon**', true);
    announcer.readSoFar('', true);
    expect(announcer.log).toEqual(['Answer so far: Once upon', 'Answering, no text yet.']);
  });
});
