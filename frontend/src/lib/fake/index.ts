// An in-memory BrookApi for tests and for previewing the UI in a plain browser
// (`npm run dev` without Wails). It can simulate streaming answers.
//
// Each service is typed by the generated bindings (BrookApi, lib/bound.ts):
// a method bound in Go fails `npm run check` until its service here has it.
// Every call is logged in `calls` by Go's names, so no service logs its own.
import type { Services } from '../bound';
import type { AnswerSaved, OllamaStatus, PullProgress, QuitRequest, ToolEvent, ToolServerChanged } from '../types';
import type { StreamEvent } from '../stream/types';
import { fakeChatService } from './chat';
import { fakeContextService } from './context';
import type { FakeApi, FakeCall, FakeParts } from './parts';
import { FAKE_MEMORY, FAKE_SETTINGS, installed, ollamaStatus, pullProgress, survey } from './data';
import { fakeLocalModelsService } from './local';
import { fakeOllamaServerService } from './ollamaServer';
import { fakeConversationService } from './conversations';
import { fakeAssistantService, fakeProjectService } from './projects';
import { fakeRetrievalService } from './retrieval';
import { fakeModelService, fakeSettingsService } from './settings';
import { fakeSystemService, fakeTestService } from './system';
import { fakeToolService } from './tools';
import { FAKE_IMPORT_PATH, fakeImportPreview, fakeTransferService } from './transfer';
import { fakeToolCallService } from './toolCalls';
import { FakeTree } from './tree';

export * from './data';
export { FAKE_IMPORT_PATH, fakeImportPreview } from './transfer';
export { assistant, project } from './projects';
export type { FakeApi, FakeCall } from './parts';
export { FakeTree } from './tree';

/** A service whose every call is first logged, by Go's names. */
function logged<T extends object>(service: string, impl: T, calls: FakeCall[]): T {
  const out: Record<string, unknown> = {};
  for (const [method, fn] of Object.entries(impl) as [string, (...a: unknown[]) => unknown][]) {
    out[method] = (...args: unknown[]) => {
      calls.push({ service, method, args });
      return fn(...args);
    };
  }
  return out as T;
}

/** A set of subscribers to one event, and its deliverer. */
function channel<T>() {
  const subs = new Set<(v: T) => void>();
  return {
    on(cb: (v: T) => void): () => void {
      subs.add(cb);
      return () => subs.delete(cb);
    },
    emit(v: T): void {
      for (const s of subs) s(v);
    },
  };
}

function initialDb(init: Partial<FakeApi['db']>): FakeApi['db'] {
  return {
    conversations: init.conversations ?? [],
    projects: init.projects ?? [],
    assistants: init.assistants ?? [],
    messages: init.messages ?? [],
    settings: init.settings ?? structuredClone(FAKE_SETTINGS),
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
    imports: init.imports ?? { [FAKE_IMPORT_PATH]: fakeImportPreview() },
    importPick: init.importPick ?? FAKE_IMPORT_PATH,
    ollama: init.ollama ?? { status: ollamaStatus(), memory: { ...FAKE_MEMORY }, fits: {} },
    toolServers: init.toolServers ?? [],
    toolTests: init.toolTests ?? {},
    tools: init.tools ?? { choices: { configured: false, tools: [], model: 'unknown' }, answers: [] },
  };
}

