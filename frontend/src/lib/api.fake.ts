// An in-memory BrookApi for tests and for previewing the UI in a plain browser
// (`npm run dev` without Wails). It can simulate streaming answers.
import { FakeTree } from './fakeTree';
import { fakeEndpointKinds } from './fakeKinds';
import { fakeContext } from './fakeContext';
import { fakeDocuments } from './fakeDocuments';
import type {
  AboutInfo,
  AnswerSaved,
  BackupInfo,
  BrookApi,
  Conversation,
  EndpointModels,
  ImageInput,
  InstalledModel,
  KeyStorage,
  LoadedModel,
  Message,
  MessageImage,
  ModelDetails,
  ModelSuggestion,
  PullProgress,
  QuitRequest,
  ReasonTexts,
  SearchHit,
  ServerKind,
  ServerKindInfo,
  Settings,
  StreamEvent,
  WaitingFor,
} from './api';

/** A 1×1 transparent PNG (base64). */
export const ONE_PIXEL_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** The kinds Go offers (SettingsService.ServerKinds), in its order. */
export const FAKE_SERVER_KINDS: ServerKindInfo[] = [
  { value: 'ollama', label: 'Ollama', continues: true },
  { value: 'llamacpp', label: 'llama.cpp server', continues: true },
  { value: 'vllm', label: 'vLLM', continues: true },
  { value: 'openrouter', label: 'OpenRouter', continues: true },
  { value: 'openai', label: 'OpenAI', continues: false },
  { value: 'generic', label: 'OpenAI-compatible', continues: false },
];

/**
 * Stand-ins for Go's words (SystemService.ReasonTexts), which the UI shows as
 * they are: tests check that the UI shows Go's words, not what they say.
 */
export const FAKE_REASON_TEXTS: ReasonTexts = {
  reasons: { dropped: 'Go words for dropped', user_stop: 'Go words for user_stop', stop: '' },
  recovered: [
    { method: 'continued', reason: 'dropped', label: 'Go label: continued after dropped', title: 'Go title: continued after dropped' },
    { method: 'reasked', reason: '', label: 'Go label: asked again', title: 'Go title: asked again' },
    { method: '', reason: 'dropped', label: 'Go label: fetched again after dropped', title: 'Go title: fetched again after dropped' },
    { method: '', reason: '', label: 'Go label: fetched again', title: 'Go title: fetched again' },
  ],
};

/** One Ollama endpoint's own models, as LocalModelsService sees them. */
export interface FakeLocalModels {
  installed: InstalledModel[];
  loaded: LoadedModel[];
  /** Details by model name; a model without an entry gets plain ones. */
  details: Record<string, ModelDetails>;
}

/** A pull's progress with the fields not given filled in (a running pull that just began). */
export function pullProgress(p: Partial<PullProgress> & { endpointId: string; model: string }): PullProgress {
  return {
    state: 'running',
    status: '',
    completed: 0,
    total: 0,
    bytesPerSecond: 0,
    etaSeconds: 0,
    layers: [],
    errorKind: '',
    error: '',
    startedAt: Date.now(),
    resumed: false,
    ...p,
  };
}

/** What Go's LocalModelsService.SuggestedModel answers (localmodels.DefaultModel). */
export const FAKE_SUGGESTION: ModelSuggestion = {
  name: 'llama3.2:1b',
  sizeBytes: 1_321_000_000,
  why: "Meta's smallest Llama 3.2: a quick download that answers well enough on an ordinary laptop, even without a GPU.",
};

/** An installed model with the fields not given filled in. */
export function installed(p: Partial<InstalledModel> & { name: string }): InstalledModel {
  return { family: 'llama', parameterSize: '3.2B', quantization: 'Q4_K_M', size: 2_019_393_189, modifiedAt: Date.now(), capabilities: ['completion'], ...p };
}

