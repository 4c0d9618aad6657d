// A fake local Ollama for tests and the in-browser preview: a status that
// tests set and push, and calls recorded. See ollamaServer.ts.
import type { MachineMemory, MemoryFit, OllamaServerApi, OllamaStatus } from './ollamaServer';

/** A status with Go's always-known fields filled in. */
export function ollamaStatus(s: Partial<OllamaStatus> = {}): OllamaStatus {
  return {
    state: 'running',
    failure: '',
    message: '',
    endpointId: 'ollama',
    url: 'http://127.0.0.1:11434',
    startedByBrook: false,
    binary: '/usr/local/bin/ollama',
    version: '0.30.0',
    versionNote: '',
    logPath: '/home/ann/.local/share/brook/logs/ollama.log',
    logTail: [],
    install: { command: 'curl -fsSL https://ollama.com/install.sh | sh', link: 'https://ollama.com/download/linux' },
    restartHint: 'Brook did not start this Ollama, so it leaves it alone. To restart it, run `systemctl restart ollama` if it runs as a service.',
    ...s,
  };
}

export interface FakeOllamaServer extends OllamaServerApi {
  current: OllamaStatus;
  /** What retry and restart lead to; the current status when unset. */
  next?: OllamaStatus;
  memoryValue: MachineMemory;
  fits: Record<string, MemoryFit>;
  calls: { method: string; args: unknown[] }[];
  /** Sends a status as Go's event would. */
  push(s: OllamaStatus): void;
}

export function createFakeOllamaServer(initial: Partial<OllamaStatus> = {}): FakeOllamaServer {
  const listeners = new Set<(s: OllamaStatus) => void>();
  const fake: FakeOllamaServer = {
    current: ollamaStatus(initial),
    memoryValue: { known: true, availableBytes: 12_000_000_000, totalBytes: 24_000_000_000 },
    fits: {},
    calls: [],
    push(s) {
      fake.current = s;
      listeners.forEach((l) => l(s));
    },
    status: async () => (fake.calls.push({ method: 'status', args: [] }), fake.current),
    retry: async () => {
      fake.calls.push({ method: 'retry', args: [] });
      fake.push(fake.next ?? fake.current);
      return fake.current;
    },
    restart: async () => {
      fake.calls.push({ method: 'restart', args: [] });
      if (!fake.current.startedByBrook) throw new Error('Brook did not start this Ollama, so it does not restart it');
      fake.push(fake.next ?? fake.current);
      return fake.current;
    },
    memory: async (id) => (fake.calls.push({ method: 'memory', args: [id] }), fake.memoryValue),
    fit: async (id, model) => {
      fake.calls.push({ method: 'fit', args: [id, model] });
      return fake.fits[model] ?? { known: true, fits: true, needBytes: 0, availableBytes: fake.memoryValue.availableBytes, message: '' };
    },
    onStatus(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
  };
  return fake;
}