export function createFakeApi(init: Partial<FakeApi['db']> = {}): FakeApi {
  const stream = channel<StreamEvent>();
  const conversationsChanged = channel<void>();
  const pull = channel<PullProgress>();
  const modelsChanged = channel<void>();
  const saved = channel<AnswerSaved>();
  const quit = channel<QuitRequest>();
  const ollamaServer = channel<OllamaStatus>();
  const fileDrop = channel<{ paths: string[]; x: number; y: number }>();
  const tool = channel<ToolEvent>();
  const toolServer = channel<ToolServerChanged>();
  const seqs = new Map<number, number>();
  const db = initialDb(init);
  const calls: FakeCall[] = [];

  // The services are made below, once the parts they share exist.
  const fake = {
    db,
    calls,
    tree: new FakeTree(() => db.messages),
    keyStore: { where: 'keyring', path: '/tmp/brook/keys.json', fileKeys: 0 },
    simulate: null,
    emit: (ev) => stream.emit(ev),
    emitConversationsChanged: () => conversationsChanged.emit(),
    emitPull(p) {
      const full = pullProgress(p);
      db.pulls = [...db.pulls.filter((x) => !(x.endpointId === full.endpointId && x.model === full.model)), full];
      pull.emit(structuredClone(full));
      return full;
    },
    emitModelsChanged: () => modelsChanged.emit(),
    emitAnswerSaved: (s) => saved.emit(structuredClone(s)),
    emitQuitRequested: (q) => quit.emit({ ...q }),
    emitOllamaServer(s) {
      db.ollama.status = s;
      ollamaServer.emit(structuredClone(s));
    },
    emitFileDrop: (paths, x = 0, y = 0) => fileDrop.emit({ paths: [...paths], x, y }),
    emitTool: (ev) => tool.emit(structuredClone(ev)),
    emitToolServer: (ev) => toolServer.emit({ ...ev }),
    emitQueued(id, ahead, since = Date.now()) {
      const m = parts.findMsg(id);
      fake.emit({ messageId: id, conversationId: m.conversationId, seq: nextSeq(id), phase: 'queued', at: m.content.length, ahead: ahead || undefined, since });
    },
    emitWaiting(id, waitingFor, since = Date.now()) {
      const m = parts.findMsg(id);
      fake.emit({ messageId: id, conversationId: m.conversationId, seq: nextSeq(id), phase: 'waiting', at: m.content.length, waitingFor, since });
    },
    emitRecovering(id, waitingFor, reason, since = Date.now()) {
      const m = parts.findMsg(id);
      fake.emit({ messageId: id, conversationId: m.conversationId, seq: nextSeq(id), phase: 'recovering', at: m.content.length, waitingFor, reason, since });
    },
    events: {
      onStream: stream.on,
      onConversationsChanged: conversationsChanged.on,
      onPull: pull.on,
      onModelsChanged: modelsChanged.on,
      onAnswerSaved: saved.on,
      onQuitRequested: quit.on,
      onOllamaServer: ollamaServer.on,
      onFileDrop: (cb) => fileDrop.on((d) => cb(d.paths, d.x, d.y)),
      onTool: tool.on,
      onToolServer: toolServer.on,
    },
  } as Omit<FakeApi, keyof Services | 'TestService'> as FakeApi;

  function nextSeq(id: number) {
    const s = (seqs.get(id) ?? 0) + 1;
    seqs.set(id, s);
    return s;
  }
  const parts: FakeParts = {
    fake,
    findConv(id) {
      const c = db.conversations.find((c) => c.id === id);
      if (!c) throw new Error('conversation not found');
      return c;
    },
    findMsg(id) {
      const m = db.messages.find((m) => m.id === id);
      if (!m) throw new Error('message not found');
      return m;
    },
    nextSeq,
    emitFinal(m) {
      const state = m.state === 'streaming' ? 'interrupted' : m.state;
      fake.emit({ messageId: m.id, conversationId: m.conversationId, seq: nextSeq(m.id), phase: 'final', at: 0, state, message: fake.tree.view(m) });
    },
  };

  const services: Services = {
    AssistantService: fakeAssistantService(parts),
    ChatService: fakeChatService(parts),
    ContextService: fakeContextService(parts),
    ConversationService: fakeConversationService(parts),
    LocalModelsService: fakeLocalModelsService(parts),
    ModelService: fakeModelService(parts),
    OllamaServerService: fakeOllamaServerService(parts),
    ProjectService: fakeProjectService(parts),
    RetrievalService: fakeRetrievalService(parts),
    SettingsService: fakeSettingsService(parts),
    SystemService: fakeSystemService(),
    ToolService: fakeToolService(parts),
    TransferService: fakeTransferService(parts),
    ToolCallService: fakeToolCallService(parts),
  };
  for (const [name, service] of Object.entries(services)) Object.assign(fake, { [name]: logged(name, service, calls) });
  fake.TestService = fakeTestService();
  return fake;
}
