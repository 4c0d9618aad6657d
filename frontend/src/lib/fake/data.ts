// The fake backend's data: Go's words and lists as the fake answers them, and
// builders for conversations, messages, surveys, installed models and pulls
// with the fields a test does not care about filled in.
import type {
  AboutInfo,
  ContextWindow,
  Conversation,
  EndpointKindInfo,
  EndpointModels,
  InstalledModel,
  LoadedModel,
  MachineMemory,
  Message,
  ModelDetails,
  ModelSuggestion,
  OllamaStatus,
  PullProgress,
  ReasonTexts,
  ServerKindInfo,
  Settings,
} from '../types';

let nextId = 1000;

/** A new id, above every id a test is likely to pick. */
export function newId(): number {
  return nextId++;
}
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
 * The kinds of endpoint the fake offers: stand-ins for what Go registers
 * (SettingsService.EndpointKinds), in its order. Tests check that the UI does
 * what each kind's entry says, not what a kind is called.
 */
export const FAKE_ENDPOINT_KINDS: EndpointKindInfo[] = [
  {
    id: 'ollama',
    label: 'Ollama',
    key: 'none',
    defaultName: 'Ollama',
    defaultUrl: 'http://127.0.0.1:11434',
    caps: { extraModels: false, localModels: true, thinkOnOff: true },
    startCommand: 'ollama serve',
    site: 'https://ollama.com',
  },
  {
    id: 'openai',
    label: 'OpenAI-compatible',
    key: 'optional',
    defaultName: 'OpenAI',
    defaultUrl: 'https://api.openai.com/v1',
    caps: { extraModels: true, localModels: false, thinkOnOff: false },
  },
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

/** The settings of a first start, as Go's store.Settings defaults them. */
export const FAKE_SETTINGS: Settings = {
  defaultEndpointId: '',
  defaultModel: '',
  systemPrompt: '',
  params: {},
  firstTokenTimeoutSeconds: 120,
  idleTimeoutSeconds: 60,
  theme: 'system',
  language: '',
  resumeAnswers: true,
  startOllama: true,
  keepOllamaRunning: false,
  autoTitles: true,
  titleEndpointId: '',
  titleModel: '',
  embedEndpointId: '',
  embedModel: '',
};

/** The local Ollama's status (OllamaServerService) with Go's always-known fields filled in: running, not started by Brook. */
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

/** This machine's memory as OllamaServerService.Memory answers it. */
export const FAKE_MEMORY: MachineMemory = { known: true, availableBytes: 12_000_000_000, totalBytes: 24_000_000_000 };

/** The fake model window (ContextService): Ollama's default on a CPU, 4,096 tokens, that can grow to 32,768. */
export const FAKE_WINDOW: ContextWindow = { tokens: 4096, max: 32768, bytesPerToken: 114688, source: "Ollama's default" };

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


export function conv(p: Partial<Conversation> = {}): Conversation {
  const now = Date.now();
  const id = p.id ?? newId();
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
  const id = p.id ?? newId();
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
