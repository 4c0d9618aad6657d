// The fake LocalModelsService: an Ollama endpoint's installed and loaded
// models, and pulls, whose progress the tests drive with emitPull.
import type { Services } from '../bound';
import type { FakeParts } from './parts';
import { FAKE_SUGGESTION, type FakeLocalModels } from './data';

export function fakeLocalModelsService({ fake }: FakeParts): Services['LocalModelsService'] {
  const { db } = fake;
  /** LocalModelsService refuses an endpoint that is not a known Ollama endpoint, as Go does. */
  function localOf(ep: string): FakeLocalModels {
    const em = db.models.find((m) => m.endpoint.id === ep);
    if (!em) throw new Error(`endpoint "${ep}" not found`);
    if (em.endpoint.kind !== 'ollama') throw new Error(`endpoint "${em.endpoint.name}" is not an Ollama endpoint`);
    return (db.local[ep] ??= { installed: [], loaded: [], details: {} });
  }
  return {
    async Installed(ep) {
      return structuredClone(localOf(ep).installed);
    },
    async Loaded(ep) {
      return structuredClone(localOf(ep).loaded);
    },
    async Details(ep, name) {
      const l = localOf(ep);
      const m = l.installed.find((x) => x.name === name);
      if (!m) throw new Error(`model "${name}" not found`);
      return structuredClone(
        l.details[name] ?? { name, family: m.family, parameterSize: m.parameterSize, quantization: m.quantization, contextLength: 4096, capabilities: m.capabilities, template: '{{ .Prompt }}', parameters: '', license: '', system: '' },
      );
    },
    async Unload(ep, name) {
      const l = localOf(ep);
      l.loaded = l.loaded.filter((x) => x.name !== name);
    },
    async Delete(ep, name) {
      const l = localOf(ep);
      if (!l.installed.some((x) => x.name === name)) throw new Error(`model "${name}" not found`);
      l.installed = l.installed.filter((x) => x.name !== name);
      l.loaded = l.loaded.filter((x) => x.name !== name);
      // Like Go: the survey no longer offers it, and the window is told.
      const em = db.models.find((m) => m.endpoint.id === ep);
      if (em) em.models = em.models.filter((x) => x.name !== name);
      setTimeout(() => fake.emitModelsChanged(), 0);
    },
    async Pull(ep, name) {
      localOf(ep);
      if (db.pulls.some((p) => p.endpointId === ep && p.model === name && p.state === 'running')) return;
      // Go answers at once; progress follows as events.
      setTimeout(() => fake.emitPull({ endpointId: ep, model: name, status: 'pulling manifest' }), 0);
    },
    async CancelPull(ep, name) {
      const p = db.pulls.find((x) => x.endpointId === ep && x.model === name && x.state === 'running');
      if (!p) throw new Error(`no pull of "${name}" is running`);
      setTimeout(() => fake.emitPull({ ...p, state: 'cancelled', status: 'cancelled', bytesPerSecond: 0, etaSeconds: 0 }), 0);
    },
    async Pulls() {
      return structuredClone(db.pulls);
    },
    async SuggestedModel() {
      return { ...FAKE_SUGGESTION };
    },
  };
}