export interface FakeApi extends BrookApi {
  db: {
    conversations: Conversation[];
    messages: Message[];
    settings: Settings;
    models: EndpointModels[];
    /** LocalModelsService's view, by endpoint id. */
    local: Record<string, FakeLocalModels>;
    /** The pulls Go knows of (LocalModelsService.Pulls), kept up to date by emitPull. */
    pulls: PullProgress[];
    /** Stored images' data (base64), by image id; an image not here reads as a 1×1 PNG. */
    imageData: Record<number, string>;
    /** What Settings → Backups lists; deleting a kept database ('before-restore') takes it out, as Go does. */
    backups: BackupInfo[];
  };
  calls: { method: string; args: unknown[] }[];
  /** Where the fake keeps API keys: 'keyring' (the default), or set 'session'/'file' as on a machine without one. */
  keyStore: KeyStorage;
  /** Deliver a stream event to subscribers. */
  emit(ev: StreamEvent): void;
  emitConversationsChanged(): void;
  /** Deliver a brook:pull event (missing fields filled in), and remember it for pulls(). */
  emitPull(p: Partial<PullProgress> & { endpointId: string; model: string }): PullProgress;
  /** Deliver brook:models-changed. */
  emitModelsChanged(): void;
  /** Deliver brook:answer-saved. */
  emitAnswerSaved(s: AnswerSaved): void;
  /** Deliver brook:quit-requested. */
  emitQuitRequested(q: QuitRequest): void;
  /** The message tree (versions), as Go's store keeps it. */
  tree: FakeTree;
  /**
   * When set, Send/Retry/... stream this text in chunks through emit().
   * With `queuedAhead` the answer first waits in the queue (one place per interval);
   * with `waitMs` it then waits that long (for `waitingFor`) before the first token.
   * With `reasoning` the model first thinks that text (reasoning deltas), then answers.
   * Like Ollama, a conversation that asks to think (params.think on or a level) on a
   * model whose capabilities lack 'thinking' fails with the server's reason.
   */
  simulate: {
    text: string;
    reasoning?: string;
    chunk: number;
    intervalMs: number;
    queuedAhead?: number;
    waitingFor?: 'model_load' | 'first_token';
    waitMs?: number;
  } | null;
  /** Emit a queued event for an answer (seq and at filled in; since defaults to now). */
  emitQueued(messageId: number, ahead: number, since?: number): void;
  /** Emit a waiting event ('model_load' | 'first_token'). */
  emitWaiting(messageId: number, waitingFor?: WaitingFor, since?: number): void;
  /** Emit a recovering event ('continue' | 'reask'). */
  emitRecovering(messageId: number, waitingFor: WaitingFor, reason: string, since?: number): void;
}

/** The survey entry for an endpoint, with the effective server settings filled in. */
export function survey(p: Partial<EndpointModels> & { endpoint: EndpointModels['endpoint'] }): EndpointModels {
  const detected = p.detectedKind ?? (p.endpoint.kind === 'ollama' ? 'ollama' : 'generic');
  const kind = p.serverKind ?? (p.endpoint.serverKind || detected);
  return {
    reachable: true,
    models: [],
    detectedKind: detected,
    serverKind: kind,
    parallel: p.endpoint.maxParallel || 1,
    continues: FAKE_SERVER_KINDS.find((k) => k.value === kind)?.continues ?? false,
    ...p,
  };
}

let nextId = 1000;

export function conv(p: Partial<Conversation> = {}): Conversation {
  const now = Date.now();
  const id = p.id ?? nextId++;
  return {
    id,
    uid: 'c' + id,
    title: 'Conversation ' + id,
    titleIsAuto: true,
    createdAt: now,
    updatedAt: now,
    pinned: false,
    archived: false,
    endpointId: '',
    model: '',
    systemPrompt: '',
    params: {},
    draft: '',
    ...p,
  };
}

export function msg(p: Partial<Message> & { conversationId: number }): Message {
  const now = Date.now();
  const id = p.id ?? nextId++;
  return {
    id,
    uid: 'm' + id,
    role: 'user',
    content: '',
    state: 'complete',
    createdAt: now,
    updatedAt: now,
    ...p,
  };
}

/** What the fake's About sheet shows. */
export const FAKE_ABOUT: AboutInfo = {
  version: '1.2.3',
  commit: 'abc1234',
  webkitGtk: '2.50.1',
  data: '/home/ann/.local/share/brook',
  logs: '/home/ann/.local/share/brook/logs',
  database: '/home/ann/.local/share/brook/brook.db',
  links: [{ label: 'Ollama, to run models locally', url: 'https://ollama.com' }],
};

