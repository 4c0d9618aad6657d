// KaTeX and its stylesheet (with its woff2 fonts), loaded on first use: see lazy.svelte.ts.
import katex from 'katex';
import 'katex/dist/katex.min.css';

export const renderToString = katex.renderToString;
