// The local Ollama that Brook finds, starts and looks after (Go's
// backend/ollamaserver, bound as OllamaServerService). Kept apart from
// api.ts: tests swap it with `setOllamaServerApi`, and fakeOllamaServer.ts
// is its fake.
import type { ollamaserver } from '../../wailsjs/go/models';
import * as OllamaServerService from '../../wailsjs/go/app/OllamaServerService';
import { hasBackend, on } from './api';

/** Where the local Ollama stands (Go's ollamaserver.State). */
export type OllamaState = '' | 'starting' | 'running' | 'failed' | 'not_installed' | 'off' | 'stopped' | 'remote' | 'no_endpoint';
/** What went wrong in 'failed' (Go's ollamaserver.Failure). */
export type OllamaFailure = '' | 'port_taken' | 'not_answering' | 'wont_run' | 'exited' | 'no_answer' | 'crashed';
/** The local Ollama's status; message, logTail and the hints are Go's words, shown as text. */
export type OllamaStatus = Omit<ollamaserver.Status, 'state' | 'failure'> & { state: OllamaState; failure: OllamaFailure };
/** This machine's memory; known is false for an endpoint elsewhere or where Brook cannot read it. */
export type MachineMemory = ollamaserver.Memory;
/** Whether a model fits in memory before it loads; message warns when it does not. */
export type MemoryFit = ollamaserver.Fit;

export interface OllamaServerApi {
  status(): Promise<OllamaStatus>;
  /** Check again, and start Ollama if it does not answer. */
  retry(): Promise<OllamaStatus>;
  /** Restart the Ollama Brook started; rejects for one it did not start. */
  restart(): Promise<OllamaStatus>;
  memory(endpointId: string): Promise<MachineMemory>;
  fit(endpointId: string, model: string): Promise<MemoryFit>;
  /** brook:ollama-server: each change of status. */
  onStatus(cb: (s: OllamaStatus) => void): () => void;
}

/** A status as Go sends it (nil slices as null, failure absent), filled in. */
export function statusFromGo(s: ollamaserver.Status): OllamaStatus {
  return { ...s, state: s.state as OllamaState, failure: (s.failure ?? '') as OllamaFailure, logTail: s.logTail ?? [] };
}

/** Every call is async, so a call without Go (the method not bound) rejects rather than throws. */
export function createWailsOllamaServerApi(): OllamaServerApi {
  return {
    status: async () => statusFromGo(await OllamaServerService.Status()),
    retry: async () => statusFromGo(await OllamaServerService.Retry()),
    restart: async () => statusFromGo(await OllamaServerService.Restart()),
    memory: async (id) => OllamaServerService.Memory(id),
    fit: async (id, model) => OllamaServerService.Fit(id, model),
    // Without Go (a test that did not swap this in) there is nothing to hear.
    onStatus: (cb) => (hasBackend() ? on('brook:ollama-server', (p) => cb(statusFromGo(p as ollamaserver.Status))) : () => {}),
  };
}

let impl: OllamaServerApi = createWailsOllamaServerApi();

/** Swap the implementation (tests, in-browser preview). */
export function setOllamaServerApi(a: OllamaServerApi): void {
  impl = a;
}

/** The current implementation; property access is forwarded so `setOllamaServerApi` takes effect everywhere. */
export const ollamaServerApi: OllamaServerApi = new Proxy({} as OllamaServerApi, {
  get: (_t, key) => (impl as unknown as Record<string | symbol, unknown>)[key],
});
