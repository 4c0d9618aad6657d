// Property test: streaming any document in any chunking ends with exactly the
// HTML of rendering it whole, and closed blocks are never re-rendered.
// (Sanitizing is stubbed: this is about block splitting, and DOMPurify under
// jsdom is slow. The hostile corpus in sanitize.test.ts runs the real thing.)
import { describe, expect, it, vi } from 'vitest';

vi.mock('./sanitize', async (orig) => ({
  ...(await orig<typeof import('./sanitize')>()),
  sanitize: (html: string) => html,
}));

const { renderMarkdown } = await import('./md');
const { StreamingMarkdown } = await import('./streaming');
// highlight.js and KaTeX load on first use; these tests are about the loaded
// rendering (lazy.test.ts covers what is shown before and without them).
await (await import('./lazy.svelte')).loadAll();
type Block = import('./streaming').Block;

const FRAGMENTS = [
  '# Heading', '## Sub *em*', '#', '#tag', 'plain words here', 'more **bold** text', 'a `code` span',
  '- item', '- item two', '  continued item', '    indented four', '1. one', '2) two', '10. ten', '* star', '+ plus',
  '> quote', '> > nested', 'lazy line', '```', '```js', '~~~', 'const x = 1;', '$$', '$$ x^2 $$', '\\[', '\\]',
  'e = mc^2', '| a | b |', '|---|---|', '| 1 | 2 |', '---', '***', '___', 'Setext', '===', '-', '', '', '',
  '   ', '<div>', 'text $x$ and $$y$$', 'https://example.com', '- [ ] task', '    code block', '\t- tab item',
  '<!-- c -->', '1.', '- ', '>', '``', '`', '**', '~~strike~~', '[link](https://x.y)', '![img](https://x/y.png)',
  '\\(a\\)', '  - nested', '   1. deep', '> - quoted list', '> ```', '> $$', 'hard break  ', 'back\\', '|x|',
  '  $$', '  \\frac12', '  $$', '- $$', '```math', '* * *', '- - -', '=', '    ```',
];

// FUZZ_N=5000 npx vitest run src/lib/markdown/fuzz.test.ts for a longer hunt.
const RUNS = Number((globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.FUZZ_N ?? 300);

function rng(seed: number) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe('streaming == whole render (fuzz)', () => {
  it('holds for 300 random documents and chunkings', { timeout: 120_000 }, () => {
    for (let n = 0; n < RUNS; n++) {
      const r = rng(n + 1);
      const lines: string[] = [];
      const count = 3 + Math.floor(r() * 25);
      for (let i = 0; i < count; i++) lines.push(FRAGMENTS[Math.floor(r() * FRAGMENTS.length)]);
      const doc = lines.join('\n') + (r() < 0.5 ? '\n' : '');
      const sm = new StreamingMarkdown();
      const closed = new Map<string, Block>();
      let i = 0;
      while (i < doc.length) {
        i = Math.min(doc.length, i + 1 + Math.floor(r() * 6));
        for (const b of sm.update(doc.slice(0, i))) {
          const c = closed.get(b.key);
          if (c) expect(b, `doc #${n} at ${i}: ${JSON.stringify(doc)}`).toBe(c);
          if (b.closed) closed.set(b.key, b);
        }
      }
      const got = sm.update(doc, { final: true }).map((b) => b.html).join('');
      expect(got, `doc #${n}: ${JSON.stringify(doc)}`).toBe(renderMarkdown(doc));
    }
  });

  it('a reset to any other text (recovery) gives the whole render of that text', { timeout: 120_000 }, () => {
    for (let n = 0; n < RUNS; n++) {
      const r = rng(10_000 + n);
      const make = () => {
        const lines: string[] = [];
        const count = 3 + Math.floor(r() * 20);
        for (let i = 0; i < count; i++) lines.push(FRAGMENTS[Math.floor(r() * FRAGMENTS.length)]);
        return lines.join('\n');
      };
      const a = make();
      // b shares a random prefix with a, then differs
      const b = a.slice(0, Math.floor(r() * a.length)) + make();
      const sm = new StreamingMarkdown();
      for (let i = 1; i <= a.length; i += 1 + Math.floor(r() * 8)) sm.update(a.slice(0, i));
      const streamingB = sm.update(b);
      const freshB = new StreamingMarkdown().update(b);
      expect(streamingB.map((x) => x.key), `#${n}`).toEqual(freshB.map((x) => x.key));
      streamingB.forEach((x, i) => {
        // The streamer may know a block closed that a fresh look still keeps
        // open (it saw the complete lines after it); an open block with code or
        // math is rendered lighter. Otherwise the two renders are the same.
        if (x.closed === freshB[i].closed) expect(x.html, `#${n} block ${i}`).toBe(freshB[i].html);
        else expect(x.closed, `#${n} block ${i}`).toBe(true);
      });
      expect(sm.update(b, { final: true }).map((x) => x.html).join(''), `#${n}`).toBe(renderMarkdown(b));
    }
  });
});
