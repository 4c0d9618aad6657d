// A tiny markdown-it plugin for TeX math rendered with KaTeX:
//   inline:  $…$, $$…$$ (display inside a paragraph), \(…\), \[…\]
//   block:   a line starting with $$ (or \[) up to a line ending with $$ (or \]).
// An unclosed block runs to the end of the text (or of its list item/quote)
// like an unclosed code fence and is shown as its TeX source, so half-typed
// TeX never flashes KaTeX's red error rendering while streaming.
import type { MarkdownIt, StateBlock, StateInline } from 'markdown-it';
import { escapeHtml } from './highlight';
import { katexModule } from './lazy.svelte';
import { sanitize } from './sanitize';

export interface MarkdownEnv {
  [key: string | symbol]: unknown;
  /** True while the text is still being streamed (informational; parsing does not depend on it). */
  streaming?: boolean;
  /**
   * Render cheaply: code without highlighting, math as its TeX source. For the
   * still-open block of a streaming answer, which is rendered again on every
   * update; it is rendered fully once it closes.
   */
  light?: boolean;
  /** Sanitized KaTeX HTML, referenced from the rendered HTML by placeholders. */
  math?: string[];
  /** This render's secret in every placeholder, so model text cannot write one. */
  mathNonce?: string;
  /**
   * Set by the renderer when code or math was shown plain because
   * highlight.js or KaTeX had not loaded yet (render it again once they have).
   */
  pending?: boolean;
}

// KaTeX output is big (MathML + positioned spans) and slow to sanitize, and the
// open block is re-rendered on every token. So each formula is rendered and
// sanitized once (cached), and the block's HTML carries only a placeholder
// (private-use characters, which survive sanitizing as plain text) that
// insertMath() swaps for the sanitized formula after the block is sanitized.
// Model text can write the marks (markdown-it decodes &#xE000; after
// neutralize() ran), so each placeholder also carries a random nonce drawn
// for this render, which the text cannot know.
const PH_OPEN = '\uE000';
const PH_CLOSE = '\uE001';

function newNonce(): string {
  const words = crypto.getRandomValues(new Uint32Array(3));
  return Array.from(words, (w) => w.toString(36)).join('');
}

function placeholder(env: MarkdownEnv, html: string): string {
  const parts = (env.math ??= []);
  parts.push(html);
  env.mathNonce ??= newNonce();
  return `${PH_OPEN}m${env.mathNonce}.${parts.length - 1}${PH_CLOSE}`;
}

/**
 * Replaces the two private-use marks by U+FFFD before parsing (same UTF-16
 * length, so offsets don't move), so that model text shows no half
 * placeholders; the nonce is what makes them unforgeable.
 */
export function neutralize(src: string): string {
  return /[\uE000\uE001]/.test(src) ? src.replace(/[\uE000\uE001]/g, '\uFFFD') : src;
}

/** Replaces math placeholders in sanitized HTML with the sanitized formulas. */
export function insertMath(html: string, env: MarkdownEnv): string {
  const parts = env.math;
  if (!parts?.length || !env.mathNonce) return html;
  const own = new RegExp(`\uE000m${env.mathNonce}\\.(\\d+)\uE001`, 'g');
  return html.replace(own, (m, i: string) => parts[Number(i)] ?? m);
}

const KATEX_OPTIONS = {
  throwOnError: false,
  trust: false, // no \href, \url, \includegraphics, \htmlClass, \htmlStyle, \htmlId, \htmlData
  strict: 'ignore' as const,
  output: 'htmlAndMathml' as const,
  maxSize: 20, // em; stops \rule{1000em}{1000em} & co. covering the window
  maxExpand: 500,
};

// Small LRU of sanitized formulas: the open block is re-rendered on every
// token, and usually holds the same formulas as last time.
const cache = new Map<string, string>();
const CACHE_MAX = 256;

/** Sanitized KaTeX HTML; undefined while KaTeX is not loaded (this starts loading it). */
export function renderTex(tex: string, display: boolean): string | undefined {
  const key = (display ? 'D' : 'I') + tex;
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const katex = katexModule.get();
  if (!katex) return undefined;
  let html: string;
  try {
    html = sanitize(katex.renderToString(tex, { ...KATEX_OPTIONS, displayMode: display }));
  } catch (e) {
    // Shown as its source, with KaTeX's reason on hover.
    const why = e instanceof Error ? e.message : String(e);
    html = `<code class="math-error" title="${escapeHtml(why)}">${escapeHtml(tex)}</code>`;
  }
  cache.set(key, html);
  if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value as string);
  return html;
}

