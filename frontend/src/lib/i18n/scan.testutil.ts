// Finds user-facing text written into the code instead of taken from the
// catalogue: text nodes and the visible attributes (aria-label, title,
// placeholder, alt, …) of .svelte templates, and sentence-like string literals
// in scripts and the .ts modules that make UI words. Each finding names
// file:line and the text, so new components can be swept with it.

export interface Finding {
  file: string;
  line: number;
  text: string;
  /** Where it is in the file (offsets) and what it is, for tools that move it. */
  at?: { start: number; end: number; kind: 'text' | 'attr' | 'expr' | 'code' };
}

/**
 * Text that may stay in the code: no translation changes it. Each entry says why.
 * Text with no letter at all ("×", "‹ ›", "✓", "·", "…", "/") is never reported.
 */
export const ALLOWED = new Set<string>([
  'Brook', // the product's name
  'Ollama', // a product's name, shown as a kind of server
  'OpenAI', // a product's name
  'llama3.2', // a model's name in a placeholder: an example the user types
  'http://127.0.0.1:11434', // a URL in a placeholder: an example the user types
  'https://api.openai.com/v1', // a URL in a placeholder
  'sk-…', // the shape of an API key in a placeholder
  'Ctrl', // keyboard key names are what is printed on the keys
  'Shift',
  'Alt',
  'Enter',
  'Esc',
  'Tab',
  'Home',
  'End',
  'F1',
  'Ctrl+Shift+N', // a shortcut, as printed on the keys
  'KaTeX', // a library's name
  'Markdown', // a format's name
  'JSON', // a format's name
  'GGUF', // a format's name
  'ollama pull llama3.2', // commands and addresses the user types, shown in <code>
  'ollama serve',
  'OLLAMA_HOST=0.0.0.0 ollama serve',
  'http://192.168.1.20:11434',
  'npx', // a command, the example in the tool server's Command field
  'API_TOKEN', // an environment variable's name, as the user types it
  'Authorization', // an HTTP header's name: the protocol's word
  'http://127.0.0.1:3001/mcp', // a URL in a placeholder
]);

/** Attributes whose value the user sees or hears. */
const VISIBLE_ATTRS = new Set(['aria-label', 'title', 'placeholder', 'alt', 'aria-description', 'aria-roledescription', 'aria-valuetext', 'aria-placeholder', 'label']);

