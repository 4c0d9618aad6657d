// Every shipped catalogue against English: the same keys, the same
// placeholders, valid ICU MessageFormat, and the plural categories each
// language's CLDR rules use. A key missing in one language fails here, and
// at run time shows English instead.
import { describe, expect, it } from 'vitest';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import en from './locales/en.json';
import { LANGUAGES, PSEUDO } from './locales';
import { i18n, setLocale, setMissingHandler, t, useCatalogueForTest, type Key } from './t.svelte';
import { pseudoAst } from './pseudo';

const catalogues = import.meta.glob<Record<string, string>>('./locales/*.json', { import: 'default', eager: true });
const english: Record<string, string> = en;
const others = LANGUAGES.filter((l) => l.tag !== 'en');

/** Argument names of a message (placeholders, plural and select variables), with their kind. */
function args(els: MessageFormatElement[], out = new Set<string>()): Set<string> {
  for (const el of els) {
    if (el.type === TYPE.argument || el.type === TYPE.number || el.type === TYPE.date || el.type === TYPE.time) out.add(el.value);
    else if (el.type === TYPE.plural || el.type === TYPE.select) {
      out.add(`${el.value}:${el.type === TYPE.plural ? 'plural' : 'select'}`);
      for (const o of Object.values(el.options)) args(o.value, out);
    } else if (el.type === TYPE.tag) args(el.children, out);
  }
  return out;
}

/** Every plural element of a message, with its option keys. */
function plurals(els: MessageFormatElement[], out: string[][] = []): string[][] {
  for (const el of els) {
    if (el.type === TYPE.plural) {
      out.push(Object.keys(el.options));
      for (const o of Object.values(el.options)) plurals(o.value, out);
    } else if (el.type === TYPE.select) for (const o of Object.values(el.options)) plurals(o.value, out);
  }
  return out;
}

const sorted = (s: Set<string>) => [...s].sort();

describe('the catalogues', () => {
  it('ship every language the picker offers, and nothing else', () => {
    expect(Object.keys(catalogues).map((p) => p.replace(/^.*\/(.*)\.json$/, '$1')).sort()).toEqual(LANGUAGES.map((l) => l.tag).sort());
  });

  it('English is valid ICU with plurals that have "other"', () => {
    for (const [k, v] of Object.entries(english)) {
      const ast = parse(v, { ignoreTag: true });
      for (const p of plurals(ast)) expect(p, k).toContain('other');
    }
  });

  for (const { tag } of others) {
    describe(tag, () => {
      const cat = catalogues[`./locales/${tag}.json`];
      it('has every key of English and no other', () => {
        const missing = Object.keys(english).filter((k) => !(k in cat));
        const extra = Object.keys(cat).filter((k) => !(k in english));
        expect({ missing, extra }).toEqual({ missing: [], extra: [] });
      });
      it('keeps every placeholder of English, and is valid ICU', () => {
        const wrong: string[] = [];
        for (const [k, v] of Object.entries(english)) {
          if (!(k in cat)) continue;
          let ast: MessageFormatElement[];
          try {
            ast = parse(cat[k], { ignoreTag: true });
          } catch (e) {
            wrong.push(`${k}: not valid ICU (${e})`);
            continue;
          }
          const want = sorted(args(parse(v, { ignoreTag: true })));
          const got = sorted(args(ast));
          if (JSON.stringify(want) !== JSON.stringify(got)) wrong.push(`${k}: ${got.join(',')} instead of ${want.join(',')}`);
        }
        expect(wrong).toEqual([]);
      });
      it("uses the language's CLDR plural categories: every one a count can take, and no other", () => {
        // Required: the categories whole counts up to 100,000 fall into, and "other".
        // Allowed besides: the language's remaining categories ("many" of fr/es/pt
        // is for exact millions, where ICU falls back to "other").
        const rules = new Intl.PluralRules(tag);
        const all = rules.resolvedOptions().pluralCategories as string[];
        const cats = [...new Set(['other', ...Array.from({ length: 100_001 }, (_, n) => rules.select(n))])];
        const wrong: string[] = [];
        for (const k of Object.keys(cat)) {
          for (const p of plurals(parse(cat[k], { ignoreTag: true }))) {
            const named = p.filter((o) => !o.startsWith('='));
            const missing = cats.filter((c) => !named.includes(c));
            const extra = named.filter((c) => !all.includes(c));
            if (missing.length || extra.length) wrong.push(`${k}: missing ${missing.join(',') || '-'}, not in ${tag}: ${extra.join(',') || '-'}`);
          }
        }
        expect(wrong).toEqual([]);
      });
    });
  }
});

