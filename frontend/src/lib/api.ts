import { t } from './i18n/t.svelte';
// The ONLY module that talks to the Go side. Everything else imports `api`
// (and the types) from here. Tests swap the implementation with `setApi`.
//
// The contract is the Wails-generated bindings in frontend/wailsjs (`make
// bindings`; `make test` fails when they are stale): `api.<Service>.<Method>`
// is the bound Go method of that name, with the generated types narrowed to
// the UI's (types.ts). Nothing here names a method: a method bound in Go is
// callable as soon as the bindings are generated, and the fake (fake/), typed
// by the same BrookApi, fails `npm run check` until it has it too. Only a
// new service is one line below (`bound`).
//
// Bound methods live at window.go.app.<Service>.<Method> (Wails v2) and return
// Promises; events come through window.runtime.EventsOn, which returns an
// unsubscribe function (EventsOff is never used: it drops every listener).
import type { localmodels, ollamaserver } from '../../wailsjs/go/models';
import { fromGo, ollamaStatusFromGo, pullFromGo } from './fromGo';
import { bound, type Bound, type BrookApi, type Services, type TestHooks } from './bound';
import type { AnswerSaved, QuitRequest, ToolEvent, ToolServerChanged } from './types';
import type { StreamEvent } from './stream/types';

export type * from './types';
export type { StreamPhase, FinalState, StreamEvent, WaitingFor } from './stream/types';
export { CAPABILITY_THINKING } from './types';
export type { BrookApi, Events, Services, TestHooks } from './bound';

/** Plain-words text of whatever a bound call rejected with (Wails rejects with strings). */
export function errorText(e: unknown): string {
  if (e == null) return t('api.unknownError');
  if (typeof e === 'string') return e;
  if (e instanceof Error) return e.message || String(e);
  if (typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  try {
    return JSON.stringify(e);
  } catch {
    return String(e);
  }
}

type AnyFn = (...args: unknown[]) => Promise<unknown>;
type GoWindow = { go?: Record<string, Record<string, Record<string, AnyFn>>> };

function boundMethod(service: string, method: string): AnyFn | undefined {
  const fn = (window as unknown as GoWindow).go?.app?.[service]?.[method];
  return typeof fn === 'function' ? fn : undefined;
}

function notConnected(service: string, method: string): Error {
  return new Error(`Brook's backend is not connected (${service}.${method} is missing). Restart Brook.`);
}

/**
 * A generated service whose calls reject in plain words, rather than throw a
 * TypeError, when the method is not bound, and whose results are made whole
 * (fromGo) where Go's nil slices arrive as null.
 */
function connect<S extends keyof Bound>(service: S): Services[S] {
  const fixes = (fromGo[service] ?? {}) as Record<string, (r: unknown) => unknown>;
  const out: Record<string, AnyFn> = {};
  for (const [method, call] of Object.entries(bound[service]) as [string, AnyFn][]) {
    const fix = fixes[method];
    out[method] = async (...args) => {
      if (!boundMethod(service, method)) throw notConnected(service, method);
      const r = await call(...args);
      return fix ? fix(r) : r;
    };
  }
  return out as Services[S];
}

function testHook(method: keyof TestHooks): AnyFn {
  return async (...args) => {
    const fn = boundMethod('TestService', method);
    if (!fn) throw notConnected('TestService', method);
    return fn(...args);
  };
}

type Runtime = {
  EventsOn?: (n: string, f: (...d: unknown[]) => void) => () => void;
  OnFileDrop?: (f: (x: number, y: number, paths: string[]) => void, useDropTarget: boolean) => void;
  OnFileDropOff?: () => void;
};

/**
 * Wails' native file drop: the paths of what was dropped anywhere on the
 * window, and where (the page decides whether that place imports). The
 * webview's own drop still reaches the page, so the composer keeps its drop.
 */
function onFileDrop(cb: (paths: string[], x: number, y: number) => void): () => void {
  const rt = (window as unknown as { runtime?: Runtime }).runtime;
  if (!rt?.OnFileDrop) return () => {};
  rt.OnFileDrop((x, y, paths) => cb(Array.isArray(paths) ? paths : [], x, y), false);
  return () => rt.OnFileDropOff?.();
}

/**
 * Subscribe to a Wails event. If the runtime is not injected yet, keep trying
 * for a few seconds rather than silently missing every stream event.
 */
function on(name: string, cb: (payload: unknown) => void): () => void {
  let off: (() => void) | null = null;
  let cancelled = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const t0 = Date.now();
  const attempt = () => {
    if (cancelled) return;
    const rt = (window as unknown as { runtime?: Runtime }).runtime;
    if (rt?.EventsOn) {
      const u = rt.EventsOn(name, (payload: unknown) => cb(payload));
      off = typeof u === 'function' ? u : () => {};
      return;
    }
    if (Date.now() - t0 < 10_000) timer = setTimeout(attempt, 25);
    else console.error(`brook: Wails runtime missing; not subscribed to ${name}`);
  };
  attempt();
  return () => {
    cancelled = true;
    if (timer) clearTimeout(timer);
    off?.();
  };
}

export function createWailsApi(): BrookApi {
  const services = Object.fromEntries(Object.keys(bound).map((s) => [s, connect(s as keyof Bound)])) as Services;
  return {
    ...services,
    TestService: { Scenario: testHook('Scenario'), Report: testHook('Report'), Mark: testHook('Mark') } as TestHooks,
    events: {
      onStream: (cb) => on('brook:stream', (p) => cb(p as StreamEvent)),
      onConversationsChanged: (cb) => on('brook:conversations', () => cb()),
      onPull: (cb) => on('brook:pull', (p) => cb(pullFromGo(p as localmodels.PullProgress))),
      onModelsChanged: (cb) => on('brook:models-changed', () => cb()),
      onAnswerSaved: (cb) => on('brook:answer-saved', (p) => cb(p as AnswerSaved)),
      onQuitRequested: (cb) => on('brook:quit-requested', (p) => cb(p as QuitRequest)),
      onOllamaServer: (cb) => on('brook:ollama-server', (p) => cb(ollamaStatusFromGo(p as ollamaserver.Status))),
      onTool: (cb) => on('brook:tool', (p) => cb(p as ToolEvent)),
      onToolServer: (cb) => on('brook:tool-server', (p) => cb(p as ToolServerChanged)),
      onFileDrop,
    },
  };
}

let impl: BrookApi = createWailsApi();

/** Swap the implementation (tests, in-browser preview). Call before the app starts. */
export function setApi(a: BrookApi): void {
  impl = a;
}

/** The current implementation; property access is forwarded so `setApi` takes effect everywhere. */
export const api: BrookApi = new Proxy({} as BrookApi, {
  get: (_t, key) => (impl as unknown as Record<string | symbol, unknown>)[key],
});

export function hasBackend(): boolean {
  return typeof (window as unknown as { go?: unknown }).go === 'object';
}
