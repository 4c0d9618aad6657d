// Render-count / memoization test. DOMPurify under jsdom costs milliseconds
// per call (it is fast in WebKit), so sanitizing is stubbed out here: this
// file measures how many blocks are rendered, not how fast jsdom is.
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

describe('StreamingMarkdown memoization', () => {
  it('renders at most 3 blocks per update however long the answer gets (500 blocks)', () => {
    const parts: string[] = [];
    for (let i = 0; i < 500; i++) {
      switch (i % 5) {
        case 0: parts.push(`## Section ${i}`); break;
        case 1: parts.push(`Paragraph ${i} with **bold**, \`code\` and $x_${i}$ math.`); break;
        case 2: parts.push(`- item ${i}\n- item ${i}b`); break;
        case 3: parts.push('```ts\nconst v' + i + ' = ' + i + ';\n```'); break;
        default: parts.push(`> quote ${i}`);
      }
    }
    const doc = parts.join('\n\n') + '\n';
    const sm = new StreamingMarkdown();
    let maxPerUpdate = 0;
    let maxSrc = 0;
    let updates = 0;
    sm.onRender = (src) => (maxSrc = Math.max(maxSrc, src.length));
    for (let i = 4; i <= doc.length; i += 4) {
      sm.update(doc.slice(0, i));
      maxPerUpdate = Math.max(maxPerUpdate, sm.lastRenderCount);
      updates++;
    }
    const blocks = sm.update(doc, { final: true });
    expect(blocks.length).toBe(500);
    // the (at most two) open blocks, plus a block with code or math rendered
    // fully once when it closes
    expect(maxPerUpdate).toBeLessThanOrEqual(3);
    expect(maxSrc).toBeLessThan(80); // only ever one small block re-rendered, never the document
    // total work is linear: about one render per update plus one per block,
    // and one more per block with code or math (rendered fully when it closes)
    expect(sm.renderCount).toBeLessThanOrEqual(updates + 2 * 500 + 2);
    expect(sm.lightRenderCount).toBeGreaterThan(0);
    // and the result is still right
    expect(blocks.map((b) => b.html).join('')).toBe(renderMarkdown(doc));
  });

  it('an unchanged text renders nothing', () => {
    const sm = new StreamingMarkdown();
    sm.update('a\n\nb');
    sm.update('a\n\nb');
    expect(sm.lastRenderCount).toBe(0);
  });
});

