// Incremental ("streamdown"-style) markdown rendering for answers that grow
// token by token.
//
// The text is split into top-level markdown blocks. A block is *closed* once
// the text after it holds a complete line that starts or continues a later
// block (see the comment in update()): CommonMark never changes an earlier
// block because of text appended after that point. Closed blocks are
// rendered once, cached, and returned as the same objects forever; only the
// open tail (usually one block) is parsed and rendered again on each update,
// so the cost of a token does not grow with the length of the answer.
//
// The open tail is rendered cheaply (env.light: code without highlight.js,
// math as TeX source) and fully (highlighting, KaTeX) once it closes or the
// answer ends. Blocks with neither code nor math render the same both ways
// and are not rendered again when they close.
//
// highlight.js and KaTeX load on first use (lazy.svelte.ts). A block rendered
// before they arrived shows code/math plain and is rendered again, closed or
// not, by the first update() after one has loaded; update() reads the load
// version, so a $derived around it runs again by itself.
import type { Token } from 'markdown-it';
import { perf } from '../perf';
import { lazyVersion } from './lazy.svelte';
import { md, neutralize, toSafeHtml, type MarkdownEnv } from './md';

export type Block = { key: string; html: string; closed: boolean };

export interface UpdateOptions {
  /** The text is complete: render the tail as finished (no streaming polish) and mark it closed. */
  final?: boolean;
}

const RUNS_TO_END = new Set(['fence', 'code_block', 'math_block']);

/** A block shown with the plain fallback, and what it takes to render it again. */
type Pending = { src: string; tokens: Token[]; env: MarkdownEnv };
type OpenBlock = { src: string; block: Block; light: boolean; pending: boolean };

export class StreamingMarkdown {
  /** Blocks rendered (markdown → HTML) since construction, cheaply or fully. */
  renderCount = 0;
  /** Of those, rendered cheaply (the open block, see env.light). */
  lightRenderCount = 0;
  /** Blocks rendered by the most recent update(). */
  lastRenderCount = 0;
  /** Called with the source of every block rendered (test/diagnostic hook). */
  onRender: ((src: string) => void) | undefined;

  private text = '';
  private final = false;
  private closed: Block[] = [];
  private closedEnd: number[] = []; // absolute end offset of each closed block
  private evidence: number[] = []; // text up to here decided that block i is closed
  private closedPending: (Pending | undefined)[] = []; // closed blocks waiting for highlight.js/KaTeX
  private version = lazyVersion();
  private openStart = 0; // where the first not-closed block starts
  /** Not-yet-closed blocks of the last update, by key. */
  private open = new Map<string, OpenBlock>();
  private result: Block[] = [];

  update(text: string, opts?: UpdateOptions): Block[] {
    const final = !!opts?.final;
    // markdown-it turns \r\n and \r into \n before parsing; do it first so
    // its line numbers match ours. (Rare in model output.)
    if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
    this.lastRenderCount = 0;
    const version = lazyVersion();
    const loaded = version !== this.version && this.hasPending();
    this.version = version;
    if (!loaded && text === this.text && final === this.final && (this.result.length > 0 || text === '')) {
      return this.result;
    }
    this.rebase(text);
    if (loaded) this.renderPendingClosed();
    this.text = text;
    this.final = final;

    const tp = perf.begin('md.parse');
    const region = neutralize(text.slice(this.openStart));
    const env: MarkdownEnv = { streaming: !final };
    const tokens = region.trim() ? md.parse(region, env) : [];
    perf.end('md.parse', tp);
    const lineStarts = lineStartsOf(region);
    const completeLines = lineStarts.length - 1 + (region.endsWith('\n') ? 1 : 0);
    const totalLines = lineStarts.length;
    const completeEnd = completeLines < lineStarts.length ? lineStarts[completeLines] : region.length;

    // Top-level block start token indexes.
    const starts: number[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (t.level === 0 && t.nesting !== -1 && t.map) starts.push(i);
    }
    const lineOf = (i: number) => tokens[starts[i]].map![0];

    // Which blocks are closed? Appending complete lines never changes earlier
    // blocks, but a still incomplete last line can: it can turn into a lazy
    // continuation of the block before it ("#" → "#tag" after a list item),
    // or stop being the delimiter row that makes the line above it a table
    // header, merging the table back into the paragraph before. So with a
    // complete last line every block but the last is closed; otherwise every
    // block but the last two.
    const j = Math.max(0, starts.length - (region.endsWith('\n') ? 1 : 2));

    const base = this.closed.length;
    const open = new Map<string, OpenBlock>();
    const out = this.closed.slice();
    for (let i = 0; i < starts.length; i++) {
      const isClosed = i < j;
      const isLast = i === starts.length - 1;
      const from = i === 0 ? 0 : lineStarts[lineOf(i)];
      const to = isLast ? region.length : lineStarts[lineOf(i + 1)];
      const groupTokens = tokens.slice(starts[i], isLast ? tokens.length : starts[i + 1]);
      const raw = region.slice(from, to);
      const src = !final && isLast ? polish(raw, groupTokens, totalLines) : raw;
      const key = `b${base + i}`;
      const done = isClosed || final;
      const light = !done && heavy(groupTokens);
      const prev = this.open.get(key);
      let block: Block;
      let pending: boolean;
      if (prev && prev.src === src && (light || !prev.light) && !(loaded && prev.pending)) {
        block = prev.block.closed === done ? prev.block : { ...prev.block, closed: done };
        pending = prev.pending;
      } else {
        const r = this.render(src, light ? { ...env, light } : env, (e) =>
          src === raw ? md.renderer.render(groupTokens, md.options, e) : md.render(src, e),
        );
        block = { key, html: r.html, closed: done };
        pending = r.pending;
      }
      out.push(block);
      if (isClosed) {
        this.closed.push(block);
        // A closed block is always rendered from its tokens (src === raw).
        this.closedPending.push(pending ? { src, tokens: groupTokens, env } : undefined);
        this.closedEnd.push(this.openStart + to);
        // What the decision rests on: the text up to where block i+2 starts
        // (block i is already closed in that prefix, which ends with a
        // complete line), or all complete lines if there is no block i+2.
        this.evidence.push(this.openStart + (i + 2 < starts.length ? lineStarts[lineOf(i + 2)] : completeEnd));
      } else {
        open.set(key, { src, block, light, pending });
      }
    }
    if (j > 0) this.openStart += lineStarts[lineOf(j)];
    this.open = open;
    this.result = out;
    return out;
  }

