import { t } from '../i18n/t.svelte';
// The configured markdown-it instance shared by renderMarkdown and StreamingMarkdown.
import MarkdownIt from 'markdown-it';
import type { Token } from 'markdown-it';
import { cleanLang, escapeHtml, highlight } from './highlight';
import { insertMath, mathPlugin, neutralize, type MarkdownEnv } from './math';
import { SAFE_URL, sanitize } from './sanitize';

export type { MarkdownEnv };
export { neutralize };

export const md = new MarkdownIt({
  html: false, // raw HTML in model output is shown as text
  linkify: true,
  typographer: false,
  breaks: true, // models use single newlines as line breaks
});

// Only http(s) and mailto links (and # anchors). Relative links would navigate
// inside the app; data:/javascript:/vbscript:/file: are never links.
md.validateLink = (url: string) => SAFE_URL.test(url.trim());
// Bare words like "main.py" or "example.com" are not links; explicit
// http(s)://, www.… and e-mail addresses are.
md.linkify.set({ fuzzyLink: false, fuzzyEmail: true });
md.linkify.add('ftp:', null).add('//', null);
md.linkify.add('www.', {
  validate(text, pos) {
    const tail = text.slice(pos);
    const m = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)+(\/[^\s<>"'`]*)?/i.exec(tail);
    return m ? m[0].length : 0;
  },
  normalize(match) {
    match.url = 'http://' + match.url;
  },
});

md.use(mathPlugin);

function codeBlock(code: string, lang: string, env?: MarkdownEnv): string {
  const label = lang || 'text';
  const cls = lang ? ` language-${lang}` : '';
  let body = env?.light ? undefined : highlight(code, lang);
  if (body === undefined) {
    // Light render, or highlight.js still loading: plain, then highlighted later.
    if (env && !env.light) env.pending = true;
    body = escapeHtml(code);
  }
  return (
    `<div class="code-block"><div class="code-header"><span class="code-lang">${escapeHtml(label)}</span>` +
    // The catalogue's words (a Map lookup per code block, not a formatting).
    `<button type="button" class="copy" data-copy aria-label="${escapeHtml(t('markdown.copyCode'))}">${escapeHtml(t('common.copy'))}</button></div>` +
    `<pre><code class="hljs${cls}">${body}</code></pre></div>\n`
  );
}

md.renderer.rules.fence = (tokens, idx, _options, env) => {
  const tok = tokens[idx];
  const lang = cleanLang(tok.info ? md.utils.unescapeAll(tok.info) : '');
  return codeBlock(tok.content, lang, env as MarkdownEnv | undefined);
};
md.renderer.rules.code_block = (tokens, idx) => codeBlock(tokens[idx].content, '');

function insideLink(tokens: Token[], idx: number): boolean {
  let depth = 0;
  for (let i = idx - 1; i >= 0; i--) {
    if (tokens[i].type === 'link_close') depth--;
    else if (tokens[i].type === 'link_open') {
      if (depth === 0) return true;
      depth++;
    }
  }
  return false;
}

// Images are never loaded (a remote image in WebKit leaks the user's IP and
// that the message was read). They become a link showing the alt text.
md.renderer.rules.image = (tokens, idx, options, env, self) => {
  const tok = tokens[idx];
  const src = String(tok.attrGet('src') ?? '');
  const alt = self.renderInlineAsText(tok.children ?? [], options, env) || src;
  const label = `<span class="md-image-icon" aria-hidden="true">🖼</span> ${escapeHtml(alt)}`;
  if (!/^https?:/i.test(src) || insideLink(tokens, idx)) return `<span class="md-image">${label}</span>`;
  return `<a class="md-image" href="${escapeHtml(src)}" title="${escapeHtml(t('markdown.imageTitle', { src }))}">${label}</a>`;
};

/**
 * Sanitized HTML for a whole markdown document (finished messages). Code and
 * math show plain until highlight.js / KaTeX have loaded (see lazy.svelte.ts).
 */
export function renderMarkdown(src: string): string {
  const env: MarkdownEnv = {};
  return toSafeHtml(md.render(neutralize(src), env), env);
}

/** Sanitizes rendered HTML, then puts the (separately sanitized) formulas in. */
export function toSafeHtml(html: string, env: MarkdownEnv): string {
  return insertMath(sanitize(html), env);
}
