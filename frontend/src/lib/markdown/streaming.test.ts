import { beforeAll, describe, expect, it } from 'vitest';
import { loadAll } from './lazy.svelte';
import { renderMarkdown } from './md';
import { StreamingMarkdown, type Block } from './streaming';

// highlight.js and KaTeX load on first use; these tests are about the loaded
// rendering (lazy.test.ts covers what is shown before and without them).
beforeAll(() => loadAll());

function blocksOf(text: string, final = true): Block[] {
  return new StreamingMarkdown().update(text, { final });
}

/** Streams `doc` in chunks; checks closed blocks never change; returns the streamer. */
function stream(doc: string, chunk: (i: number) => number = () => 1) {
  const sm = new StreamingMarkdown();
  const seen = new Map<string, Block>();
  let i = 0;
  let n = 0;
  while (i < doc.length) {
    i = Math.min(doc.length, i + Math.max(1, chunk(n++)));
    const blocks = sm.update(doc.slice(0, i));
    for (const b of blocks) {
      const prev = seen.get(b.key);
      if (prev?.closed) {
        expect(b).toBe(prev); // same object: never re-rendered
      }
      seen.set(b.key, b);
    }
    // closed blocks form a prefix; at most the last two (a block and one
    // started on a still incomplete line) are open
    const firstOpen = blocks.findIndex((b) => !b.closed);
    if (firstOpen >= 0) {
      expect(blocks.slice(firstOpen).every((b) => !b.closed)).toBe(true);
      expect(blocks.length - firstOpen).toBeLessThanOrEqual(2);
    }
  }
  return sm;
}

const DOC = [
  '# Title',
  '',
  'Some **bold** and `code` and ~~gone~~ and a link https://example.com/x?y=1.',
  'Second line of the paragraph.',
  '',
  '- one',
  '- two',
  '',
  '  still two',
  '- three',
  '',
  '1. first',
  '2. second',
  '',
  '> quoted',
  'lazy continuation',
  '> more',
  '',
  '| a | b |',
  '|---|:-:|',
  '| 1 | 2 |',
  '| 3 | 4 |',
  '',
  '```python',
  'def f(x):',
  '',
  '    return x * 2  # blank line above stays inside',
  '```',
  'Right after the fence.',
  '',
  '$$',
  '\\int_0^1 x^2\\,dx = \\frac13',
  '',
  '$$',
  '',
  'Inline $e^{i\\pi}+1=0$ math and \\(a^2\\).',
  '',
  '---',
  '',
  '    indented code',
  '',
  'Setext',
  '======',
  '',
  'end',
].join('\n');

