// highlight.js and KaTeX load on first use. Each test gets fresh modules, so
// nothing is loaded when it starts.
import { beforeEach, describe, expect, it, vi } from 'vitest';

beforeEach(() => vi.resetModules());

async function fresh() {
  const lazy = await import('./lazy.svelte');
  const mdMod = await import('./md');
  const { StreamingMarkdown } = await import('./streaming');
  /** What a light render (the open block while streaming) shows. */
  const light = (src: string) => {
    const env: import('./md').MarkdownEnv = { light: true };
    return mdMod.toSafeHtml(mdMod.md.render(mdMod.neutralize(src), env), env);
  };
  return { ...lazy, ...mdMod, StreamingMarkdown, light };
}

const DOC = 'Intro with `code`.\n\n```python\nprint("<b>")\n```\n\nSo $e^{i\\pi}$ and\n\n$$\n\\frac{a}{b}\n$$\n\nEnd.\n';

describe('lazy highlight.js and KaTeX', () => {
  it('render exactly like a light render until loaded, then fully', async () => {
    const { renderMarkdown, light, lazyReady, lazyVersion } = await fresh();
    const before = renderMarkdown(DOC);
    expect(before).toBe(light(DOC));
    expect(before).toContain('print("&lt;b&gt;")'); // no text lost, still escaped
    expect(before).toContain('$e^{i\\pi}$');
    expect(before).toContain('\\frac{a}{b}');
    expect(before).not.toContain('hljs-');
    expect(before).not.toContain('katex');

    const v = lazyVersion();
    await lazyReady();
    expect(lazyVersion()).toBe(v + 2); // once per module

    const after = renderMarkdown(DOC);
    const doc = new DOMParser().parseFromString(after, 'text/html');
    expect(doc.querySelector('pre code.hljs.language-python .hljs-built_in')?.textContent).toBe('print');
    expect(doc.querySelectorAll('.math .katex')).toHaveLength(2);
    expect(doc.querySelector('.math-display .katex-display')).not.toBeNull();
    expect(doc.querySelector('.math-pending')).toBeNull();
  });

  it('starts loading only for a full render of a fence with a language, or of math', async () => {
    const { renderMarkdown, StreamingMarkdown, hljsModule, katexModule } = await fresh();
    renderMarkdown('```\nno language\n```\n\n    indented code\n\nplain $5 and $10');
    // The open block of a streaming answer is rendered light.
    new StreamingMarkdown().update('Text\n\n```js\nlet a = 1;\nlet b = $x$', { final: false });
    new StreamingMarkdown().update('Text\n\nso $x^2', { final: false });
    new StreamingMarkdown().update('Text\n\nso $x^2$', { final: false });
    expect(hljsModule.started).toBeUndefined();
    expect(katexModule.started).toBeUndefined();

    renderMarkdown('```js\nlet a = 1;\n```');
    expect(hljsModule.started).toBeDefined();
    expect(katexModule.started).toBeUndefined();
    renderMarkdown('$x$');
    expect(katexModule.started).toBeDefined();
  });

  it('StreamingMarkdown renders again the blocks that fell back, closed or open, and only those', async () => {
    const { StreamingMarkdown, renderMarkdown, lazyReady } = await fresh();
    const sm = new StreamingMarkdown();
    const rendered: string[] = [];
    sm.onRender = (src) => rendered.push(src);
    // Complete last line: every block but the last ("End.") is closed; the
    // code and math blocks are rendered fully, i.e. with the fallback.
    const first = sm.update(DOC, { final: false });
    expect(first.map((b) => b.closed)).toEqual([true, true, true, true, false]);
    expect(first[1].html).not.toContain('hljs-');
    expect(first[1].html).toContain('print("&lt;b&gt;")');
    expect(first[2].html).toContain('math-pending');
    expect(first[3].html).toContain('math-pending');
    // Nothing new yet: nothing is rendered again.
    expect(sm.update(DOC, { final: false })).toBe(first);

    await lazyReady();
    rendered.length = 0;
    const second = sm.update(DOC, { final: false });
    expect(rendered).toEqual(['```python\nprint("<b>")\n```\n\n', 'So $e^{i\\pi}$ and\n\n', '$$\n\\frac{a}{b}\n$$\n\n']);
    expect(second.map((b) => b.key)).toEqual(first.map((b) => b.key));
    expect(second[0]).toBe(first[0]);
    expect(second[4]).toBe(first[4]);
    expect(second[1].html).toContain('hljs-built_in');
    expect(second[2].html).toContain('class="katex"');
    expect(second[3].html).toContain('katex-display');
    // Same as rendering the whole text now; then stable again.
    expect(sm.update(DOC, { final: true }).map((b) => b.html).join('')).toBe(renderMarkdown(DOC));
    rendered.length = 0;
    sm.update(DOC, { final: true });
    expect(rendered).toEqual([]);
  });

  it('a block waiting for both modules is rendered again as each arrives', async () => {
    // KaTeX arrives only when let through, so highlight.js is surely first.
    let letKatexIn!: () => void;
    const gate = new Promise<void>((resolve) => (letKatexIn = resolve));
    vi.doMock('./katexLoad', async (importOriginal) => {
      await gate;
      return importOriginal();
    });
    const { StreamingMarkdown, hljsModule, katexModule, lazyVersion } = await fresh();
    const text = '- $x^2$\n- ```js\n  let a = 1;\n  ```\n\nEnd\n';
    const sm = new StreamingMarkdown();
    const first = sm.update(text, { final: false });
    expect(first[0].closed).toBe(true);
    expect(first[0].html).not.toContain('hljs-');
    expect(first[0].html).toContain('math-pending');
    const v = lazyVersion();
    await hljsModule.started;
    expect(lazyVersion()).toBe(v + 1);
    const second = sm.update(text, { final: false });
    expect(second[0].html).toContain('hljs-');
    expect(second[0].html).toContain('math-pending');
    letKatexIn();
    await katexModule.started;
    expect(lazyVersion()).toBe(v + 2);
    const third = sm.update(text, { final: false });
    expect(third[0].html).toContain('hljs-');
    expect(third[0].html).toContain('class="katex"');
    expect(third[1]).toBe(first[1]);
    vi.doUnmock('./katexLoad');
  });
});
