// Strict DOMPurify pass over everything the markdown renderer produces.
// Model output is untrusted: markdown-it already runs with html:false, this is
// the second wall. Uses its own DOMPurify instance so the hooks below never
// affect other DOMPurify users in the app.
import createDOMPurify from 'dompurify';

const HTML_TAGS = [
  'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 'b', 'i', 's', 'del', 'sup', 'sub',
  'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'a', 'span',
  'div', 'button',
];
// What KaTeX emits: MathML for accessibility/copy, spans + a few SVGs for the visual.
const MATHML_TAGS = [
  'math', 'semantics', 'annotation', 'mrow', 'mi', 'mn', 'mo', 'ms', 'mtext', 'mspace', 'msup', 'msub',
  'msubsup', 'mfrac', 'msqrt', 'mroot', 'mover', 'munder', 'munderover', 'mtable', 'mtr', 'mtd', 'mlabeledtr',
  'mstyle', 'mpadded', 'mphantom', 'menclose', 'merror',
];
const SVG_TAGS = ['svg', 'path', 'line'];

const ATTRS = [
  'href', 'title', 'class', 'style', 'aria-hidden', 'aria-label', 'type', 'data-copy', 'start',
  // MathML
  'xmlns', 'display', 'encoding', 'mathvariant', 'stretchy', 'fence', 'separator', 'lspace', 'rspace',
  'accent', 'accentunder', 'columnalign', 'columnspacing', 'rowspacing', 'columnlines', 'rowlines', 'width',
  'height', 'depth', 'voffset', 'minsize', 'maxsize', 'movablelimits', 'mathsize', 'linethickness',
  'scriptlevel', 'displaystyle', 'notation', 'symmetric', 'largeop', 'form', 'mathcolor', 'mathbackground',
  'side', 'frame', 'framespacing', 'align', 'rowalign', 'columnwidth', 'equalrows', 'equalcolumns',
  // SVG (KaTeX's stretchy delimiters, \sqrt, \cancel, ...)
  'viewbox', 'viewBox', 'preserveaspectratio', 'preserveAspectRatio', 'd', 'x1', 'x2', 'y1', 'y2',
  'stroke-width',
];

/** URL schemes a link may use; everything else (javascript:, data:, vbscript:, file:, relative) is dropped. */
export const SAFE_URL = /^(?:(?:https?|mailto):|#)/i;

// CSS properties KaTeX (domTree CssStyle) and markdown-it tables (text-align) set.
const STYLE_PROPS = new Set([
  'background-color', 'border-bottom-width', 'border-color', 'border-right-style', 'border-right-width',
  'border-top-width', 'border-style', 'border-width', 'bottom', 'color', 'height', 'left', 'margin',
  'margin-left', 'margin-right', 'margin-top', 'min-width', 'padding-left', 'position', 'text-shadow', 'top',
  'width', 'vertical-align', 'text-align',
]);
const STYLE_VALUE = /^[\w\s.,#%+-]*$/; // numbers, units, keywords, #hex colours; no url(), no escapes

/** A style attribute keeps only allow-listed properties with plain values; null drops it. */
export function cleanStyle(style: string): string | null {
  const out: string[] = [];
  for (const decl of style.split(';')) {
    if (!decl.trim()) continue;
    const colon = decl.indexOf(':');
    if (colon < 0) return null;
    const prop = decl.slice(0, colon).trim().toLowerCase();
    const value = decl.slice(colon + 1).trim();
    if (!STYLE_PROPS.has(prop) || !STYLE_VALUE.test(value)) return null;
    if (prop === 'position' && value !== 'relative' && value !== 'absolute') return null;
    out.push(`${prop}:${value}`);
  }
  return out.length ? out.join(';') : null;
}

type Purifier = ReturnType<typeof createDOMPurify>;
let purifier: Purifier | null = null;

function getPurifier(): Purifier {
  if (purifier) return purifier;
  const p = createDOMPurify(window);
  p.addHook('uponSanitizeAttribute', (_node, data) => {
    if (data.attrName === 'style') {
      const cleaned = cleanStyle(data.attrValue);
      if (cleaned === null) data.keepAttr = false;
      else data.attrValue = cleaned;
    }
  });
  p.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName === 'A') {
      const href = node.getAttribute('href');
      if (href !== null && !SAFE_URL.test(href.trim())) node.removeAttribute('href');
      node.removeAttribute('target');
      node.setAttribute('rel', 'noopener noreferrer');
    }
  });
  purifier = p;
  return p;
}

const CONFIG = {
  ALLOWED_TAGS: [...HTML_TAGS, ...MATHML_TAGS, ...SVG_TAGS],
  ALLOWED_ATTR: ATTRS,
  // DOMPurify tests every non-"URI-safe" attribute value with this, so it must
  // let plain values ("button", "1em", "0 0 10 10") through; the only schemes
  // it lets through are http(s) and mailto. href is then held to SAFE_URL.
  ALLOWED_URI_REGEXP: /^(?:(?:https?|mailto):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  FORBID_TAGS: ['script', 'style', 'iframe', 'object', 'embed', 'form', 'input', 'img', 'meta', 'base', 'link'],
  FORBID_ATTR: ['srcset', 'src', 'action', 'formaction', 'xlink:href', 'target', 'ping'],
  KEEP_CONTENT: true,
  RETURN_TRUSTED_TYPE: false,
} as const;

/** Sanitized HTML string. */
export function sanitize(html: string): string {
  return getPurifier().sanitize(html, CONFIG as never) as unknown as string;
}