export function createFakeApi(init: Partial<FakeApi['db']> = {}): FakeApi {
  const streamSubs = new Set<(ev: StreamEvent) => void>();
  const convSubs = new Set<() => void>();
  const pullSubs = new Set<(p: PullProgress) => void>();
  const modelsChangedSubs = new Set<() => void>();
  const savedSubs = new Set<(s: AnswerSaved) => void>();
  const quitSubs = new Set<(q: QuitRequest) => void>();
  const seqs = new Map<number, number>();
  const db: FakeApi['db'] = {
    conversations: init.conversations ?? [],
    messages: init.messages ?? [],
    settings: init.settings ?? {
      defaultEndpointId: '',
      defaultModel: '',
      systemPrompt: '',
      params: {},
      firstTokenTimeoutSeconds: 120,
      idleTimeoutSeconds: 60,
      theme: 'system',
      resumeAnswers: true,
      startOllama: true,
      keepOllamaRunning: false,
      autoTitles: true,
      titleEndpointId: '',
      titleModel: '',
    },
    models: init.models ?? [
      survey({
        endpoint: { id: 'ollama', name: 'Ollama', kind: 'ollama', baseUrl: 'http://127.0.0.1:11434', enabled: true },
        reachable: true,
        models: [{ name: 'llama3.2', sizeBytes: 2_000_000_000 }],
      }),
    ],
    local: init.local ?? { ollama: { installed: [installed({ name: 'llama3.2', size: 2_000_000_000 })], loaded: [], details: {} } },
    pulls: init.pulls ?? [],
    imageData: init.imageData ?? {},
    backups: init.backups ?? [],
  };
  /** Each endpoint's own parallel default (what "automatic" means), as first surveyed. */
  const serverParallel = new Map<string, number>();
  for (const m of db.models) if (!m.endpoint.maxParallel) serverParallel.set(m.endpoint.id, m.parallel ?? 1);
  const calls: FakeApi['calls'] = [];
  const log = (method: string, ...args: unknown[]) => calls.push({ method, args });
  const findConv = (id: number) => {
    const c = db.conversations.find((c) => c.id === id);
    if (!c) throw new Error('conversation not found');
    return c;
  };
  const findMsg = (id: number) => {
    const m = db.messages.find((m) => m.id === id);
    if (!m) throw new Error('message not found');
    return m;
  };

  const tree = new FakeTree(() => db.messages);
  const docs = fakeDocuments({ log, send: (...a) => fake.chat.send(...a), sendWithImages: (...a) => fake.chat.sendWithImages(...a), findMsg, nextId: () => nextId++ });
  const fake: FakeApi = {
    documents: docs.documents,
    db,
    calls,
    tree,
    keyStore: { where: 'keyring', path: '/tmp/brook/keys.json', fileKeys: 0 },
    simulate: null,
    emit(ev) {
      for (const s of streamSubs) s(ev);
    },
    emitConversationsChanged() {
      for (const s of convSubs) s();
    },
    emitPull(p) {
      const full = pullProgress(p);
      db.pulls = [...db.pulls.filter((x) => !(x.endpointId === full.endpointId && x.model === full.model)), full];
      for (const s of pullSubs) s(structuredClone(full));
      return full;
    },
    emitModelsChanged() {
      for (const s of modelsChangedSubs) s();
    },
    emitAnswerSaved(saved) {
      for (const s of savedSubs) s(structuredClone(saved));
    },
    emitQuitRequested(q) {
      for (const s of quitSubs) s({ ...q });
    },
    emitQueued(id, ahead, since = Date.now()) {
      const m = findMsg(id);
      fake.emit({ messageId: id, conversationId: m.conversationId, seq: nextSeq(id), phase: 'queued', at: m.content.length, ahead: ahead || undefined, since });
    },
    emitWaiting(id, waitingFor, since = Date.now()) {
      const m = findMsg(id);
      fake.emit({ messageId: id, conversationId: m.conversationId, seq: nextSeq(id), phase: 'waiting', at: m.content.length, waitingFor, since });
    },
    emitRecovering(id, waitingFor, reason, since = Date.now()) {
      const m = findMsg(id);
      fake.emit({ messageId: id, conversationId: m.conversationId, seq: nextSeq(id), phase: 'recovering', at: m.content.length, waitingFor, reason, since });
    },
    context: fakeContext(db),
    chat: {
      async send(conversationId, text, endpointId, model) {
        log('send', conversationId, text, endpointId, model);
        let c: Conversation;
        if (conversationId === 0) {
          c = conv({ title: text.slice(0, 40), endpointId, model });
          db.conversations.unshift(c);
        } else c = findConv(conversationId);
        const user = msg({ conversationId: c.id, role: 'user', content: text });
        tree.place(user, tree.leaf(c.id));
        const answer = msg({ conversationId: c.id, role: 'assistant', content: '', state: 'streaming', model });
        tree.place(answer, user.id);
        db.messages.push(user, answer);
        startSim(answer);
        return { conversation: { ...c }, user: tree.view(user), answer: tree.view(answer) };
      },
      async sendWithImages(conversationId, text, endpointId, model, images) {
        log('sendWithImages', conversationId, text, endpointId, model, images);
        const refused = imageRefusal(model, images);
        if (refused) throw refused;
        const r = await fake.chat.send(conversationId, text, endpointId, model);
        // One call is logged: sendWithImages, not the send it is made of.
        for (let i = calls.length - 1; i >= 0; i--) if (calls[i].method === 'send') { calls.splice(i, 1); break; }
        const user = findMsg(r.user.id);
        user.images = images.map((im): MessageImage => {
          const id = nextId++;
          db.imageData[id] = im.data;
          return { id, messageId: user.id, name: im.name, mime: im.mime, width: 1, height: 1, size: Math.floor((im.data.length * 3) / 4) };
        });
        return { ...r, user: { ...user } };
      },
      async stop(id) {
        log('stop', id);
        const m = findMsg(id);
        stopped.add(id);
        m.state = 'stopped';
        // Stopped while thinking: what arrived is kept, and how long it thought so far.
        const t0 = thinkingSince.get(id);
        if (t0 !== undefined && !m.thinkingMs) m.thinkingMs = Date.now() - t0;
        emitFinal(m);
      },
      async retry(id) {
        log('retry', id);
        return newVersion(id);
      },
      async continue(id) {
        log('continue', id);
        const m = findMsg(id);
        m.state = 'streaming';
        startSim(m);
        return tree.view(m);
      },
      async regenerate(id) {
        log('regenerate', id);
        return newVersion(id);
      },
      async editAndResend(userId, text) {
        log('editAndResend', userId, text);
        const old = findMsg(userId);
        const c = findConv(old.conversationId);
        const user = msg({ conversationId: c.id, role: 'user', content: text, images: old.images });
        tree.place(user, tree.parentOf(old));
        const answer = msg({ conversationId: c.id, role: 'assistant', state: 'streaming', model: c.model });
        tree.place(answer, user.id);
        db.messages.push(user, answer);
        startSim(answer);
        return { conversation: { ...c }, user: tree.view(user), answer: tree.view(answer) };
      },
      async activeAnswers() {
        return db.messages.filter((m) => m.state === 'streaming').map((m) => m.id);
      },
      async saveAgain(id) {
        log('saveAgain', id);
        const m = findMsg(id);
        if (m.unsaved) throw new Error('the answer is still not saved: disk full');
      },
      sendWithAttachments: docs.sendWithAttachments,
      async askNow(id) {
        log('askNow', id);
        const m = findMsg(id);
        if (m.state !== 'streaming') throw new Error('the answer is not waiting');
        // Like the engine: stop waiting for the stream, ask the whole question again without streaming.
        stopped.add(id);
        const sim = fake.simulate;
        setTimeout(() => fake.emitRecovering(id, 'reask', 'user_skipped_wait'), 0);
        setTimeout(() => {
          m.content = sim?.text ?? m.content;
          m.state = 'complete';
          m.recovered = true;
          m.recoveryReason = 'user_skipped_wait';
          m.recoveryMethod = 'reasked';
          emitFinal(m);
        }, (sim?.intervalMs ?? 0) + 1);
      },
    },
    conversations: {
      async list(archived, limit, offset) {
        log('list', archived, limit, offset);
        return db.conversations
          .filter((c) => c.archived === archived)
          .sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.updatedAt - a.updatedAt)
          .slice(offset, offset + limit)
          .map((c) => ({ ...c }));
      },
      async open(id) {
        log('open', id);
        return { conversation: { ...findConv(id) }, messages: tree.shownPath(id) };
      },
      async getMessage(id) {
        log('getMessage', id);
        return tree.view(findMsg(id));
      },
      async imageData(id) {
        log('imageData', id);
        const img = db.messages.flatMap((m) => m.images ?? []).find((x) => x.id === id);
        if (!img && !(id in db.imageData)) throw new Error('image not found');
        return `data:${img?.mime ?? 'image/png'};base64,${db.imageData[id] ?? ONE_PIXEL_PNG}`;
      },
      async rename(id, title) {
        log('rename', id, title);
        findConv(id).title = title;
      },
      async setPinned(id, v) {
        log('setPinned', id, v);
        findConv(id).pinned = v;
      },
      async setArchived(id, v) {
        log('setArchived', id, v);
        findConv(id).archived = v;
      },
      async delete(id) {
        log('delete', id);
        const c = findConv(id);
        deleted.set(id, c);
        db.conversations = db.conversations.filter((x) => x.id !== id);
      },
      async restore(id) {
        log('restore', id);
        const c = deleted.get(id);
        if (c) db.conversations.push(c);
      },
      async setModel(id, e, m) {
        log('setModel', id, e, m);
        Object.assign(findConv(id), { endpointId: e, model: m });
      },
      async setSystemPrompt(id, t) {
        log('setSystemPrompt', id, t);
        findConv(id).systemPrompt = t;
      },
      async setParams(id, p) {
        log('setParams', id, p);
        findConv(id).params = p;
      },
      async saveDraft(id, t) {
        log('saveDraft', id, t);
        findConv(id).draft = t;
      },
      async showVersion(id) {
        log('showVersion', id);
        const m = findMsg(id);
        if (db.messages.some((x) => x.conversationId === m.conversationId && x.state === 'streaming')) {
          throw new Error('an answer in this conversation is still being written; wait for it or stop it first');
        }
        tree.show(m);
        return tree.pathFrom(m);
      },
      async deleteVersion(id) {
        log('deleteVersion', id);
        const gone = tree.subtree(findMsg(id));
        db.messages = db.messages.filter((m) => !gone.includes(m));
        return gone.length;
      },
      async deleteMessage(id) {
        log('deleteMessage', id);
        const m = findMsg(id);
        const parent = tree.parentOf(m);
        // Like Go: its other versions go with what follows them; what follows m stays.
        const gone = [m, ...tree.children(m.conversationId, parent).filter((v) => v !== m).flatMap((v) => tree.subtree(v))];
        for (const c of tree.children(m.conversationId, m.id)) c.parentId = parent;
        db.messages = db.messages.filter((x) => !gone.includes(x));
        return gone.length;
      },
      async search(q) {
        log('search', q);
        const hits: SearchHit[] = [];
        for (const m of db.messages) {
          const i = m.content.toLowerCase().indexOf(q.toLowerCase());
          if (!q || i < 0) continue;
          const c = db.conversations.find((c) => c.id === m.conversationId);
          const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
          hits.push({
            conversationId: m.conversationId,
            conversationTitle: c?.title ?? '',
            messageId: m.id,
            role: m.role,
            snippet: esc(m.content.slice(0, i)) + '<mark>' + esc(m.content.slice(i, i + q.length)) + '</mark>' + esc(m.content.slice(i + q.length)),
            createdAt: m.createdAt,
            rank: 0,
          });
        }
        return hits;
      },
    },
    models: {
      /** Like Go's selection.Chooser: the Default model while offered, else the first model (no memory of the last). */
      async overview() {
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
    },
    settings: {
      async get() {
        return structuredClone(db.settings);
      },
      async save(s) {
        log('saveSettings', s);
        db.settings = structuredClone(s);
      },
      async endpoints() {
        return db.models.map((m) => ({ ...m.endpoint, hasApiKey: false }));
      },
      async saveEndpoint(e, key, clear, headerValues) {
        if (headerValues) log('saveEndpoint', e, key, clear, headerValues);
        else log('saveEndpoint', e, key, clear);
        // Go's guard.Headers, as far as the UI can get it wrong.
        for (const n of e.headerNames ?? []) {
          if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(n)) throw new Error(`"${n}" is not a valid header name: use letters, digits and - only (no spaces or colons).`);
          if (/[\r\n]/.test(headerValues?.[n] ?? '')) throw new Error(`The value of the header ${n} contains a line break or another control character; paste the value alone.`);
        }
        // Go's store.validateEndpoint, as far as the UI can get it wrong.
        if (e.serverKind && !FAKE_SERVER_KINDS.some((k) => k.value === e.serverKind)) {
          throw new Error(`endpoint server kind "${e.serverKind}" is not one of ${FAKE_SERVER_KINDS.map((k) => k.value).join(', ')} (or empty to detect it)`);
        }
        const mp = e.maxParallel ?? 0;
        if (!Number.isInteger(mp) || mp < 0 || mp > 64) {
          throw new Error(`endpoint max parallel ${mp} must be from 0 (the server's default) to 64`);
        }
        const ex = db.models.find((m) => m.endpoint.id === e.id);
        if (ex) {
          ex.endpoint = { ...e };
          const kind = e.serverKind || ex.detectedKind || 'generic';
          ex.serverKind = kind;
          ex.continues = FAKE_SERVER_KINDS.find((k) => k.value === kind)?.continues ?? false;
          ex.parallel = e.maxParallel || serverParallel.get(e.id) || 1;
        } else {
          e = { ...e, id: e.id || 'ep' + nextId++ };
          db.models.push(survey({ endpoint: e, reachable: false, hint: 'Not checked', detectedKind: undefined }));
        }
        return e;
      },
      async testEndpoint(e, key) {
        log('testEndpoint', e, key);
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
      async deleteEndpoint(id) {
        log('deleteEndpoint', id);
        db.models = db.models.filter((m) => m.endpoint.id !== id);
      },
      async paths() {
        return { data: '/tmp/brook', database: '/tmp/brook/brook.db', backups: '/tmp/brook/backups', logs: '/tmp/brook/logs' };
      },
      async keyStorage() {
        return { ...fake.keyStore };
      },
      async setKeyFile(on) {
        log('setKeyFile', on);
        // As Go: only without a keyring.
        if (fake.keyStore.where === 'keyring') throw new Error('The system keyring is available; API keys are kept there.');
        fake.keyStore.where = on ? 'file' : 'session';
      },
      async moveKeysToKeyring() {
        log('moveKeysToKeyring');
        // As Go: only with the keyring answering.
        if (fake.keyStore.where !== 'keyring') throw new Error('The system keyring does not answer; unlock it first.');
        fake.keyStore.fileKeys = 0;
      },
      async backups() {
        return structuredClone(db.backups);
      },
      async restoreBackup(p) {
        log('restoreBackup', p);
      },
      async deleteKeptDatabase(p) {
        log('deleteKeptDatabase', p);
        // As Go: only a database a restore kept.
        if (!db.backups.some((b) => b.path === p && b.kind === 'before-restore'))
          throw new Error('That file is not a database Brook kept before a restore, so Brook will not delete it.');
        db.backups = db.backups.filter((b) => b.path !== p);
      },
      async startupNotice() {
        return '';
      },
      async serverKinds() {
        return structuredClone(FAKE_SERVER_KINDS);
      },
      endpointKinds: fakeEndpointKinds,
    },
    localModels: {
      async installed(ep) {
        log('installed', ep);
        return structuredClone(localOf(ep).installed);
      },
      async loaded(ep) {
        log('loaded', ep);
        return structuredClone(localOf(ep).loaded);
      },
      async details(ep, name) {
        log('details', ep, name);
        const l = localOf(ep);
        const m = l.installed.find((x) => x.name === name);
        if (!m) throw new Error(`model "${name}" not found`);
        return structuredClone(
          l.details[name] ?? { name, family: m.family, parameterSize: m.parameterSize, quantization: m.quantization, contextLength: 4096, capabilities: m.capabilities, template: '{{ .Prompt }}', parameters: '', license: '', system: '' },
        );
      },
      async unload(ep, name) {
        log('unload', ep, name);
        const l = localOf(ep);
        l.loaded = l.loaded.filter((x) => x.name !== name);
      },
      async delete(ep, name) {
        log('delete', ep, name);
        const l = localOf(ep);
        if (!l.installed.some((x) => x.name === name)) throw new Error(`model "${name}" not found`);
        l.installed = l.installed.filter((x) => x.name !== name);
        l.loaded = l.loaded.filter((x) => x.name !== name);
        // Like Go: the survey no longer offers it, and the window is told.
        const em = db.models.find((m) => m.endpoint.id === ep);
        if (em) em.models = em.models.filter((x) => x.name !== name);
        setTimeout(() => fake.emitModelsChanged(), 0);
      },
      async pull(ep, name) {
        log('pull', ep, name);
        localOf(ep);
        if (db.pulls.some((p) => p.endpointId === ep && p.model === name && p.state === 'running')) return;
        // Go answers at once; progress follows as events.
        setTimeout(() => fake.emitPull({ endpointId: ep, model: name, status: 'pulling manifest' }), 0);
      },
      async cancelPull(ep, name) {
        log('cancelPull', ep, name);
        const p = db.pulls.find((x) => x.endpointId === ep && x.model === name && x.state === 'running');
        if (!p) throw new Error(`no pull of "${name}" is running`);
        setTimeout(() => fake.emitPull({ ...p, state: 'cancelled', status: 'cancelled', bytesPerSecond: 0, etaSeconds: 0 }), 0);
      },
      async pulls() {
        log('pulls');
        return structuredClone(db.pulls);
      },
      async suggestedModel() {
        log('suggestedModel');
        return { ...FAKE_SUGGESTION };
      },
    },
    transfer: {
      async export(ids, format, allVersions) {
        log('export', ids, format, allVersions);
        return '/tmp/brook-export.' + (format === 'markdown' ? 'md' : format);
      },
      async import() {
        return null;
      },
    },
    system: {
      async openURL(url) {
        log('openURL', url);
      },
      async diagnostics() {
        log('diagnostics');
        return 'Brook diagnostics\nBrook: fake\n';
      },
      async about() {
        log('about');
        return structuredClone(FAKE_ABOUT);
      },
      async uiReady() {
        log('uiReady');
      },
      async reasonTexts() {
        return structuredClone(FAKE_REASON_TEXTS);
      },
      async quit(how) {
        log('quit', how);
      },
      async testScenario() {
        return '';
      },
      async testReport(json) {
        log('testReport', json);
      },
    },
    events: {
      onStream(cb) {
        streamSubs.add(cb);
        return () => streamSubs.delete(cb);
      },
      onConversationsChanged(cb) {
        convSubs.add(cb);
        return () => convSubs.delete(cb);
      },
      onPull(cb) {
        pullSubs.add(cb);
        return () => pullSubs.delete(cb);
      },
      onModelsChanged(cb) {
        modelsChangedSubs.add(cb);
        return () => modelsChangedSubs.delete(cb);
      },
      onAnswerSaved(cb) {
        savedSubs.add(cb);
        return () => savedSubs.delete(cb);
      },
      onQuitRequested(cb) {
        quitSubs.add(cb);
        return () => quitSubs.delete(cb);
      },
    },
  };

  /** Retry and Regenerate: a new version of an answer, shown in its place, streaming. */
  function newVersion(id: number): Message {
    const old = findMsg(id);
    const m = msg({ conversationId: old.conversationId, role: 'assistant', state: 'streaming', model: old.model });
    tree.place(m, tree.parentOf(old));
    db.messages.push(m);
    startSim(m);
    return tree.view(m);
  }

  /** LocalModelsService refuses an endpoint that is not a known Ollama endpoint, as Go does. */
  function localOf(ep: string): FakeLocalModels {
    const em = db.models.find((m) => m.endpoint.id === ep);
    if (!em) throw new Error(`endpoint "${ep}" not found`);
    if (em.endpoint.kind !== 'ollama') throw new Error(`endpoint "${em.endpoint.name}" is not an Ollama endpoint`);
    return (db.local[ep] ??= { installed: [], loaded: [], details: {} });
  }

  /** Go's refusals of SendWithImages. */
  function imageRefusal(model: string, images: ImageInput[]): string {
    if (images.length > 8) return `too many images (${images.length}; at most 8)`;
    for (const im of images) {
      if (!['image/png', 'image/jpeg', 'image/webp', 'image/gif'].includes(im.mime)) return `${im.name}: images must be PNG, JPEG, WebP or GIF`;
      if ((im.data.length * 3) / 4 > 10 * 1024 * 1024) return `${im.name} is larger than 10 MB`;
    }
    const info = db.models.flatMap((e) => e.models).find((x) => x.name === model);
    if (info?.capabilities?.length && !info.capabilities.includes('vision')) return `${model} cannot see images`;
    return '';
  }

  const deleted = new Map<number, Conversation>();
  const stopped = new Set<number>();
  /** Date.now() when a simulated answer began to think. */
  const thinkingSince = new Map<number, number>();
  /** Ollama's refusal when a conversation asks a model that cannot think to think. */
  function thinkRefusal(m: Message): string {
    const c = db.conversations.find((c) => c.id === m.conversationId);
    const think = c?.params.think;
    if (!think || think === 'off') return '';
    const model = m.model ?? c?.model ?? '';
    const info = db.models.flatMap((e) => e.models).find((x) => x.name === model);
    if (!info?.capabilities?.length || info.capabilities.includes('thinking')) return '';
    return `The model ${model} cannot think, so the server refused to turn thinking on ("${model}" does not support thinking). Set Thinking to "Model's default" in this conversation's settings.`;
  }
  /** Like Go: the final event carries the answer as stored. */
  function emitFinal(m: Message) {
    const state = m.state === 'streaming' ? 'interrupted' : m.state;
    fake.emit({ messageId: m.id, conversationId: m.conversationId, seq: nextSeq(m.id), phase: 'final', at: 0, state, message: tree.view(m) });
  }
  function nextSeq(id: number) {
    const s = (seqs.get(id) ?? 0) + 1;
    seqs.set(id, s);
    return s;
  }
  function startSim(m: Message) {
    const sim = fake.simulate;
    if (!sim) return;
    stopped.delete(m.id);
    thinkingSince.delete(m.id);
    const refused = thinkRefusal(m);
    if (refused) {
      setTimeout(() => {
        m.state = 'failed';
        m.error = refused;
        emitFinal(m);
      }, sim.intervalMs);
      return;
    }
    let pos = 0;
    let rpos = 0;
    const reasoning = sim.reasoning ?? '';
    let ahead = sim.queuedAhead;
    const queued = () => {
      if (stopped.has(m.id)) return;
      if (ahead === undefined || ahead < 0) return waiting();
      fake.emitQueued(m.id, ahead);
      ahead--;
      setTimeout(queued, sim.intervalMs);
    };
    const waiting = () => {
      if (stopped.has(m.id)) return;
      if (sim.waitingFor || sim.waitMs) fake.emitWaiting(m.id, sim.waitingFor ?? 'first_token');
      else fake.emit({ messageId: m.id, conversationId: m.conversationId, seq: nextSeq(m.id), phase: 'waiting', at: m.content.length });
      setTimeout(tick, sim.intervalMs + (sim.waitMs ?? 0));
    };
    const tick = () => {
      if (stopped.has(m.id)) return;
      if (rpos < reasoning.length) {
        // Thinking first: reasoning deltas with their own offsets (Go omits reasoningAt when 0).
        const piece = reasoning.slice(rpos, rpos + sim.chunk);
        const reasoningAt = (m.reasoning ?? '').length;
        if (!thinkingSince.has(m.id)) thinkingSince.set(m.id, Date.now());
        m.reasoning = (m.reasoning ?? '') + piece;
        rpos += piece.length;
        fake.emit({ messageId: m.id, conversationId: m.conversationId, seq: nextSeq(m.id), phase: 'streaming', reasoning: piece, reasoningAt: reasoningAt || undefined, at: m.content.length, tokensPerSecond: 40 });
        setTimeout(tick, sim.intervalMs);
        return;
      }
      const t0 = thinkingSince.get(m.id);
      if (t0 !== undefined && !m.thinkingMs) m.thinkingMs = Date.now() - t0;
      if (pos >= sim.text.length) {
        m.state = 'complete';
        m.tokensPerSecond = 42;
        m.firstTokenMs = 120;
        emitFinal(m);
        return;
      }
      const piece = sim.text.slice(pos, pos + sim.chunk);
      const at = m.content.length;
      m.content += piece;
      pos += piece.length;
      fake.emit({ messageId: m.id, conversationId: m.conversationId, seq: nextSeq(m.id), phase: 'streaming', text: piece, at, tokensPerSecond: 40 });
      setTimeout(tick, sim.intervalMs);
    };
    queued();
  }

  return fake;
}
