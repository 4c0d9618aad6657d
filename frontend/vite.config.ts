import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Fonts are embedded in the Go binary, so every byte counts. WebKitGTK reads
// woff2, so the woff and ttf fallbacks that KaTeX and Fontsource list after
// it are dead weight (about 1.25 MB for KaTeX's alone).
const WOFF2 = /\.woff2(?:[?#].*)?$/i;
const FALLBACK_FONT = /\.(?:woff|ttf|otf|eot)(?:[?#].*)?$/i;

/** Splits a CSS value on the commas that are not inside parentheses or quotes. */
function splitList(value: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return parts;
}

/** The URL of one src entry, or '' for local() and the like. */
function entryURL(entry: string): string {
  const m = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^)]*?))\s*\)/i.exec(entry);
  return m ? (m[1] ?? m[2] ?? m[3] ?? '') : '';
}

/**
 * Keeps only the woff2 files (and local() entries) in the src of every
 * @font-face, before Vite turns the url()s into bundled assets. A font
 * that has no woff2 is left as it is; the bundle check below names it.
 */
function woff2Only(css: string): string {
  return css.replace(/@font-face\s*\{[^}]*\}/gi, (rule) =>
    rule.replace(/(\bsrc\s*:)([^;}]*)/i, (decl, prop: string, value: string) => {
      const entries = splitList(value);
      const kept = entries.filter((e) => {
        const url = entryURL(e);
        return url === '' || WOFF2.test(url) || /format\(\s*["']?woff2["']?\s*\)/i.test(e);
      });
      if (!kept.some((e) => entryURL(e) !== '')) return decl;
      return prop + kept.map((e) => e.trim()).join(',');
    }),
  );
}

function fontsWoff2Only(): Plugin {
  return {
    name: 'brook:fonts-woff2-only',
    // Before vite:css, which makes the url()s into assets.
    enforce: 'pre',
    transform(code, id) {
      if (!/\.css(?:$|\?)/.test(id) || !/@font-face/i.test(code)) return null;
      return { code: woff2Only(code), map: null };
    },
    generateBundle(_, bundle) {
      const fallbacks = Object.keys(bundle).filter((name) => FALLBACK_FONT.test(name));
      if (fallbacks.length) {
        this.error(`fonts other than woff2 in the bundle (give them a woff2 or drop them): ${fallbacks.join(', ')}`);
      }
    },
  };
}

// Scripts and styles are stored gzipped in the binary (a third of their size);
// backend/webassets gives them to the window as they were. index.html stays
// as it is: it is small, and the Makefile watches it.
const GZIPPED = /\.(?:js|css|svg|json)$/;

function gzipAssets(): Plugin {
  return {
    name: 'brook:gzip-assets',
    apply: 'build',
    writeBundle(options, bundle) {
      const dir = options.dir ?? 'dist';
      for (const name of Object.keys(bundle)) {
        if (!GZIPPED.test(name)) continue;
        const path = join(dir, name);
        const data = readFileSync(path);
        if (data.length < 1024) continue;
        writeFileSync(path + '.gz', gzipSync(data, { level: 9 }));
        unlinkSync(path);
      }
    },
  };
}

// index.html holds the release build's Content-Security-Policy. The dev
// server (`wails dev` runs it) also needs websockets (Vite's hot reload, Wails'
// dev IPC) and http://localhost: only it gets them, never the release build.
const DEV_CONNECT_SOURCES = 'ws: http://localhost:*';

function devOnlyConnectSources(): Plugin {
  return {
    name: 'brook:dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace(/(connect-src 'self')/, `$1 ${DEV_CONNECT_SOURCES}`);
    },
  };
}

export default defineConfig({
  plugins: [fontsWoff2Only(), svelte(), gzipAssets(), devOnlyConnectSources()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Everything is bundled: Brook works fully offline.
    assetsInlineLimit: 0,
    // JavaScriptCore keeps a script whose text has any character above U+00FF
    // as UTF-16, twice the memory; escaped, every chunk stays Latin-1.
    rolldownOptions: { output: { charset: 'ascii' } },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
  },
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
});