describe('StreamingMarkdown block splitting', () => {
  it('splits top-level blocks', () => {
    const blocks = blocksOf('# A\n\npara\n\n- x\n- y\n\n> q\n\n```\ncode\n```\n');
    expect(blocks.map((b) => b.html.match(/^<(\w+)/)?.[1])).toEqual(['h1', 'p', 'ul', 'blockquote', 'div']);
    expect(blocks.every((b) => b.closed)).toBe(true);
    expect(blocks.map((b) => b.key)).toEqual(['b0', 'b1', 'b2', 'b3', 'b4']);
  });

  it('a block closes only when the next one has started on a complete line', () => {
    const sm = new StreamingMarkdown();
    expect(sm.update('para').map((b) => b.closed)).toEqual([false]);
    expect(sm.update('para\n\n').map((b) => b.closed)).toEqual([false]);
    // "#" may still become "#tag": the paragraph stays open until the line is complete
    expect(sm.update('para\n\n#').map((b) => b.closed)).toEqual([false, false]);
    expect(sm.update('para\n\n# H').map((b) => b.closed)).toEqual([false, false]);
    const p = sm.update('para\n\n# H')[0];
    const closed = sm.update('para\n\n# H\n');
    expect(closed.map((b) => b.closed)).toEqual([true, false]);
    expect(closed[0].html).toBe(p.html); // closing did not re-render it
    expect(sm.lastRenderCount).toBe(1);
  });

  it('a partial delimiter row can still un-make a table: the paragraph before stays open', () => {
    const sm = new StreamingMarkdown();
    const a = sm.update('e = mc^2\n| 1 | 2 |\n|---|---|');
    expect(a.map((b) => b.closed)).toEqual([false, false]); // paragraph + table, both open
    expect(a[1].html).toContain('<table>');
    const b = sm.update('e = mc^2\n| 1 | 2 |\n|---|---|#');
    expect(b).toHaveLength(1); // no table after all: one paragraph
    expect(b[0].html).toContain('| 1 | 2 |');
    const c = sm.update('e = mc^2\n| 1 | 2 |\n|---|---|\n');
    expect(c.map((x) => x.closed)).toEqual([true, false]);
  });

  it('copes with CRLF line endings', () => {
    const doc = '# A\r\n\r\npara one\r\n\r\n- x\r\n- y\r\n\r\nend';
    const sm = stream(doc, () => 3);
    expect(sm.update(doc, { final: true }).map((b) => b.html).join('')).toBe(renderMarkdown(doc));
  });

  it('a half-typed line that merges into the previous block is handled', () => {
    const sm = new StreamingMarkdown();
    expect(sm.update('- a\n#')).toHaveLength(2); // list + empty heading, both open
    const merged = sm.update('- a\n#tag');
    expect(merged).toHaveLength(1); // "#tag" is a lazy continuation of the item
    expect(merged[0].html).toContain('#tag');
    expect(merged[0].html).not.toContain('<h1');
  });

  it('keeps an unclosed fence open (blank lines and markdown inside) and renders it as code', () => {
    const sm = new StreamingMarkdown();
    let blocks = sm.update('intro\n\n```js\nconst a = 1;\n\n# not a heading\n\n- not a list\n');
    expect(blocks).toHaveLength(2);
    expect(blocks[0].closed).toBe(true);
    expect(blocks[1].closed).toBe(false);
    expect(blocks[1].html).toContain('class="code-block"');
    expect(blocks[1].html).toContain('# not a heading');
    expect(blocks[1].html).not.toContain('<h1');
    blocks = sm.update('intro\n\n```js\nconst a = 1;\n\n# not a heading\n\n- not a list\n```\nafter\n');
    expect(blocks.map((b) => b.closed)).toEqual([true, true, false]);
    expect(blocks[2].html).toContain('after');
  });

  it('keeps lists, tables, blockquotes and $$ math together while they continue', () => {
    const sm = new StreamingMarkdown();
    expect(sm.update('- a\n- b\n\n  more b\n- c\n')).toHaveLength(1);
    const t = new StreamingMarkdown();
    expect(t.update('| a | b |\n|---|---|\n| 1 | 2 |\n| 3 |')).toHaveLength(1);
    expect(t.update('| a | b |\n|---|---|\n| 1 | 2 |\n| 3 |')[0].html).toContain('<table>');
    const q = new StreamingMarkdown();
    expect(q.update('> a\n> b\nlazy\n> c')).toHaveLength(1);
    const m = new StreamingMarkdown();
    const mb = m.update('text\n\n$$\n\\frac{a}{b}\n\n\\sum\n');
    expect(mb.map((b) => b.closed)).toEqual([true, false]);
    expect(mb[1].html).toContain('math-pending'); // no half-parsed KaTeX while open
    const done = m.update('text\n\n$$\n\\frac{a}{b}\n\n\\sum\n$$\nnext\n');
    expect(done.map((b) => b.closed)).toEqual([true, true, false]);
    expect(done[1].html).toContain('class="katex-display"');
  });

  it('streamed result equals renderMarkdown of the whole text', { timeout: 60_000 }, () => {
    for (const size of [1, 3, 7, 40]) {
      const sm = stream(DOC, () => size);
      const html = sm.update(DOC, { final: true }).map((b) => b.html).join('');
      expect(html).toBe(renderMarkdown(DOC));
    }
  });

  it('random chunking gives the same result', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const sm = stream(DOC, () => Math.floor(rnd() * 12));
    expect(sm.update(DOC, { final: true }).map((b) => b.html).join('')).toBe(renderMarkdown(DOC));
  });

  it('final marks the tail closed and keeps keys stable', () => {
    const sm = new StreamingMarkdown();
    const a = sm.update('x\n\ny');
    const b = sm.update('x\n\ny', { final: true });
    expect(a.map((x) => x.key)).toEqual(b.map((x) => x.key));
    expect(b.every((x) => x.closed)).toBe(true);
  });

  it('a stray $$ in prose is just text; a truncated $$ block shows its source', () => {
    expect(renderMarkdown('$$ is money\n\nmore')).toContain('$$ is money');
    expect(blocksOf('price: $$\n\nmore').map((b) => b.html).join('')).toContain('$$');
    const cut = blocksOf('Formula:\n\n$$\n\\frac{a}{b');
    expect(cut[1].html).toContain('math-pending');
    expect(cut[1].html).toContain('\\frac{a}{b');
    expect(renderMarkdown('$$ a\n= b $$')).toContain('katex-display');
  });
});

