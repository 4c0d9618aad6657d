// Code escaping and highlighting. highlight.js itself is in hljs.ts, loaded
// on first use (lazy.svelte.ts).
import { hljsModule } from './lazy.svelte';

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Keeps a fence's language name to a harmless identifier. */
export function cleanLang(info: string): string {
  const first = info.trim().split(/\s+/)[0] ?? '';
  return first.replace(/[^\w+#.-]/g, '').slice(0, 32).toLowerCase();
}

/**
 * Highlighted HTML (escaped) for code; plain escaped text for unknown
 * languages. Undefined while highlight.js is not loaded (this starts loading it).
 */
export function highlight(code: string, lang: string): string | undefined {
  if (!lang) return escapeHtml(code);
  const mod = hljsModule.get();
  if (!mod) return undefined;
  return mod.highlightCode(code, lang) ?? escapeHtml(code);
}
