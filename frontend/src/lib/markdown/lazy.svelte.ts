// highlight.js and KaTeX are loaded on first use, not at startup: kept out of
// the main chunk they save the web process ~7 MiB at idle. Until one has
// loaded, what it would render is shown as in a light render (plain code, TeX
// source) and the env is marked `pending`; when it arrives, the version below
// changes and StreamingMarkdown renders those blocks again.
//
// The renderer itself (markdown-it, DOMPurify and Markdown.svelte) loads when
// the window first shows an answer, or opens or sends in a conversation: a
// window at rest with no conversation open keeps about 2 MiB less. Opening
// a conversation waits for it, so its answers never flash unrendered.
import type * as Hljs from './hljs';
import type * as Katex from './katexLoad';
import type * as Renderer from './Markdown.svelte';

const state = $state({ version: 0 });

/**
 * Changes once per module that finishes loading. Read inside a $derived or
 * $effect (StreamingMarkdown.update does) it re-runs that when one arrives.
 */
export function lazyVersion(): number {
  return state.version;
}

class LazyModule<T> {
  private value: T | undefined;
  private promise: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    private readonly load: () => Promise<T>,
  ) {}

  /** The module if it has loaded; otherwise undefined, and loading it starts (once). */
  get(): T | undefined {
    if (this.value === undefined) void this.start();
    return this.value;
  }

  /** Starts loading (once); settles when loaded or failed. Never rejects. */
  start(): Promise<void> {
    return (this.promise ??= this.load().then(
      (m) => {
        this.value = m;
        state.version++;
      },
      // A missing chunk won't appear later: no retry, the fallback stays.
      (e) => console.warn(`brook: could not load ${this.name}; showing it unrendered`, e),
    ));
  }

  /** The load started so far, if any. */
  get started(): Promise<void> | undefined {
    return this.promise;
  }
}

export const hljsModule = new LazyModule<typeof Hljs>('highlight.js', () => import('./hljs'));
export const katexModule = new LazyModule<typeof Katex>('KaTeX', () => import('./katexLoad'));
export const rendererModule = new LazyModule<typeof Renderer>('markdown-it', () => import('./Markdown.svelte'));

const modules = [hljsModule, katexModule, rendererModule];

/** Resolves once every load started so far has settled (loaded or failed). */
export async function lazyReady(): Promise<void> {
  await Promise.all(modules.map((m) => m.started));
}

/** Loads every module now (tests, and whoever wants them before first use). */
export async function loadAll(): Promise<void> {
  await Promise.all(modules.map((m) => m.start()));
}