describe('StreamingMarkdown reset to other text', () => {
  it('handles a shorter / different authoritative text after recovery', () => {
    const sm = new StreamingMarkdown();
    const partial = '# Title\n\nfirst para\n\nsecond para that went wro';
    sm.update(partial);
    const whole = '# Title\n\nfirst para\n\nA different second paragraph.\n\n- and a list\n';
    const blocks = sm.update(whole, { final: true });
    expect(blocks.map((b) => b.html).join('')).toBe(renderMarkdown(whole));
    expect(blocks.map((b) => b.html).join('')).not.toContain('wro');
  });

  it('reuses closed blocks before the change', () => {
    const sm = new StreamingMarkdown();
    const a = sm.update('one\n\ntwo\n\nthree\n\nfour');
    const b = sm.update('one\n\ntwo\n\nTHREE\n\nfour');
    expect(b[0]).toBe(a[0]);
    expect(b.map((x) => x.html).join('')).toContain('THREE');
    expect(b.map((x) => x.html).join('')).not.toContain('three');
    const c = sm.update('completely different');
    expect(c).toHaveLength(1);
    expect(c[0].html).toBe('<p>completely different</p>\n');
    expect(sm.update('').length).toBe(0);
  });
});

describe('open block polish', () => {
  const open = (s: string) => {
    const b = new StreamingMarkdown().update(s);
    return b[b.length - 1].html;
  };
  it('closes dangling bold / code / strike on the last line', () => {
    expect(open('some **bold te')).toBe('<p>some <strong>bold te</strong></p>\n');
    expect(open('run `npm i')).toBe('<p>run <code>npm i</code></p>\n');
    expect(open('old ~~gone')).toContain('<s>gone</s>');
    expect(open('hello **')).toBe('<p>hello</p>\n');
    expect(open('hello `')).toBe('<p>hello</p>\n');
    expect(open('**a** and `b` done')).toBe('<p><strong>a</strong> and <code>b</code> done</p>\n');
  });
  it('hides half-typed fences and links', () => {
    expect(open('text\n``')).toBe('<p>text</p>\n');
    expect(open('see [docs](https://exa')).toBe('<p>see docs</p>\n');
  });
  it('does not touch code', () => {
    expect(open('```\nx = **y')).toContain('x = **y');
    expect(open('```\nx = **y')).not.toContain('<strong>');
  });
  it('is not applied to finished text', () => {
    expect(new StreamingMarkdown().update('a **b', { final: true })[0].html).toBe('<p>a **b</p>\n');
  });
});
