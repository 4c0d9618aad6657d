// The pseudo-locale (en-XA), generated from English: every letter accented and
// each message about 40 % longer inside ⟦ ⟧, with placeholders and ICU syntax
// (plurals, selects, tags) kept as they are. Text that shows up un-accented is
// hard-coded; a layout that breaks under it will break in German or Russian.
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';

const ACCENTS: Record<string, string> = {
  a: 'á', b: 'ƀ', c: 'ç', d: 'ð', e: 'é', f: 'ƒ', g: 'ĝ', h: 'ĥ', i: 'î', j: 'ĵ', k: 'ķ', l: 'ļ', m: 'ɱ',
  n: 'ñ', o: 'ö', p: 'þ', q: 'ǫ', r: 'ŕ', s: 'š', t: 'ţ', u: 'û', v: 'ṽ', w: 'ŵ', x: 'ẋ', y: 'ý', z: 'ž',
  A: 'Å', B: 'Ɓ', C: 'Ç', D: 'Ð', E: 'É', F: 'Ƒ', G: 'Ĝ', H: 'Ĥ', I: 'Î', J: 'Ĵ', K: 'Ķ', L: 'Ļ', M: 'Ṁ',
  N: 'Ñ', O: 'Ö', P: 'Þ', Q: 'Ǫ', R: 'Ŕ', S: 'Š', T: 'Ţ', U: 'Û', V: 'Ṽ', W: 'Ŵ', X: 'Ẋ', Y: 'Ý', Z: 'Ž',
};

/** Letters accented, nothing else changed. */
export function accent(s: string): string {
  let out = '';
  for (const ch of s) out += ACCENTS[ch] ?? ch;
  return out;
}

/** How many characters of literal text a message has (its placeholders not counted). */
function literalLength(els: MessageFormatElement[]): number {
  let n = 0;
  for (const el of els) {
    if (el.type === TYPE.literal) n += el.value.length;
    else if (el.type === TYPE.plural || el.type === TYPE.select) {
      // The longest branch is what the user sees at worst.
      n += Math.max(0, ...Object.values(el.options).map((o) => literalLength(o.value)));
    } else if (el.type === TYPE.tag) n += literalLength(el.children);
  }
  return n;
}

/** The message's tree with every literal accented and each branch padded about 40 %. */
function transform(els: MessageFormatElement[]): MessageFormatElement[] {
  const out = els.map((el): MessageFormatElement => {
    if (el.type === TYPE.literal) return { ...el, value: accent(el.value) };
    if (el.type === TYPE.plural || el.type === TYPE.select) {
      const options = Object.fromEntries(Object.entries(el.options).map(([k, o]) => [k, { ...o, value: transform(o.value) }]));
      return { ...el, options } as MessageFormatElement;
    }
    if (el.type === TYPE.tag) return { ...el, children: transform(el.children) };
    return el;
  });
  return out;
}

/** Padding that makes a text of n characters about 40 % longer. */
function padding(n: number): string {
  const extra = Math.max(1, Math.ceil(n * 0.4) - 2);
  return ' ' + '·'.repeat(Math.max(0, extra - 1));
}

/** The pseudo message for an English ICU message, as a parsed tree. */
export function pseudoAst(english: string): MessageFormatElement[] {
  const ast = parse(english);
  const n = literalLength(ast);
  if (n === 0) return ast;
  return [{ type: TYPE.literal, value: '⟦' }, ...transform(ast), { type: TYPE.literal, value: padding(n) + '⟧' }];
}
