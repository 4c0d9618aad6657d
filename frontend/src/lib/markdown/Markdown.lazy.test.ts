// Markdown.svelte before and after highlight.js and KaTeX have loaded (they
// load on first use; this file starts with neither).
import { afterEach, describe, expect, it } from 'vitest';
import { flushSync } from 'svelte';
import { cleanup, render } from '@testing-library/svelte';
import Markdown from './Markdown.svelte';
import { lazyReady } from './lazy.svelte';

afterEach(() => cleanup());

describe('Markdown.svelte with lazily loaded highlight.js and KaTeX', () => {
  it('shows plain code and TeX first, then renders those blocks again by itself once loaded', async () => {
    const text = 'Intro.\n\n```python\nprint("<b>")\n```\n\nSo $e^{i\\pi}$.\n\n$$\n\\frac{a}{b}\n$$\n\nEnd, still **streaming**\n';
    const { container } = render(Markdown, { props: { text, streaming: true } });
    const code = () => container.querySelector('pre code.hljs.language-python');
    expect(code()?.textContent).toBe('print("<b>")\n');
    expect(code()?.querySelector('[class^="hljs-"]')).toBeNull();
    expect(container.querySelector('span.math-pending')?.textContent).toBe('$e^{i\\pi}$');
    expect(container.querySelector('div.math-pending pre')?.textContent).toBe('\\frac{a}{b}');
    expect(container.querySelector('.katex')).toBeNull();
    const intro = container.querySelector('.md-block p')!;
    const last = container.querySelector('.md-block:last-child strong')!;

    // A second, finished message that waits too.
    const done = render(Markdown, { props: { text: '```go\nfunc f() {}\n```\n\n$x^2$' } }).container;
    expect(done.querySelector('.hljs-keyword')).toBeNull();
    expect(done.querySelector('span.math-pending')?.textContent).toBe('$x^2$');

    await lazyReady();
    flushSync();
    expect(done.querySelector('.hljs-keyword')?.textContent).toBe('func');
    expect(done.querySelector('.math .katex')).not.toBeNull();
    expect(done.querySelector('.math-pending')).toBeNull();
    expect(code()?.querySelector('.hljs-built_in')?.textContent).toBe('print');
    expect(code()?.textContent).toBe('print("<b>")\n');
    expect(container.querySelectorAll('.math .katex')).toHaveLength(2);
    expect(container.querySelector('.math-pending')).toBeNull();
    // Blocks without code or math keep their DOM.
    expect(container.querySelector('.md-block p')).toBe(intro);
    expect(container.querySelector('.md-block:last-child strong')).toBe(last);
  });
});
