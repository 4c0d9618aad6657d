// Hostile-markup corpus: model output is untrusted. Every case is rendered
// both whole (renderMarkdown) and streamed (StreamingMarkdown, char by char
// for short inputs) and the resulting HTML is parsed and walked.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAll } from './lazy.svelte';
import { renderMarkdown } from './md';
import { StreamingMarkdown } from './streaming';
import { cleanStyle, sanitize } from './sanitize';
import { CORPUS, problems } from './hostile.testutil';

// highlight.js and KaTeX load on first use; these tests are about the loaded
// rendering (lazy.test.ts covers what is shown before and without them).
beforeAll(() => loadAll());

describe('hostile markup corpus', () => {
  it('has at least 25 cases', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(25);
  });

  it('the checker itself catches dangerous markup', () => {
    expect(problems('<img src=x onerror=alert(1)>').length).toBeGreaterThan(0);
    expect(problems('<a href="javascript:alert(1)">x</a>').length).toBeGreaterThan(0);
    expect(problems('<a href=" JAVASCRIPT:alert(1)" rel="noopener noreferrer">x</a>').length).toBeGreaterThan(0);
    expect(problems('<span style="background:url(x)">x</span>').length).toBeGreaterThan(0);
    expect(problems('<svg><use xlink:href="#x"></use></svg>').length).toBeGreaterThan(0);
    expect(problems('<form></form><base href="https://x">').length).toBe(2);
  });

  it.each(CORPUS)('%s: renderMarkdown output is safe', (_name, src) => {
    const html = renderMarkdown(src);
    expect(problems(html)).toEqual([]);
  });

  it.each(CORPUS)('%s: streamed output is safe at every step', (_name, src) => {
    const sm = new StreamingMarkdown();
    const step = src.length > 80 ? 7 : 1;
    for (let i = 1; i <= src.length; i += step) {
      expect(problems(sm.update(src.slice(0, i)).map((b) => b.html).join(''))).toEqual([]);
    }
    expect(problems(sm.update(src, { final: true }).map((b) => b.html).join(''))).toEqual([]);
  });

  it('model text cannot forge a math placeholder', () => {
    const html = renderMarkdown('fake \uE000m0\uE001 and $x$');
    expect(html.match(/class="katex"/g)).toHaveLength(1);
    const sm = new StreamingMarkdown();
    // Still streaming, the open block shows its math as TeX source: no formula at all.
    const open = sm.update('fake \uE000m0\uE001 and $x$');
    expect(open[0].html).not.toContain('katex');
    expect(open[0].html).toContain('$x$');
    const streamed = sm.update('fake \uE000m0\uE001 and $x$', { final: true });
    expect(streamed[0].html.match(/class="katex"/g)).toHaveLength(1);
  });

  // markdown-it decodes character references after neutralize() has run, so
  // model text can write the placeholder's private-use marks as entities.
  it.each([
    ['in text', 'fake &#xE000;m0&#xE001; and $x$'],
    ['in text, decimal', 'fake &#57344;m0&#57345; and $x$'],
    ['in a link title', '[a](https://a.example "&#xE000;m0&#xE001;") and $x$'],
    ['in emphasis', '*&#xE000;m0&#xE001;* and $x$'],
  ])('model text cannot forge a math placeholder with character references (%s)', (_name, src) => {
    const check = (html: string) => {
      const doc = new DOMParser().parseFromString(html, 'text/html');
      expect(doc.querySelectorAll('.katex')).toHaveLength(1);
      // What the model wrote stays as it wrote it, the marks included.
      for (const a of Array.from(doc.querySelectorAll('a[title]'))) {
        expect(a.getAttribute('title')).toBe('\uE000m0\uE001');
      }
    };
    check(renderMarkdown(src));
    const sm = new StreamingMarkdown();
    sm.update(src);
    check(sm.update(src, { final: true }).map((b) => b.html).join(''));
  });

  it('renders raw HTML as visible text, not markup', () => {
    const html = renderMarkdown('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;');
  });

  it('keeps safe links, with rel and without target', () => {
    const html = renderMarkdown('[ok](https://ok.example) <https://a.example> https://b.example mail@x.org');
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const links = Array.from(doc.querySelectorAll('a'));
    expect(links.map((a) => a.getAttribute('href'))).toEqual([
      'https://ok.example',
      'https://a.example',
      'https://b.example',
      'mailto:mail@x.org',
    ]);
    expect(links.every((a) => a.rel === 'noopener noreferrer' && !a.hasAttribute('target'))).toBe(true);
  });

  it('turns images into links (never loads them)', () => {
    const html = renderMarkdown('![diagram](https://example.com/d.png)');
    const doc = new DOMParser().parseFromString(html, 'text/html');
    expect(doc.querySelector('img')).toBeNull();
    const a = doc.querySelector('a.md-image')!;
    expect(a.getAttribute('href')).toBe('https://example.com/d.png');
    expect(a.textContent).toContain('diagram');
  });

  it('keeps KaTeX output (MathML, spans with style, svg)', () => {
    const html = renderMarkdown('$$\\sqrt{x^2+1}\\quad\\color{red}{y}\\quad\\overrightarrow{AB}$$');
    const doc = new DOMParser().parseFromString(html, 'text/html');
    expect(doc.querySelector('.katex-display .katex-mathml math semantics annotation')?.getAttribute('encoding')).toBe(
      'application/x-tex',
    );
    expect(doc.querySelector('.katex-html [style*="height"]')).not.toBeNull();
    expect(doc.querySelector('[style*="color:red"]')).not.toBeNull();
    const path = doc.querySelector('.katex-html svg path');
    expect(path?.getAttribute('d')?.length).toBeGreaterThan(10);
    expect(doc.querySelector('.katex-html svg')?.getAttribute('viewBox')).toBeTruthy();
  });

  it('KaTeX trust-only commands are not executed', () => {
    const html = renderMarkdown('$\\href{https://ok.example}{x}$ $\\htmlClass{evil}{y}$');
    expect(html).not.toContain('class="evil"');
    expect(html).not.toContain('href="https://ok.example"');
  });

  it('code block has a header with language and copy button', () => {
    const html = renderMarkdown('```python\nprint("hi")\n```');
    const doc = new DOMParser().parseFromString(html, 'text/html');
    expect(doc.querySelector('.code-block .code-header .code-lang')?.textContent).toBe('python');
    expect(doc.querySelector('.code-block button.copy[data-copy]')).not.toBeNull();
    expect(doc.querySelector('pre code.hljs.language-python .hljs-built_in')?.textContent).toBe('print');
  });

  it('GFM: tables, strikethrough, linkify; not bare file names', () => {
    const html = renderMarkdown('| a |\n|---|\n| ~~b~~ |\n\nsee www.example.com and main.py');
    expect(html).toContain('<table>');
    expect(html).toContain('<s>b</s>');
    expect(html).toContain('href="http://www.example.com"');
    expect(html).not.toContain('href="http://main.py"');
  });

  it('cleanStyle allow-lists properties and values', () => {
    expect(cleanStyle('height:0.8em;vertical-align:-0.2em')).toBe('height:0.8em;vertical-align:-0.2em');
    expect(cleanStyle('color:red')).toBe('color:red');
    expect(cleanStyle('position:fixed')).toBeNull();
    expect(cleanStyle('background:url(x)')).toBeNull();
    expect(cleanStyle('color:red;background-image:url(x)')).toBeNull();
    expect(cleanStyle('width:expression(alert(1))')).toBeNull();
    expect(cleanStyle('top:1em\\;x')).toBeNull();
  });

  it('sanitize() strips whatever reaches it directly', () => {
    const html = sanitize(
      '<a href="javascript:alert(1)" onclick="x()" target="_blank">a</a><img src=x><button formaction="javascript:1">b</button><div style="position:fixed;inset:0">c</div>',
    );
    expect(problems(html)).toEqual([]);
    expect(html).not.toContain('position:fixed');
  });
});
