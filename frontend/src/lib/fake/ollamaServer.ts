// The fake OllamaServerService: the local Ollama's status a test sets
// (db.ollama) and pushes (emitOllamaServer), Retry and Restart leading to
// db.ollama.next, and Restart refused, as Go refuses it, for an Ollama Brook
// did not start.
import type { Services } from '../bound';
import type { FakeParts } from './parts';

export function fakeOllamaServerService({ fake }: FakeParts): Services['OllamaServerService'] {
  const { db } = fake;
  const moveOn = () => {
    fake.emitOllamaServer(structuredClone(db.ollama.next ?? db.ollama.status));
    return structuredClone(db.ollama.status);
  };
  return {
    async Status() {
      return structuredClone(db.ollama.status);
    },
    async Retry() {
      return moveOn();
    },
    async Restart() {
      if (!db.ollama.status.startedByBrook) throw new Error('Brook did not start this Ollama, so it does not restart it');
      return moveOn();
    },
    async Memory() {
      return { ...db.ollama.memory };
    },
    async Fit(_endpointId, model) {
      return { ...(db.ollama.fits[model] ?? { known: true, fits: true, needBytes: 0, availableBytes: db.ollama.memory.availableBytes, message: '' }) };
    },
  };
}