describe('plural forms at run time', () => {
  const cases: [string, number, string][] = [
    ['en', 1, '1 minute ago'],
    ['en', 5, '5 minutes ago'],
    ['ru', 1, '1 минуту назад'],
    ['ru', 3, '3 минуты назад'],
    ['ru', 5, '5 минут назад'],
    ['ru', 21, '21 минуту назад'],
    ['ja', 1, '1 分前'],
    ['ja', 7, '7 分前'],
    ['zh-CN', 2, '2 分钟前'],
    ['de', 1, 'vor 1 Minute'],
    ['de', 2, 'vor 2 Minuten'],
    ['fr', 0, 'il y a 0 minute'],
    ['fr', 2, 'il y a 2 minutes'],
  ];
  for (const [tag, n, want] of cases) {
    it(`${tag}: ${n}`, async () => {
      await setLocale(tag);
      expect(t('dates.minutesAgo', { n })).toBe(want);
    });
  }
  it('numbers follow the language', async () => {
    await setLocale('de');
    expect(t('importText.importAll', { n: 2400 })).toBe('Alle 2.400 importieren');
    await setLocale('en');
    expect(t('importText.importAll', { n: 2400 })).toBe('Import all 2,400');
  });
});

describe('a missing key', () => {
  it('shows English and is reported once', async () => {
    const seen: string[] = [];
    setMissingHandler((locale, key) => seen.push(`${locale}:${key}`));
    const { 'common.cancel': _gone, ...rest } = catalogues['./locales/de.json'];
    await useCatalogueForTest('de', rest);
    expect(t('common.cancel')).toBe('Cancel');
    expect(t('common.cancel')).toBe('Cancel');
    expect(t('common.save')).toBe(catalogues['./locales/de.json']['common.save']);
    expect(seen).toEqual(['de:common.cancel']);
    await setLocale('en');
  });
});

describe('switching', () => {
  it('sets <html lang> and dir, and t() follows', async () => {
    await setLocale('ja');
    expect(document.documentElement.lang).toBe('ja');
    expect(document.documentElement.dir).toBe('ltr');
    expect(i18n.locale).toBe('ja');
    expect(t('common.cancel')).toBe(catalogues['./locales/ja.json']['common.cancel']);
    await setLocale('en');
    expect(t('common.cancel')).toBe('Cancel');
  });
});

describe('the pseudo-locale', () => {
  it('accents every message, keeps its placeholders, and makes it about 40 % longer', async () => {
    await setLocale(PSEUDO);
    for (const k of Object.keys(english) as Key[]) {
      expect(sorted(args(pseudoAst(english[k]))), k).toEqual(sorted(args(parse(english[k], { ignoreTag: true }))));
    }
    const s = t('contextMeter.evenLargest', { max: '32,768' });
    expect(s).toContain('32,768');
    expect(s).not.toMatch(/[a-z]{3}/); // no plain English word left
    const plain = english['contextMeter.evenLargest'].length;
    expect(s.length).toBeGreaterThanOrEqual(plain * 1.3);
    expect(t('dates.minutesAgo', { n: 3 })).toMatch(/^⟦3 ɱîñûţéš áĝö ·*⟧$/);
    await setLocale('en');
  });
});
