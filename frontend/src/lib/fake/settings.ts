// The fake ModelService and SettingsService: the survey of endpoints, the
// settings, endpoints and their keys, and backups, refusing what Go refuses.
import type { Services } from '../bound';
import type { Endpoint, ServerKind } from '../types';
import type { FakeParts } from './parts';
import { FAKE_ENDPOINT_KINDS, FAKE_SERVER_KINDS, newId, survey } from './data';

export function fakeModelService({ fake }: FakeParts): Services['ModelService'] {
  const { db } = fake;
  return {
    /** Like Go's selection.Chooser: the Default model while offered, else the first model (no memory of the last). */
    async Overview() {
      const endpoints = structuredClone(db.models);
      const def = { endpointId: db.settings.defaultEndpointId, model: db.settings.defaultModel };
      const defaultOffered =
        !!def.model && endpoints.some((e) => e.endpoint.id === def.endpointId && e.models.some((m) => m.name === def.model));
      const first = endpoints.find((m) => m.reachable && m.models.length);
      if (defaultOffered) return { endpoints, selection: { ...def }, source: 'default', default: def, defaultOffered };
      if (first)
        return { endpoints, selection: { endpointId: first.endpoint.id, model: first.models[0].name }, source: 'first', default: def, defaultOffered };
      return { endpoints, selection: { endpointId: '', model: '' }, source: '', default: def, defaultOffered };
    },
  };
}

export function fakeSettingsService({ fake }: FakeParts): Services['SettingsService'] {
  const { db } = fake;
  /** Each endpoint's own parallel default (what "automatic" means), as first surveyed. */
  const serverParallel = new Map<string, number>();
  for (const m of db.models) if (!m.endpoint.maxParallel) serverParallel.set(m.endpoint.id, m.parallel ?? 1);
  /** Go's SaveEndpointWithHeaders (SaveEndpoint: with no header values). */
  function saveEndpoint(e: Endpoint, headerValues: Record<string, string>): Endpoint {
    // Go's guard.Headers, as far as the UI can get it wrong.
    for (const n of e.headerNames ?? []) {
      if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(n)) throw new Error(`"${n}" is not a valid header name: use letters, digits and - only (no spaces or colons).`);
      if (/[\r\n]/.test(headerValues[n] ?? '')) throw new Error(`The value of the header ${n} contains a line break or another control character; paste the value alone.`);
    }
    // Go's store.validateEndpoint, as far as the UI can get it wrong.
    if (e.serverKind && !FAKE_SERVER_KINDS.some((k) => k.value === e.serverKind)) {
      throw new Error(`endpoint server kind "${e.serverKind}" is not one of ${FAKE_SERVER_KINDS.map((k) => k.value).join(', ')} (or empty to detect it)`);
    }
    const mp = e.maxParallel ?? 0;
    if (!Number.isInteger(mp) || mp < 0 || mp > 64) {
      throw new Error(`endpoint max parallel ${mp} must be from 0 (the server's default) to 64`);
    }
    const cw = e.contextWindow ?? 0;
    if (!Number.isInteger(cw) || (cw !== 0 && (cw < 256 || cw > 16777216))) {
      throw new Error(`an endpoint's context window must be from 256 to 16777216 tokens, or empty to ask the server; ${cw} is not`);
    }
    const ex = db.models.find((m) => m.endpoint.id === e.id);
    if (ex) {
      ex.endpoint = { ...e };
      const kind = e.serverKind || ex.detectedKind || 'generic';
      ex.serverKind = kind;
      ex.continues = FAKE_SERVER_KINDS.find((k) => k.value === kind)?.continues ?? false;
      ex.parallel = e.maxParallel || serverParallel.get(e.id) || 1;
    } else {
      e = { ...e, id: e.id || 'ep' + newId() };
      db.models.push(survey({ endpoint: e, reachable: false, hint: 'Not checked', detectedKind: undefined }));
    }
    return e;
  }
  return {
    async Get() {
      return structuredClone(db.settings);
    },
    async Save(s) {
      db.settings = structuredClone(s);
    },
    async Endpoints() {
      return db.models.map((m) => ({ ...m.endpoint, hasApiKey: false }));
    },
    async SaveEndpoint(e) {
      return saveEndpoint(e, {});
    },
    async SaveEndpointWithHeaders(e, _key, _clear, headerValues) {
      return saveEndpoint(e, headerValues);
    },
    async TestEndpoint(e, key) {
      // Go's endpoints.Probe, as far as the fake's survey can tell.
      if (!/^https?:\/\/[^/]/.test(e.baseUrl.trim())) {
        return { ok: false, failure: 'bad_url', message: `"${e.baseUrl}" is not an http:// or https:// URL with a host.`, models: 0, millis: 0 };
      }
      const known = db.models.find((m) => m.endpoint.baseUrl === e.baseUrl && m.endpoint.kind === e.kind);
      if (!known?.reachable) {
        const host = e.baseUrl.replace(/^https?:\/\//, '').split('/')[0];
        return { ok: false, failure: 'refused', message: `Connection refused at ${host}: nothing is listening there. Is the server running?`, url: e.baseUrl, models: 0, millis: 1 };
      }
      const label = FAKE_SERVER_KINDS.find((k) => k.value === known.serverKind)?.label ?? 'OpenAI-compatible';
      const n = known.models.length;
      return { ok: true, message: `Connected: ${label}, ${n} ${n === 1 ? 'model' : 'models'}, 1 ms.`, url: e.baseUrl, serverKind: known.serverKind as ServerKind, models: n, millis: 1 };
    },
    async DeleteEndpoint(id) {
      db.models = db.models.filter((m) => m.endpoint.id !== id);
    },
    async Paths() {
      return { data: '/tmp/brook', database: '/tmp/brook/brook.db', backups: '/tmp/brook/backups', logs: '/tmp/brook/logs' };
    },
    async KeyStorage() {
      return { ...fake.keyStore };
    },
    async SetKeyFile(on) {
      // As Go: only without a keyring.
      if (fake.keyStore.where === 'keyring') throw new Error('The system keyring is available; API keys are kept there.');
      fake.keyStore.where = on ? 'file' : 'session';
    },
    async MoveKeysToKeyring() {
      // As Go: only with the keyring answering.
      if (fake.keyStore.where !== 'keyring') throw new Error('The system keyring does not answer; unlock it first.');
      fake.keyStore.fileKeys = 0;
    },
    async Backups() {
      return structuredClone(db.backups);
    },
    async RestoreBackup(p) {
    },
    async DeleteKeptDatabase(p) {
      // As Go: only a database a restore kept.
      if (!db.backups.some((b) => b.path === p && b.kind === 'before-restore'))
        throw new Error('That file is not a database Brook kept before a restore, so Brook will not delete it.');
      db.backups = db.backups.filter((b) => b.path !== p);
    },
    async StartupNotice() {
      return '';
    },
    async ServerKinds() {
      return structuredClone(FAKE_SERVER_KINDS);
    },
    async EndpointKinds() {
      return structuredClone(FAKE_ENDPOINT_KINDS);
    },
  };
}
