// The UI's words. English is built in and is the fallback for any key a
// catalogue lacks; the other catalogues are loaded once, when chosen (Vite
// splits each into its own chunk), and the pseudo-locale is made from English.
//
// t() reads the current language, so every template that calls it follows a
// switch of language without a restart. A message is parsed once per language
// and a message without placeholders is formatted once: t() on a hot path costs
// a Map lookup. (Nothing on the streaming path calls it per token.)
import { IntlMessageFormat } from 'intl-messageformat';
import en from './locales/en.json';
import { PSEUDO, dirOf, resolveLocale } from './locales';
import { pseudoAst } from './pseudo';

export type Catalogue = Record<string, string>;
/** A key of the English catalogue: a typo is a type error. */
export type Key = keyof typeof en;
export type Values = Record<string, string | number | Date | null | undefined>;

const ENGLISH: Catalogue = en;

/** The other catalogues, each loaded on first use. */
const loaders = import.meta.glob<Catalogue>(['./locales/*.json', '!./locales/en.json'], { import: 'default' });

/** The language shown now; reading it in a template subscribes to switches. */
export const i18n = $state({ locale: 'en', dir: 'ltr' as 'ltr' | 'rtl' });

let messages: Catalogue = ENGLISH;
const compiled = new Map<string, IntlMessageFormat>();
const plain = new Map<string, string>();
let numberFmt = new Intl.NumberFormat('en');

/** Called once per key that a catalogue lacks: English is shown instead. */
let onMissing: (locale: string, key: string) => void = (locale, key) => console.warn(`brook: i18n: "${key}" missing in ${locale}`);
const reported = new Set<string>();

/** Replaces what happens when a key is missing (tests count them). */
export function setMissingHandler(fn: (locale: string, key: string) => void): void {
  onMissing = fn;
}

/** The Intl locale for formatting: the pseudo-locale formats as English. */
export function intlLocale(): string {
  return i18n.locale === PSEUDO ? 'en' : i18n.locale;
}

function compile(key: string): IntlMessageFormat {
  let f = compiled.get(key);
  if (f) return f;
  const loc = intlLocale();
  let src = messages[key];
  if (src === undefined && i18n.locale !== PSEUDO && i18n.locale !== 'en') {
    if (!reported.has(i18n.locale + ':' + key)) {
      reported.add(i18n.locale + ':' + key);
      onMissing(i18n.locale, key);
    }
  }
  if (i18n.locale === PSEUDO && ENGLISH[key] !== undefined) {
    f = new IntlMessageFormat(pseudoAst(ENGLISH[key]), 'en', undefined, { ignoreTag: true });
  } else if (src !== undefined) {
    f = new IntlMessageFormat(src, loc, undefined, { ignoreTag: true });
  } else {
    src = ENGLISH[key] ?? key;
    f = new IntlMessageFormat(src, 'en', undefined, { ignoreTag: true });
  }
  compiled.set(key, f);
  return f;
}

/** The message for key in the current language, its placeholders filled in from values. */
export function t(key: Key, values?: Values): string {
  // Reading the locale makes the caller follow a switch.
  void i18n.locale;
  if (!values) {
    let s = plain.get(key);
    if (s === undefined) {
      s = String(compile(key).format());
      plain.set(key, s);
    }
    return s;
  }
  return String(compile(key).format(values as Record<string, string | number | Date>));
}

/** A number in the current language's way ("1,234", "1 234", "1.234"). */
export function fmtNumber(n: number): string {
  void i18n.locale;
  return numberFmt.format(n);
}

/** Switches to a shipped language (or the pseudo-locale), loading its catalogue once. */
export async function setLocale(tag: string): Promise<void> {
  let next: Catalogue = ENGLISH;
  if (tag !== 'en' && tag !== PSEUDO) {
    const load = loaders[`./locales/${tag}.json`];
    if (!load) tag = 'en';
    else next = await load();
  }
  messages = next;
  compiled.clear();
  plain.clear();
  numberFmt = new Intl.NumberFormat(tag === PSEUDO ? 'en' : tag);
  i18n.locale = tag;
  i18n.dir = dirOf(tag);
  if (typeof document !== 'undefined') {
    document.documentElement.lang = tag;
    document.documentElement.dir = i18n.dir;
  }
}

/** Applies the language chosen in Settings ('' = follow the desktop's languages). */
export function applyLanguage(chosen: string | undefined): Promise<void> {
  const desktop = typeof navigator === 'undefined' ? [] : navigator.languages ?? [navigator.language];
  const tag = resolveLocale(chosen, desktop);
  if (tag === i18n.locale && messages !== ENGLISH) return Promise.resolve();
  return setLocale(tag);
}

/** English's catalogue, for tests and the pseudo-locale. */
export const english: Catalogue = ENGLISH;
