// Which languages Brook ships, and which one a BCP 47 tag or the desktop's
// list of languages (navigator.languages) asks for.

/** The shipped catalogues, by tag, with each language's own name for itself. */
export const LANGUAGES: { tag: string; name: string }[] = [
  { tag: 'en', name: 'English' },
  { tag: 'de', name: 'Deutsch' },
  { tag: 'fr', name: 'Français' },
  { tag: 'es', name: 'Español' },
  { tag: 'pt-BR', name: 'Português (Brasil)' },
  { tag: 'zh-CN', name: '简体中文' },
  { tag: 'ja', name: '日本語' },
  { tag: 'ru', name: 'Русский' },
];

/** The pseudo-locale: English accented and made longer, to find hard-coded text and cut layouts. */
export const PSEUDO = 'en-XA';
/** The same, laid out right to left (a layout check until an RTL language ships). */
export const PSEUDO_RTL = 'ar-XB';

/** Whether a tag is one of the pseudo-locales. */
export function isPseudo(tag: string): boolean {
  return tag === PSEUDO || tag === PSEUDO_RTL;
}

/** Languages written right to left (by primary subtag). */
const RTL = new Set(['ar', 'he', 'fa', 'ur', 'ps', 'yi']);

/** The writing direction of a tag. */
export function dirOf(tag: string): 'ltr' | 'rtl' {
  return RTL.has(tag.split('-')[0].toLowerCase()) ? 'rtl' : 'ltr';
}

/** The shipped tag that best serves one requested tag, or '' when none does. */
export function match(tag: string): string {
  if (!tag) return '';
  const t = tag.replace(/_/g, '-').toLowerCase();
  if (t === PSEUDO.toLowerCase()) return PSEUDO;
  if (t === PSEUDO_RTL.toLowerCase()) return PSEUDO_RTL;
  const exact = LANGUAGES.find((l) => l.tag.toLowerCase() === t);
  if (exact) return exact.tag;
  // Same language, other region or script ("de-AT" → "de", "pt-PT" → "pt-BR", "zh-TW" → "zh-CN").
  const lang = t.split('-')[0];
  return LANGUAGES.find((l) => l.tag.toLowerCase().split('-')[0] === lang)?.tag ?? '';
}

/**
 * The language Brook speaks: the one chosen in Settings when it is shipped,
 * else the first of the desktop's languages that is, else English.
 */
export function resolveLocale(chosen: string | undefined, desktop: readonly string[]): string {
  const c = match(chosen ?? '');
  if (c) return c;
  for (const d of desktop) {
    const m = match(d);
    if (m) return m;
  }
  return 'en';
}
