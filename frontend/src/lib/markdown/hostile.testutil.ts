// The hostile-markup corpus and the checker that walks rendered HTML for
// anything dangerous. Shared by every test that renders model output
// (answers in sanitize.test.ts, reasoning in tests/thinking.test.ts).
// Test-only: nothing in the app imports this.

export const FORBIDDEN_TAGS = new Set([
  'script', 'style', 'iframe', 'frame', 'frameset', 'object', 'embed', 'form', 'input', 'textarea', 'select',
  'meta', 'base', 'link', 'img', 'image', 'video', 'audio', 'source', 'track', 'picture', 'foreignobject',
  'use', 'animate', 'set', 'animatetransform', 'template', 'slot', 'portal', 'applet', 'marquee', 'noscript',
  'xmp', 'plaintext', 'math-annotation-xml', 'annotation-xml', 'maction', 'svg:script', 'dialog',
]);
const URL_ATTRS = new Set(['href', 'src', 'xlink:href', 'action', 'formaction', 'data', 'poster', 'background', 'srcset', 'cite', 'ping']);

export function problems(html: string): string[] {
  const doc = new DOMParser().parseFromString(`<!doctype html><body><div id="root">${html}</div>`, 'text/html');
  const root = doc.getElementById('root')!;
  const out: string[] = [];
  const walk = (el: Element) => {
    const tag = el.localName.toLowerCase();
    if (FORBIDDEN_TAGS.has(tag)) out.push(`tag <${tag}>`);
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      const value = attr.value;
      if (name.startsWith('on')) out.push(`event attr ${name} on <${tag}>`);
      if (name === 'target') out.push('target attr');
      if (name === 'srcdoc' || name === 'formaction' || name === 'http-equiv') out.push(`attr ${name}`);
      if (URL_ATTRS.has(name) || name.endsWith(':href')) {
        const v = value.replace(/[\u0000-\u0020]/g, '').toLowerCase();
        if (!(name === 'href' && /^(https?:|mailto:|#)/.test(v))) out.push(`url attr ${name}=${value}`);
      }
      if (name === 'style' && /url\(|expression|javascript:|@import|\\|behavior|binding/i.test(value)) {
        out.push(`style ${value}`);
      }
      if (/^\s*(javascript|vbscript|data):/i.test(value)) out.push(`scheme in ${name}`);
    }
    if (tag === 'a' && el.hasAttribute('href') && el.getAttribute('rel') !== 'noopener noreferrer') {
      out.push('link without rel');
    }
    for (const child of Array.from(el.children)) walk(child);
  };
  walk(root);
  return out;
}

export const CORPUS: [string, string][] = [
  ['script tag', '<script>alert(1)</script>'],
  ['script in paragraph', 'hello <script src="https://evil.example/x.js"></script> world'],
  ['img onerror', '<img src=x onerror=alert(1)>'],
  ['markdown image onerror attempt', '![x" onerror="alert(1)](https://example.com/a.png)'],
  ['javascript link', '[x](javascript:alert(1))'],
  ['JAVASCRIPT upper', '[x](JAVASCRIPT:alert(1))'],
  ['javascript with spaces/tabs', '[x](java\tscript:alert(1)) [y](<java script:alert(1)>)'],
  ['data link', '[x](data:text/html,<script>alert(1)</script>)'],
  ['data base64 link', '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
  ['entity-obfuscated', '[x](jav&#x61;script:alert(1)) [y](&#106;avascript:alert(1)) [z](javascript&colon;alert(1))'],
  ['percent-obfuscated', '[x](javascript%3Aalert(1)) [y](%6Aavascript:alert(1))'],
  ['svg onload', '<svg onload=alert(1)><circle r=5></circle></svg>'],
  ['iframe', '<iframe src="https://evil.example" srcdoc="<script>alert(1)</script>"></iframe>'],
  ['vbscript anchor', '<a href="vbscript:msgbox(1)">x</a> and [v](vbscript:msgbox(1))'],
  ['autolink javascript', '<javascript:alert(1)> and <JavaScript:alert(1)>'],
  ['linkify javascript', 'visit javascript:alert(1) now'],
  ['reference link javascript', '[x][r]\n\n[r]: javascript:alert(1)'],
  ['image data uri', '![a](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)'],
  ['image javascript', '![a](javascript:alert(1))'],
  ['katex href', '$\\href{javascript:alert(1)}{click}$'],
  ['katex url', '$$\\url{javascript:alert(1)}$$'],
  ['katex htmlClass', '$\\htmlClass{evil}{x}$ $\\htmlId{x}{y}$ $\\htmlData{foo=bar}{z}$'],
  ['katex htmlStyle', '$\\htmlStyle{position:fixed;top:0;left:0;width:100vw;height:100vh;background:url(https://e.x/a)}{x}$'],
  ['katex includegraphics', '$\\includegraphics{https://evil.example/track.png}$'],
  ['katex color injection', '$\\color{red;background:url(https://e.x)}{x}$ $\\textcolor{expression(alert(1))}{y}$'],
  ['katex huge rule', '$\\rule{10000em}{10000em}$'],
  ['style tag', '<style>body{display:none}</style>'],
  ['style attribute', '<span style="background:url(javascript:alert(1))">x</span>'],
  ['form', '<form action="https://evil.example"><input name=p><button formaction="javascript:alert(1)">go</button></form>'],
  ['meta refresh', '<meta http-equiv="refresh" content="0;url=https://evil.example">'],
  ['base href', '<base href="https://evil.example/">'],
  ['link stylesheet', '<link rel=stylesheet href="https://evil.example/x.css">'],
  ['object/embed', '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">'],
  ['nested backticks', '``` `<script>alert(1)</script>` ```\n\n`` <img src=x onerror=alert(1)> ``'],
  ['fence info injection', '```js" onmouseover="alert(1)\ncode\n```'],
  ['fence lang html', '```"><img src=x onerror=alert(1)>\nx\n```'],
  ['html in table', '| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | <script>x</script> |'],
  ['html in list and quote', '- <iframe src=x></iframe>\n> <svg><script>alert(1)</script></svg>'],
  ['mathml href', '<math href="javascript:alert(1)"><mi>x</mi></math>'],
  ['svg use xlink', '<svg><use xlink:href="data:image/svg+xml,<svg id=x onload=alert(1)>#x"></use></svg>'],
  ['target blank', '<a href="https://ok.example" target="_blank">x</a> and [ok](https://ok.example)'],
  ['mailto + https ok, file not', '[m](mailto:a@b.c) [h](https://x.y) [f](file:///etc/passwd) [r](/relative) [p](//evil.example)'],
  ['title attribute injection', '[x](https://a.b "\\" onmouseover=\\"alert(1)")'],
  ['unicode line separators', '[x](java\u2028script:alert(1)) [y](\u0000javascript:alert(1))'],
  ['html comment / cdata', '<!-- <script>alert(1)</script> --><![CDATA[<script>alert(1)</script>]]>'],
  ['dangling streaming bold around html', '**<img src=x onerror=alert(1)>'],
  ['unclosed fence with html', '```html\n<script>alert(1)</script>\n<img src=x onerror=alert(1)>'],
  ['unclosed math with html', '$$\n</div><script>alert(1)</script>'],
  ['private use placeholder forgery', 'fake \uE000m0\uE001 placeholder $x$ and \uE000m9\uE001'],
];
