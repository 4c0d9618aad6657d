// @vitest-environment node
// The Content-Security-Policy of the index.html a release build makes (Vite's
// own build with the project's config, kept in memory): the dev server's
// websocket and localhost sources stay out of it, and only the dev server
// (`wails dev`) adds them.
import { describe, expect, it } from 'vitest';
import { build, createServer } from 'vite';
import sourceHtml from '../index.html?raw';

/** The policy's directives, by name. */
function directives(page: string): Map<string, string[]> {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(page);
  expect(m, 'the page has no Content-Security-Policy').not.toBeNull();
  const out = new Map<string, string[]>();
  for (const d of m![1].split(';')) {
    const [name, ...sources] = d.trim().split(/\s+/);
    if (name) out.set(name, sources);
  }
  return out;
}

/** The index.html of a release build. */
async function builtIndexHtml(): Promise<string> {
  const result = await build({ logLevel: 'silent', build: { write: false } });
  const outputs = Array.isArray(result) ? result : [result];
  for (const out of outputs) {
    if (!('output' in out)) continue;
    const page = out.output.find((f) => f.fileName === 'index.html');
    if (page && page.type === 'asset') return String(page.source);
  }
  throw new Error('the build made no index.html');
}

describe('the release build’s Content-Security-Policy', () => {
  it('connects to nothing but the app itself, and stays strict', async () => {
    const csp = directives(await builtIndexHtml());
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    for (const sources of csp.values()) {
      expect(sources.filter((s) => /^(?:ws|wss|http|https):|localhost|\*/.test(s))).toEqual([]);
    }
  }, 120_000);
});

describe('the dev server’s Content-Security-Policy', () => {
  it('adds the websocket and localhost sources wails dev needs', async () => {
    const server = await createServer({ logLevel: 'silent', server: { middlewareMode: true, hmr: false } });
    try {
      const page = await server.transformIndexHtml('/', sourceHtml);
      expect(directives(page).get('connect-src')).toEqual(["'self'", 'ws:', 'http://localhost:*']);
    } finally {
      await server.close();
    }
  });
});