/** Calls whose first argument is shown or spoken. */
const SHOWN_CALL = /\b(?:toasts\.\w+|announcer\.\w+|confirm|alert|prompt)\(\s*$/;

/** A literal right after this is a catalogue key. */
const FROM_CATALOGUE = /\bt\(\s*$/;

function lineAt(src: string, i: number): number {
  let n = 1;
  for (let j = 0; j < i && j < src.length; j++) if (src.charCodeAt(j) === 10) n++;
  return n;
}

function hasLetter(s: string): boolean {
  return /\p{L}/u.test(s);
}

function allowed(text: string): boolean {
  return !hasLetter(text) || ALLOWED.has(text.trim());
}

/** A literal in code that reads as words to a person ("Could not save", "Saving…"), not as an identifier or a selector. */
export function looksLikeProse(s: string): boolean {
  const t = s.trim();
  if (!hasLetter(t)) return false;
  if (/^[\w.:/#[\]=@-]+$/.test(t) && !/^[A-Z][a-z]+$/.test(t)) return false; // ids, classes, paths, event names
  if (/^(?:[a-z-]+:\s*[^;]+;?\s*)+$/.test(t)) return false; // inline CSS
  if (/^[A-Z][a-z]+$/.test(t)) return true; // "Cancel"
  if (/…$/.test(t)) return true; // "Saving…"
  return /\p{L}{2,}[\s\u00a0]+\p{L}{2,}/u.test(t); // two words
}

/** A template literal that builds words around its placeholders (`${n} ahead`): one message with placeholders instead. */
function templateProse(l: Lit): boolean {
  // A word of two letters or more next to a space: words around a placeholder ("in ${name}", "${n} ahead").
  return l.quote === '`' && /(^|\s)\p{L}{2,}(?=\s|$)|\p{L}{2,}\s/u.test(l.value);
}

interface Lit {
  start: number;
  value: string;
  /** The code right before it (for call detection). */
  before: string;
  /** Just past its closing quote. */
  end: number;
  quote: string;
}

/** String literals of a piece of JS/TS (template literals with their ${} parts blanked), skipping comments. */
export function literals(code: string, base = 0): Lit[] {
  const out: Lit[] = [];
  let i = 0;
  while (i < code.length) {
    const c = code[i];
    if (c === '/' && code[i + 1] === '/') {
      const e = code.indexOf('\n', i);
      i = e < 0 ? code.length : e;
    } else if (c === '/' && code[i + 1] === '*') {
      const e = code.indexOf('*/', i + 2);
      i = e < 0 ? code.length : e + 2;
    } else if (c === '/' && /(?:^|[(,=:[!&|?{};]|\breturn)\s*$/.test(code.slice(Math.max(0, i - 12), i))) {
      // A regular expression literal: skip it, its quotes are not strings.
      let j = i + 1;
      let cls = false;
      while (j < code.length && code[j] !== '\n') {
        const d = code[j];
        if (d === '\\') j++;
        else if (d === '[') cls = true;
        else if (d === ']') cls = false;
        else if (d === '/' && !cls) break;
        j++;
      }
      i = j + 1;
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      let v = '';
      let depth = 0;
      while (j < code.length) {
        const d = code[j];
        if (d === '\\') {
          const e = code[j + 1] ?? '';
          v += e === 'n' || e === 't' || e === 'r' ? ' ' : e;
          j += 2;
          continue;
        }
        if (c === '`' && d === '$' && code[j + 1] === '{' && depth === 0) {
          depth = 1;
          v += ' ';
          j += 2;
          continue;
        }
        if (depth > 0) {
          if (d === '{') depth++;
          else if (d === '}') depth--;
          j++;
          continue;
        }
        if (d === c) break;
        if (d === '\n' && c !== '`') break;
        v += d;
        j++;
      }
      out.push({ start: base + i, value: v, before: code.slice(Math.max(0, i - 40), i), end: base + j + 1, quote: c });
      i = j + 1;
    } else i++;
  }
  return out;
}

/** Lines of code that are not UI words (imports, logging, errors for developers, tests' ids). */
function ignorableLine(line: string): boolean {
  // "i18n-ids": the line's literals are ids compared in code, shown through the catalogue elsewhere.
  if (/i18n-ids/.test(line)) return true;
  return /new RegExp\(|setAttribute\('rel'|testHook\(|\.includes\('Files'\)|^\s*(?:import|export \* from|\} from)\b|console\.\w+\(|new Error\(|querySelector|\.key\s*[!=]==|key === |getElementById|new KeyboardEvent\(|data-testid|addEventListener|EventsOn\(|matchMedia|\bthrow new TypeError/.test(line);
}

function scanCode(file: string, src: string, code: string, base: number, out: Finding[]) {
  for (const l of literals(code, base)) {
    if (FROM_CATALOGUE.test(l.before) || /\[\s*$/.test(l.before)) continue; // a key, or an index ('List' in Services['…']['List'])
    if (l.quote === '`' && /^\s*</.test(l.value) && !looksLikeProse(l.value.replace(/<[^>]*>/g, ' '))) continue; // markup built in code
    const line = lineAt(src, l.start);
    const text = src.split('\n')[line - 1] ?? '';
    if (ignorableLine(text)) continue;
    const shown = SHOWN_CALL.test(l.before);
    if ((shown && hasLetter(l.value)) || looksLikeProse(l.value) || templateProse(l)) {
      if (!allowed(l.value)) out.push({ file, line, text: l.value.trim(), at: { start: l.start, end: l.end, kind: l.quote === '`' ? 'code' : shown ? 'expr' : 'code' } });
    }
  }
}

/** Blanks a range with spaces, keeping newlines so offsets and lines stay. */
function blank(s: string): string {
  return s.replace(/[^\n]/g, ' ');
}

/** Scans one .svelte file's template, scripts and attributes. */
export function scanSvelte(file: string, src: string): Finding[] {
  const out: Finding[] = [];
  let tpl = src;
  for (const m of src.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
    const start = m.index! + m[0].indexOf('>') + 1;
    scanCode(file, src, m[1], start, out);
    tpl = tpl.slice(0, m.index!) + blank(m[0]) + tpl.slice(m.index! + m[0].length);
  }
  tpl = tpl.replace(/<style\b[^>]*>[\s\S]*?<\/style>/g, blank).replace(/<!--[\s\S]*?-->/g, blank);
  let i = 0;
  let text = '';
  let textStart = 0;
  const flushText = () => {
    const v = text.replace(/\s+/g, ' ').trim();
    if (v && !allowed(v)) {
      const s0 = textStart + text.search(/\S/);
      out.push({ file, line: lineAt(src, s0), text: v, at: { start: s0, end: textStart + text.trimEnd().length, kind: 'text' } });
    }
    text = '';
  };
  /** The end of a {…} expression starting at j (the index of '{'). */
  const exprEnd = (j: number): number => {
    let depth = 0;
    for (let k = j; k < tpl.length; k++) {
      const c = tpl[k];
      if (c === "'" || c === '"' || c === '`') {
        const lit = literals(tpl.slice(k), 0)[0];
        // Skip the whole literal (its length in the source, escapes included, is found by re-scanning).
        let e = k + 1;
        while (e < tpl.length && tpl[e] !== c) e += tpl[e] === '\\' ? 2 : 1;
        void lit;
        k = e;
        continue;
      }
      if (c === '{') depth++;
      else if (c === '}' && --depth === 0) return k;
    }
    return tpl.length - 1;
  };
  /** String literals of an expression in a place the user sees. */
  const scanExpr = (s: number, e: number, visible: boolean) => {
    const code = tpl.slice(s, e + 1);
    for (const l of literals(code, s)) {
      if (FROM_CATALOGUE.test(l.before)) continue;
      const shown = SHOWN_CALL.test(l.before);
      const show = visible ? hasLetter(l.value) && (looksLikeProse(l.value) || /^\p{L}/u.test(l.value)) && !/^[a-z][\w-]*$/.test(l.value) : shown && hasLetter(l.value);
      const at = { start: l.start, end: l.end, kind: l.quote === '`' ? ('code' as const) : ('expr' as const) };
      if ((show || ((looksLikeProse(l.value) || templateProse(l)) && visible)) && !allowed(l.value)) out.push({ file, line: lineAt(src, l.start), text: l.value.trim(), at });
      else if (!visible && shown && hasLetter(l.value) && !allowed(l.value)) out.push({ file, line: lineAt(src, l.start), text: l.value.trim(), at });
    }
  };
  while (i < tpl.length) {
    const c = tpl[i];
    if (c === '{') {
      flushText();
      const e = exprEnd(i);
      const head = tpl.slice(i + 1, i + 8);
      // Block tags ({#if …}, {:else}, {/each}) hold logic; {expr} and {@html expr} are shown.
      scanExpr(i, e, !/^[#:/]/.test(head) && !/^@(const|render|debug|attach)/.test(head));
      i = e + 1;
      textStart = i;
    } else if (c === '<' && /[A-Za-z/!]/.test(tpl[i + 1] ?? '')) {
      flushText();
      // A tag: read its attributes.
      let j = i + 1;
      while (j < tpl.length && tpl[j] !== '>') {
        if (tpl[j] === '{') {
          const e = exprEnd(j);
          scanExpr(j, e, false);
          j = e + 1;
          continue;
        }
        const m = /^([\w:@|.-]+)\s*=\s*/.exec(tpl.slice(j, j + 200));
        if (m && /\s/.test(tpl[j - 1] ?? '')) {
          const name = m[1];
          let k = j + m[0].length;
          const visible = VISIBLE_ATTRS.has(name);
          if (tpl[k] === '"' || tpl[k] === "'") {
            const q = tpl[k];
            const end = tpl.indexOf(q, k + 1);
            // A quoted value: its literal parts, with {…} parts scanned as expressions.
            let lit = '';
            let p = k + 1;
            while (p < end) {
              if (tpl[p] === '{') {
                const e = exprEnd(p);
                scanExpr(p, e, visible);
                lit += ' ';
                p = e + 1;
              } else lit += tpl[p++];
            }
            if (visible && lit.trim() && !allowed(lit)) {
              const whole = !tpl.slice(k + 1, end).includes('{');
              out.push({ file, line: lineAt(src, k), text: lit.trim(), at: whole ? { start: k, end: end + 1, kind: 'attr' } : undefined });
            }
            j = end + 1;
            continue;
          }
          if (tpl[k] === '{') {
            const e = exprEnd(k);
            scanExpr(k, e, visible);
            j = e + 1;
            continue;
          }
          j = k;
          continue;
        }
        j++;
      }
      i = j + 1;
      textStart = i;
    } else {
      if (!text) textStart = i;
      text += c;
      i++;
    }
  }
  flushText();
  return out;
}

/** Scans a .ts module for sentence-like literals and shown calls. */
export function scanTs(file: string, src: string): Finding[] {
  const out: Finding[] = [];
  scanCode(file, src, src, 0, out);
  return out;
}

/** Whether the scan covers a file (a path from the frontend's root): every .svelte and the .ts that make UI words. */
export function covered(path: string): boolean {
  // The fake backend and the test-mode scenarios are for development and tests, never shown to users.
  if (/\/(fake|testmode|i18n)\//.test(path)) return false;
  // perf.ts writes measurements for benchmarks' logs, read by developers.
  if (path.endsWith('/lib/perf.ts')) return false;
  return path.endsWith('.svelte') || (path.endsWith('.ts') && !/\.(test|testutil|perf|d)\.ts$/.test(path));
}

/** Every finding in the given sources (path → text), in path order. */
export function scanSources(sources: Record<string, string>): Finding[] {
  const out: Finding[] = [];
  for (const path of Object.keys(sources).sort()) {
    if (!covered(path)) continue;
    const rel = path.replace(/^\//, '');
    out.push(...(path.endsWith('.svelte') ? scanSvelte(rel, sources[path]) : scanTs(rel, sources[path])));
  }
  return out;
}

/** The sources of frontend/src, read by Vite at build time of the test (no file system access needed). */
export function frontendSources(): Record<string, string> {
  return import.meta.glob(['/src/**/*.svelte', '/src/**/*.ts'], { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
}