const DOLLAR = 0x24;
const BACKSLASH = 0x5c;

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function mathInline(state: StateInline, silent: boolean): boolean {
  const src = state.src;
  const pos = state.pos;
  const max = state.posMax;
  const ch = src.charCodeAt(pos);
  let open: number;
  let close: string;
  let display: boolean;
  if (ch === DOLLAR) {
    display = src.charCodeAt(pos + 1) === DOLLAR;
    open = display ? 2 : 1;
    close = display ? '$$' : '$';
    if (!display) {
      // Pandoc rules: "$ 5" is not math; neither is "$5 and $10".
      const next = src.charCodeAt(pos + 1);
      if (pos + 1 >= max || isWhitespace(next)) return false;
    }
  } else if (ch === BACKSLASH) {
    const n = src.charCodeAt(pos + 1);
    if (n === 0x28 /* ( */) {
      display = false;
      close = '\\)';
    } else if (n === 0x5b /* [ */) {
      display = true;
      close = '\\]';
    } else return false;
    open = 2;
  } else return false;

  const start = pos + open;
  let end = start;
  for (;;) {
    end = src.indexOf(close, end);
    if (end === -1 || end + close.length > max) return false;
    if (ch === DOLLAR && src.charCodeAt(end - 1) === BACKSLASH) {
      end += 1; // \$ inside math
      continue;
    }
    break;
  }
  if (end === start) return false;
  if (ch === DOLLAR && !display) {
    if (isWhitespace(src.charCodeAt(end - 1))) return false;
    const after = src.charCodeAt(end + 1);
    if (after >= 0x30 && after <= 0x39) return false;
  }
  if (!silent) {
    const token = state.push('math_inline', 'math', 0);
    token.markup = ch === DOLLAR ? close : src.slice(pos, pos + 2);
    token.content = src.slice(start, end);
    token.meta = { display };
  }
  state.pos = end + close.length;
  return true;
}

function mathBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  const src = state.src;
  let pos = state.bMarks[startLine] + state.tShift[startLine];
  let max = state.eMarks[startLine];
  if (state.sCount[startLine] - state.blkIndent >= 4) return false;
  let close: string;
  if (src.startsWith('$$', pos)) close = '$$';
  else if (src.startsWith('\\[', pos)) close = '\\]';
  else return false;

  const first = src.slice(pos + 2, max).trim();
  let content: string;
  let nextLine = startLine;
  let closed = false;
  const idx = first.indexOf(close);
  if (idx !== -1) {
    // One line: "$$ x $$". Anything after the closing mark: leave it to the inline rule.
    if (idx !== first.length - close.length) return false;
    content = first.slice(0, idx);
    closed = true;
  } else {
    // A multi-line block opens with the delimiter alone on its line ("$$ is
    // money" is prose; "$$ a\n= b $$" still works through the inline rule).
    if (first) return false;
    // Like a code fence: runs until the closing line, the end of the
    // enclosing container (list item, quote), or the end of the text. The
    // same rule applies while streaming and when finished, so blocks closed
    // while streaming never change meaning later.
    const lines: string[] = [];
    for (nextLine = startLine + 1; nextLine < endLine; nextLine++) {
      pos = state.bMarks[nextLine] + state.tShift[nextLine];
      max = state.eMarks[nextLine];
      if (pos < max && state.sCount[nextLine] < state.blkIndent) break; // left the list item etc.
      const line = src.slice(pos, max).trimEnd();
      if (line.endsWith(close)) {
        const rest = line.slice(0, -close.length);
        if (rest.trim()) lines.push(rest);
        closed = true;
        nextLine++;
        break;
      }
      lines.push(src.slice(state.bMarks[nextLine] + Math.min(state.tShift[nextLine], state.blkIndent), max));
    }
    content = lines.join('\n');
  }
  if (silent) return true;
  const end = idx !== -1 ? startLine + 1 : nextLine;
  const token = state.push('math_block', 'math', 0);
  token.block = true;
  token.content = content;
  token.markup = close;
  token.meta = { closed };
  token.map = [startLine, end];
  state.line = end;
  return true;
}

/** renderTex, or undefined (and env marked pending) while KaTeX is not loaded. */
function texOrPending(env: MarkdownEnv, tex: string, display: boolean): string | undefined {
  const html = renderTex(tex, display);
  if (html === undefined) env.pending = true;
  return html;
}

export function mathPlugin(md: MarkdownIt): void {
  md.inline.ruler.before('escape', 'math_inline', mathInline);
  md.block.ruler.before('fence', 'math_block', mathBlock, {
    alt: ['paragraph', 'reference', 'blockquote', 'list'],
  });
  md.renderer.rules.math_inline = (tokens, idx, _options, env) => {
    const t = tokens[idx];
    const e = env as MarkdownEnv;
    const display = !!t.meta?.display;
    const tex = e.light ? undefined : texOrPending(e, t.content, display);
    if (tex === undefined) {
      const close = t.markup === '\\(' ? '\\)' : t.markup === '\\[' ? '\\]' : t.markup;
      return `<span class="math math-inline math-pending">${escapeHtml(t.markup + t.content + close)}</span>`;
    }
    return `<span class="math ${display ? 'math-display' : 'math-inline'}">${placeholder(e, tex)}</span>`;
  };
  md.renderer.rules.math_block = (tokens, idx, _options, env) => {
    const t = tokens[idx];
    const e = env as MarkdownEnv;
    const tex = !t.meta?.closed || e.light ? undefined : texOrPending(e, t.content, true);
    if (tex === undefined) {
      return `<div class="math math-display math-pending"><pre>${escapeHtml(t.content)}</pre></div>\n`;
    }
    return `<div class="math math-display">${placeholder(e, tex)}</div>\n`;
  };
}
