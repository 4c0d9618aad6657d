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
import { dirOf, isPseudo, resolveLocale } from './locales';
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
let numberFmt = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });

/** Called once per key that a catalogue lacks: English is shown instead. */
let onMissing: (locale: string, key: string) => void = (locale, key) => console.warn(`brook: i18n: "${key}" missing in ${locale}`);
const reported = new Set<string>();

/** Replaces what happens when a key is missing (tests count them). */
export function setMissingHandler(fn: (locale: string, key: string) => void): void {
  onMissing = fn;
}

/** The Intl locale for formatting: the pseudo-locale formats as English. */
export function intlLocale(): string {
  return isPseudo(i18n.locale) ? 'en' : i18n.locale;
}

function compile(key: string): IntlMessageFormat {
  let f = compiled.get(key);
  if (f) return f;
  const loc = intlLocale();
  let src = messages[key];
  if (src === undefined && !isPseudo(i18n.locale) && i18n.locale !== 'en') {
    if (!reported.has(i18n.locale + ':' + key)) {
      reported.add(i18n.locale + ':' + key);
      onMissing(i18n.locale, key);
    }
  }
  if (isPseudo(i18n.locale) && ENGLISH[key] !== undefined) {
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

/** A number in the current language's way ("1,234", "1 234", "1.234"), rounded to at most maxFraction decimals. */
export function fmtNumber(n: number, maxFraction = 0): string {
  void i18n.locale;
  if (maxFraction === 0) return numberFmt.format(n);
  return cachedFormat(`n${maxFraction}`, () => new Intl.NumberFormat(intlLocale(), { maximumFractionDigits: maxFraction })).format(n);
}

/** A number with exactly `digits` decimals ("20.0 tok/s", "20,0"). */
export function fmtFixed(n: number, digits: number): string {
  void i18n.locale;
  return cachedFormat(`f${digits}`, () => new Intl.NumberFormat(intlLocale(), { minimumFractionDigits: digits, maximumFractionDigits: digits })).format(n);
}

const formats = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cachedFormat<F extends Intl.NumberFormat | Intl.DateTimeFormat>(id: string, make: () => F): F {
  let f = formats.get(id);
  if (!f) formats.set(id, (f = make()));
  return f as F;
}

/** A day, short ("14 Apr 2025", "14. Apr. 2025", "2025年4月14日"). */
export function fmtDate(d: Date | number): string {
  void i18n.locale;
  return cachedFormat('date', () => new Intl.DateTimeFormat(intlLocale(), { year: 'numeric', month: 'short', day: 'numeric' })).format(d);
}

/** A day and a time of day, short. */
export function fmtDateTime(d: Date | number): string {
  void i18n.locale;
  return cachedFormat('datetime', () => new Intl.DateTimeFormat(intlLocale(), { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })).format(d);
}

/** A time of day, hours and minutes. */
export function fmtTime(d: Date | number): string {
  void i18n.locale;
  return cachedFormat('time', () => new Intl.DateTimeFormat(intlLocale(), { hour: '2-digit', minute: '2-digit' })).format(d);
}

/** Switches to a shipped language (or the pseudo-locale), loading its catalogue once. */
export async function setLocale(tag: string): Promise<void> {
  let next: Catalogue = ENGLISH;
  if (tag !== 'en' && !isPseudo(tag)) {
    const load = loaders[`./locales/${tag}.json`];
    if (!load) tag = 'en';
    else next = await load();
  }
  messages = next;
  compiled.clear();
  plain.clear();
  formats.clear();
  numberFmt = new Intl.NumberFormat(isPseudo(tag) ? 'en' : tag, { maximumFractionDigits: 0 });
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

/** One piece of a message split around its snippet placeholders. */
export type Part = { text: string; snippet?: undefined } | { snippet: string; text?: undefined };

/**
 * The message for key split where the named placeholders are, so a template can
 * put markup there (a link, <code>) and the sentence stays one message.
 */
export function parts(key: Key, values: Values, snippets: string[]): Part[] {
  const all: Values = { ...values };
  snippets.forEach((name, i) => (all[name] = `\u0001${i}\u0002`));
  const out: Part[] = [];
  for (const [i, piece] of t(key, all).split(/\u0001(\d+)\u0002/).entries()) {
    if (i % 2 === 1) out.push({ snippet: snippets[Number(piece)] });
    else if (piece) out.push({ text: piece });
  }
  return out;
}

const BYTE_UNITS = ['units.bytes', 'units.kb', 'units.mb', 'units.gb', 'units.tb'] as const;

/**
 * A size in the current language ("12.4 KB", "12,4 Ko"): base 1024 for files,
 * 1000 for what servers report in decimal units; decimals as fraction(n, unit index) says.
 */
export function fmtBytes(
  bytes: number,
  base = 1024,
  fraction: (n: number, unit: number) => number = (n, i) => (i > 0 && n < 10 ? 1 : 0),
  /** Always that many decimals ("2.0 MB"), not at most. */
  exact = false,
): string {
  let n = bytes;
  let i = 0;
  while (n >= base && i < BYTE_UNITS.length - 1) {
    n /= base;
    i++;
  }
  const digits = fraction(n, i);
  return t(BYTE_UNITS[i], { n: exact ? fmtFixed(n, digits) : fmtNumber(n, digits) });
}

/** Items as a list in the current language ("a, b, c"; "a、b、c"). */
export function fmtList(items: string[]): string {
  void i18n.locale;
  return new Intl.ListFormat(intlLocale(), { style: 'short', type: 'unit' }).format(items);
}

/** Replaces a language's catalogue (tests: a catalogue with a key missing). */
export async function useCatalogueForTest(tag: string, catalogue: Catalogue): Promise<void> {
  loaders[`./locales/${tag}.json`] = async () => catalogue;
  await setLocale(tag);
}

/**
 * A message with one placeholder as a function of its value, formatted once:
 * for labels that change every frame while an answer streams (tok/s), which
 * then cost a string concatenation, not a formatting. Call it again after a
 * switch of language (read it in a $derived).
 */
export function compose(key: Key, name: string): (value: string) => string {
  const [before, after] = t(key, { [name]: '\u0001' }).split('\u0001');
  return (value) => before + value + (after ?? '');
}