  /** Drops cached blocks that a non-append change of the text invalidated. */
  private rebase(text: string): void {
    const n = this.closed.length;
    const checked = n ? this.evidence[n - 1] : 0;
    if (checked === 0 || (text.length >= checked && text.startsWith(this.text.slice(0, checked)))) return;
    const p = commonPrefix(text, this.text);
    let k = 0;
    while (k < n && this.evidence[k] <= p) k++;
    this.closed.length = k;
    this.closedEnd.length = k;
    this.evidence.length = k;
    this.closedPending.length = k;
    this.openStart = k ? this.closedEnd[k - 1] : 0;
    this.open.clear();
  }

  private hasPending(): boolean {
    if (this.closedPending.some(Boolean)) return true;
    for (const o of this.open.values()) if (o.pending) return true;
    return false;
  }

  /** Renders again the closed blocks that were waiting for highlight.js/KaTeX (new objects, same keys). */
  private renderPendingClosed(): void {
    for (let i = 0; i < this.closed.length; i++) {
      const p = this.closedPending[i];
      if (!p) continue;
      const r = this.render(p.src, p.env, (e) => md.renderer.render(p.tokens, md.options, e));
      this.closed[i] = { ...this.closed[i], html: r.html };
      // Still pending if it also waits for the other module.
      this.closedPending[i] = r.pending ? p : undefined;
    }
  }

  private render(
    src: string,
    parseEnv: MarkdownEnv,
    fn: (env: MarkdownEnv) => string,
  ): { html: string; pending: boolean } {
    this.renderCount++;
    this.lastRenderCount++;
    if (parseEnv.light) this.lightRenderCount++;
    this.onRender?.(src);
    // Same references as the parse, fresh formula list for this block.
    const env: MarkdownEnv = { ...parseEnv, math: [], pending: false };
    const step = parseEnv.light ? 'md.render.light' : 'md.render';
    const t0 = perf.begin(step);
    const html = fn(env);
    perf.end(step, t0);
    const t1 = perf.begin('md.sanitize');
    const safe = toSafeHtml(html, env);
    perf.end('md.sanitize', t1);
    return { html: safe, pending: !!env.pending };
  }
}

/** Does a block hold code or math, which a light render shows plainer? */
function heavy(tokens: Token[]): boolean {
  for (const t of tokens) {
    if (RUNS_TO_END.has(t.type)) return true;
    if (t.type === 'inline' && t.children?.some((c) => c.type === 'math_inline')) return true;
  }
  return false;
}

function lineStartsOf(s: string): number[] {
  const out = [0];
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/**
 * Cosmetic fixes for the still-open block so half-written syntax doesn't
 * flash: closes a dangling `code`, **bold** or ~~strike~~ on the last line,
 * drops a lone dangling marker, hides a half-typed fence opener and shows a
 * half-typed [link](url as its label. Never applied inside code or math.
 */
export function polish(src: string, tokens: Token[], totalLines: number): string {
  for (const t of tokens) {
    if (RUNS_TO_END.has(t.type) && t.map && t.map[1] >= totalLines) return src;
  }
  const nl = src.lastIndexOf('\n');
  const head = src.slice(0, nl + 1);
  let line = src.slice(nl + 1);
  if (/^ {0,3}(`{1,2}|~{1,2})$/.test(line)) return head;
  if (!line.trim()) return src;

  line = line.replace(/\[([^[\]]*)\]\([^)\s]*$/, '$1');

  const ticks = line.match(/`+/g) ?? [];
  const single = ticks.filter((t) => t.length === 1).length;
  if (single % 2 === 1) {
    if (/`\s*$/.test(line) && !/``\s*$/.test(line)) return head + line.replace(/`\s*$/, '');
    return head + line + '`';
  }
  const plain = line.replace(/(`+)[^`]*?\1/g, '');
  for (const marker of ['**', '~~']) {
    const re = marker === '**' ? /\*\*/g : /~~/g;
    const count = (plain.match(re) ?? []).length;
    if (count % 2 === 1) {
      const trimmed = line.trimEnd();
      if (trimmed.endsWith(marker)) line = trimmed.slice(0, -marker.length);
      else line = trimmed + marker;
    }
  }
  return head + line;
}
