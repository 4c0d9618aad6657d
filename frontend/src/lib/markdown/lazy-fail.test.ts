// A highlight.js or KaTeX chunk that fails to load (e.g. missing from the
// build) leaves code and math as their plain fallback, with one warning each.
import { describe, expect, it, vi } from 'vitest';

vi.mock('./hljs', () => {
  throw new Error('chunk missing');
});
vi.mock('./katexLoad', () => {
  throw new Error('chunk missing');
});

const { renderMarkdown } = await import('./md');
const { StreamingMarkdown } = await import('./streaming');
const { lazyReady, lazyVersion } = await import('./lazy.svelte');

describe('failed lazy load', () => {
  it('keeps the fallback and warns once per module', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const doc = '```go\nfunc main() {}\n```\n\nSo $x^2$.\n\n$$\n\\sum_i i\n$$\n';
    const before = renderMarkdown(doc);
    const sm = new StreamingMarkdown();
    const streamed = sm.update(doc, { final: true });
    await lazyReady();
    expect(warn.mock.calls.map((c) => String(c[0])).sort()).toEqual([
      'brook: could not load KaTeX; showing it unrendered',
      'brook: could not load highlight.js; showing it unrendered',
    ]);
    expect(lazyVersion()).toBe(0);

    const after = renderMarkdown(doc);
    expect(after).toBe(before);
    expect(after).toContain('func main() {}');
    expect(after).toContain('$x^2$');
    expect(after).toContain('\\sum_i i');
    expect(after).not.toContain('hljs-');
    expect(after).not.toContain('katex');
    expect(sm.update(doc, { final: true })).toBe(streamed);
    await lazyReady();
    expect(warn).toHaveBeenCalledTimes(2); // no retries
    warn.mockRestore();
  });
});
