// A benchmark, not a test: run by `make bench` (vitest.perf.config.ts). It
// streams a ~2,000-token Markdown answer (paragraphs, lists, code, tables,
// math) at 50 tokens/s into the real MessageList (jsdom, fake clock, real
// CPU time) below a 60-message conversation, and prints the JS cost per token
// (store, Markdown, Svelte's DOM patch: jsdom has no layout or paint), how
// many times the DOM changed, and the first against the last quarter.
import { it, vi } from 'vitest';
import { render, cleanup } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { setApi } from '../api';
import { createFakeApi, conv, msg } from '../fake';
import { chat } from '../state/chat.svelte';
import { streams } from '../state/streams.svelte';
import MessageList from './MessageList.svelte';
import { longAnswer, tokenize } from './longanswer.testutil';

const TOKEN_MS = 20; // 50 tokens/s

async function streamOnce(tokens: number) {
  const cid = 1;
  const older = Array.from({ length: 60 }, (_, i) =>
    msg({
      conversationId: cid,
      role: i % 2 ? 'assistant' : 'user',
      content: i % 2 ? `Answer ${i}: **bold**, a list\n\n- one\n- two\n\n\`\`\`js\nconst x = ${i};\n\`\`\`\n` : `Question ${i}?`,
    }),
  );
  const question = msg({ conversationId: cid, role: 'user', content: 'Tell me about rivers, at length.' });
  const answer = msg({ conversationId: cid, role: 'assistant', content: '', state: 'streaming' });
  const fake = createFakeApi({ conversations: [conv({ id: cid })], messages: [...older, question, answer] });
  setApi(fake);
  streams.stop();
  streams.start();
  chat.newChat();
  const { container } = render(MessageList);
  await chat.open(cid);
  flushSync();

  const text = longAnswer(tokens);
  const toks = tokenize(text);
  const mo = new MutationObserver(() => {});
  await new Promise((r) => setTimeout(r, 0));
  flushSync();
  const target = container.querySelector(`[data-message-id="${answer.id}"]`);
  if (!target) throw new Error(`answer not shown: ${chat.messages.length} messages, ${container.querySelectorAll("[data-message-id]").length} shown, ${chat.openError}`);
  mo.observe(target, { subtree: true, childList: true, characterData: true });
  (globalThis as { __brookPerf?: { reset(): void } }).__brookPerf?.reset();

  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame', 'Date'] });
  const quarter = [0, 0, 0, 0];
  let frames = 0;
  let at = 0;
  let seq = 0;
  const t0 = performance.now();
  for (let i = 0; i < toks.length; i++) {
    const t = performance.now();
    fake.emit({ messageId: answer.id, conversationId: cid, seq: ++seq, phase: 'streaming', text: toks[i], at, tokensPerSecond: 50 });
    at += toks[i].length;
    vi.advanceTimersByTime(TOKEN_MS);
    flushSync();
    quarter[Math.min(3, Math.floor((4 * i) / toks.length))] += performance.now() - t;
    if (mo.takeRecords().length) frames++;
  }
  fake.db.messages.find((m) => m.id === answer.id)!.content = text;
  fake.db.messages.find((m) => m.id === answer.id)!.state = 'complete';
  const tf = performance.now();
  fake.emit({ messageId: answer.id, conversationId: cid, seq: ++seq, phase: 'final', at: 0, state: 'complete', message: { ...fake.db.messages.find((m) => m.id === answer.id)! } });
  vi.advanceTimersByTime(TOKEN_MS);
  flushSync();
  const finalMs = performance.now() - tf;
  const total = performance.now() - t0;
  vi.useRealTimers();
  await new Promise((r) => setTimeout(r, 20));
  flushSync();
  const shown = target.querySelector('[data-testid="message-content"]')?.textContent ?? '';
  mo.disconnect();
  cleanup();
  streams.forget(answer.id);
  const per = (ms: number) => ms / (toks.length / 4);
  return { tokens: toks.length, chars: text.length, total, perToken: total / toks.length, q1: per(quarter[0]), q4: per(quarter[3]), frames, finalMs, shownChars: shown.length };
}

it('JS cost per streamed token at 50 tokens/s (jsdom)', async () => {
  await streamOnce(300); // warm up
  for (const n of [500, 2000]) {
    const r = await streamOnce(n);
    console.log(
      `${String(r.tokens).padStart(5)} tokens (${r.chars} chars): ${r.perToken.toFixed(2)} ms/token ` +
        `(first quarter ${r.q1.toFixed(2)}, last quarter ${r.q4.toFixed(2)}), ` +
        `${r.frames} DOM updates (${(r.frames / ((r.tokens * TOKEN_MS) / 1000)).toFixed(1)}/s), final flush ${r.finalMs.toFixed(1)} ms`,
    );
    const perf = (globalThis as { __brookPerf?: { summary(): string } }).__brookPerf;
    if (perf) console.log(perf.summary());
  }
});
