// The ONLY module that talks to the Go side. Everything else imports `api`
// (and the types) from here. Tests swap the implementation with `setApi`.
//
// Bound methods live at window.go.app.<Service>.<Method> (Wails v2) and return
// Promises; events come through window.runtime.EventsOn, which returns an
// unsubscribe function (EventsOff is never used: it drops every listener).

export type Role = 'system' | 'user' | 'assistant';
export type MessageState = 'complete' | 'streaming' | 'interrupted' | 'stopped' | 'failed';
export interface Params {
  temperature?: number;
  contextLength?: number;
  maxTokens?: number;
  /** Ask a reasoning model to think: '' (absent) = the model's own behaviour. */
  think?: Think;
}
/**
 * Ollama takes on/off and (gpt-oss) the levels; OpenAI-compatible servers take
 * the levels as reasoning_effort.
 */
export type Think = '' | 'on' | 'off' | 'low' | 'medium' | 'high';
export interface Conversation {
  id: number;
  uid: string;
  title: string;
  titleIsAuto: boolean;
  createdAt: number;
  updatedAt: number;
  pinned: boolean;
  archived: boolean;
  endpointId: string;
  model: string;
  systemPrompt: string;
  params: Params;
  draft: string;
}
export interface Message {
  id: number;
  uid: string;
  conversationId: number;
  role: Role;
  content: string;
  /** What a reasoning model thought before its answer (never sent back to a model). */
  reasoning?: string;
  state: MessageState;
  createdAt: number;
  updatedAt: number;
  endpointId?: string;
  model?: string;
  firstTokenMs?: number;
  /** How long the model reasoned: from its first thought to its first word of answer. */
  thinkingMs?: number;
  tokensPerSecond?: number;
  promptTokens?: number;
  completionTokens?: number;
  recovered?: boolean;
  recoveryReason?: string;
  /** How a recovered answer was completed: the partial answer continued, or the question asked again in full. */
  recoveryMethod?: RecoveryMethod;
  endReason?: string;
  error?: string;
}
export type RecoveryMethod = 'continued' | 'reasked';
/** The wire protocol an endpoint speaks. */
export type EndpointKind = 'ollama' | 'openai';
/** What software serves an endpoint (Go's provider.ServerKind). */
export type ServerKind = 'ollama' | 'llamacpp' | 'vllm' | 'openrouter' | 'openai' | 'generic';
/** One entry of SettingsService.ServerKinds, in the order Settings offers them. */
export interface ServerKindInfo {
  value: string;
  label: string;
  /** Whether this server continues broken answers (else they are asked again in full). */
  continues: boolean;
}
export interface Endpoint {
  id: string;
  name: string;
  kind: EndpointKind;
  baseUrl: string;
  enabled: boolean;
  models?: string[];
  /** The user's word on what software serves the endpoint; '' or absent = detect. */
  serverKind?: string;
  /** Answers sent to the endpoint at once; 0 or absent = the server's default. */
  maxParallel?: number;
}
export interface EndpointView extends Endpoint {
  hasApiKey: boolean;
}
export interface ModelInfo {
  name: string;
  sizeBytes?: number;
  /** What the server says the model can do ('completion', 'thinking', 'vision', …); absent when it does not say. */
  capabilities?: string[];
}
/** The capability of a model that can reason. */
export const CAPABILITY_THINKING = 'thinking';
export interface EndpointModels {
  endpoint: Endpoint;
  reachable: boolean;
  error?: string;
  hint?: string;
  models: ModelInfo[];
  /** Effective server kind: the override, else the detected one. */
  serverKind: string;
  /** What Brook detected, when it could tell. */
  detectedKind?: string;
  /** Effective number of answers sent at once. */
  parallel: number;
  /** Whether this server continues broken answers (else they are asked again in full). */
  continues: boolean;
}
export interface Selection {
  endpointId: string;
  model: string;
}
/** Why a model is selected: the Default model setting, the model used last, the first one offered, or none offered. */
export type SelectionSource = 'default' | 'last' | 'first' | '';
/** ModelService.Overview: one survey of the endpoints, and the model a new conversation starts with. */
export interface ModelsOverview {
  endpoints: EndpointModels[];
  selection: Selection;
  source: SelectionSource;
  /** The Default model setting ({endpointId:'', model:''} for "Last used"). */
  default: Selection;
  /** Whether an endpoint offers the Default model now. */
  defaultOffered: boolean;
}
export interface SearchHit {
  conversationId: number;
  conversationTitle: string;
  messageId: number;
  role: Role;
  /** HTML-escaped by Go except <mark> */
  snippet: string;
  createdAt: number;
  rank: number;
}
export type Theme = 'system' | 'light' | 'dark';
/**
 * The user's preferences (Settings → Save). The model used last is Brook's own
 * state, kept apart (see ModelsOverview), so a Save never undoes it.
 */
export interface Settings {
  /** With defaultModel, the model new conversations start with; both '' = the model used last. */
  defaultEndpointId: string;
  defaultModel: string;
  systemPrompt: string;
  params: Params;
  /** 1 to 3600 seconds. */
  firstTokenTimeoutSeconds: number;
  /** 1 to 3600 seconds. */
  idleTimeoutSeconds: number;
  theme: Theme;
}
export interface SendResult {
  conversation: Conversation;
  user: Message;
  answer: Message;
}
export interface ConversationView {
  conversation: Conversation;
  messages: Message[];
}
export interface ImportResult {
  imported: number;
  skipped: number;
  messages: number;
}
export interface Paths {
  data: string;
  database: string;
  backups: string;
  logs: string;
}
export interface BackupInfo {
  path: string;
  createdAt: number;
  sizeBytes: number;
}
// The stream event types live with the reconciler that consumes them.
import type { StreamEvent } from './stream/types';
export type { StreamPhase, FinalState, StreamEvent, WaitingFor } from './stream/types';
export type ExportFormat = 'markdown' | 'json' | 'html';

export interface BrookApi {
  chat: {
    send(conversationId: number, text: string, endpointId: string, model: string): Promise<SendResult>;
    stop(answerId: number): Promise<void>;
    retry(answerId: number): Promise<Message>;
    continue(answerId: number): Promise<Message>;
    regenerate(answerId: number): Promise<Message>;
    editAndResend(userMessageId: number, text: string): Promise<SendResult>;
    activeAnswers(): Promise<number[]>;
    /** "Don't wait": stop waiting for the stream and ask without streaming now. */
    askNow(answerId: number): Promise<void>;
  };
  conversations: {
    list(archived: boolean, limit: number, offset: number): Promise<Conversation[]>;
    open(id: number): Promise<ConversationView>;
    getMessage(id: number): Promise<Message>;
    create(): Promise<Conversation>;
    rename(id: number, title: string): Promise<void>;
    setPinned(id: number, pinned: boolean): Promise<void>;
    setArchived(id: number, archived: boolean): Promise<void>;
    delete(id: number): Promise<void>;
    restore(id: number): Promise<void>;
    setModel(id: number, endpointId: string, model: string): Promise<void>;
    setSystemPrompt(id: number, text: string): Promise<void>;
    setParams(id: number, params: Params): Promise<void>;
    saveDraft(id: number, text: string): Promise<void>;
    deleteMessage(id: number): Promise<void>;
    search(query: string): Promise<SearchHit[]>;
  };
  models: {
    list(): Promise<EndpointModels[]>;
    /** The model a new conversation starts with: the Default model while offered, else the last used, else the first. */
    default(): Promise<Selection>;
    /** list() and default() from one survey, with why that model. */
    overview(): Promise<ModelsOverview>;
  };
  settings: {
    get(): Promise<Settings>;
    save(s: Settings): Promise<void>;
    endpoints(): Promise<EndpointView[]>;
    saveEndpoint(e: Endpoint, apiKey: string, clearKey: boolean): Promise<Endpoint>;
    deleteEndpoint(id: string): Promise<void>;
    paths(): Promise<Paths>;
    keyringAvailable(): Promise<boolean>;
    backups(): Promise<BackupInfo[]>;
    restoreBackup(path: string): Promise<void>;
    startupNotice(): Promise<string>;
    serverKinds(): Promise<ServerKindInfo[]>;
  };
  transfer: {
    /** Returns the saved path, "" when the user cancelled. */
    export(conversationIds: number[], format: ExportFormat): Promise<string>;
    /** null when the user cancelled. */
    import(): Promise<ImportResult | null>;
  };
  system: {
    openURL(url: string): Promise<void>;
    /** Plain text for bug reports: versions, settings, endpoints, recent errors. No keys, no message content. */
    diagnostics(): Promise<string>;
    /** Tell Go the window is usable (history shown, composer focused); it logs launch-to-usable time. */
    uiReady(): Promise<void>;
    testScenario(): Promise<string>;
    testReport(json: string): Promise<void>;
  };
  events: {
    onStream(cb: (ev: StreamEvent) => void): () => void;
    onConversationsChanged(cb: () => void): () => void;
  };
}

/** Plain-words text of whatever a bound call rejected with (Wails rejects with strings). */
export function errorText(e: unknown): string {
  if (e == null) return 'Unknown error';
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

function bound(service: string, method: string): AnyFn {
  return (...args: unknown[]) => {
    const w = window as unknown as { go?: Record<string, Record<string, Record<string, AnyFn>>> };
    const fn = w.go?.app?.[service]?.[method];
    if (typeof fn !== 'function') {
      return Promise.reject(
        new Error(`Brook's backend is not connected (${service}.${method} is missing). Restart Brook.`),
      );
    }
    return fn(...args);
  };
}

type Runtime = { EventsOn?: (n: string, f: (...d: unknown[]) => void) => () => void };

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

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const b = (s: string, m: string) => bound(s, m) as any;

/** A survey as Go sends it (nil slices as null, empty fields left out), with the defaults filled in. */
function surveyFromGo(l: EndpointModels[] | null | undefined): EndpointModels[] {
  return (l ?? []).map((m) => ({
    ...m,
    models: (m.models ?? []).map((x) => (x.capabilities === null ? { ...x, capabilities: undefined } : x)),
    serverKind: m.serverKind ?? '',
    parallel: m.parallel ?? 0,
    continues: m.continues ?? false,
  }));
}

export function createWailsApi(): BrookApi {
  return {
    chat: {
      send: b('ChatService', 'Send'),
      stop: b('ChatService', 'Stop'),
      retry: b('ChatService', 'Retry'),
      continue: b('ChatService', 'Continue'),
      regenerate: b('ChatService', 'Regenerate'),
      editAndResend: b('ChatService', 'EditAndResend'),
      activeAnswers: async () => ((await b('ChatService', 'ActiveAnswers')()) as number[] | null) ?? [],
      askNow: b('ChatService', 'AskNow'),
    },
    conversations: {
      list: async (archived, limit, offset) =>
        ((await b('ConversationService', 'List')(archived, limit, offset)) as Conversation[] | null) ?? [],
      open: async (id) => {
        const v = (await b('ConversationService', 'Open')(id)) as ConversationView;
        return { conversation: v.conversation, messages: v.messages ?? [] };
      },
      getMessage: b('ConversationService', 'GetMessage'),
      create: b('ConversationService', 'Create'),
      rename: b('ConversationService', 'Rename'),
      setPinned: b('ConversationService', 'SetPinned'),
      setArchived: b('ConversationService', 'SetArchived'),
      delete: b('ConversationService', 'Delete'),
      restore: b('ConversationService', 'Restore'),
      setModel: b('ConversationService', 'SetModel'),
      setSystemPrompt: b('ConversationService', 'SetSystemPrompt'),
      setParams: b('ConversationService', 'SetParams'),
      saveDraft: b('ConversationService', 'SaveDraft'),
      deleteMessage: b('ConversationService', 'DeleteMessage'),
      search: async (q) => ((await b('ConversationService', 'Search')(q)) as SearchHit[] | null) ?? [],
    },
    models: {
      list: async () => surveyFromGo((await b('ModelService', 'List')()) as EndpointModels[] | null),
      default: b('ModelService', 'Default'),
      overview: async () => {
        const o = (await b('ModelService', 'Overview')()) as ModelsOverview;
        const none = { endpointId: '', model: '' };
        return {
          endpoints: surveyFromGo(o.endpoints),
          selection: o.selection ?? none,
          source: o.source ?? '',
          default: o.default ?? none,
          defaultOffered: o.defaultOffered ?? false,
        };
      },
    },
    settings: {
      get: b('SettingsService', 'Get'),
      save: b('SettingsService', 'Save'),
      endpoints: async () => ((await b('SettingsService', 'Endpoints')()) as EndpointView[] | null) ?? [],
      saveEndpoint: b('SettingsService', 'SaveEndpoint'),
      deleteEndpoint: b('SettingsService', 'DeleteEndpoint'),
      paths: b('SettingsService', 'Paths'),
      keyringAvailable: b('SettingsService', 'KeyringAvailable'),
      backups: async () => ((await b('SettingsService', 'Backups')()) as BackupInfo[] | null) ?? [],
      restoreBackup: b('SettingsService', 'RestoreBackup'),
      startupNotice: b('SettingsService', 'StartupNotice'),
      serverKinds: async () => ((await b('SettingsService', 'ServerKinds')()) as ServerKindInfo[] | null) ?? [],
    },
    transfer: {
      export: b('TransferService', 'Export'),
      import: b('TransferService', 'Import'),
    },
    system: {
      openURL: b('SystemService', 'OpenURL'),
      diagnostics: b('SystemService', 'Diagnostics'),
      uiReady: b('SystemService', 'UIReady'),
      testScenario: b('TestService', 'Scenario'),
      testReport: b('TestService', 'Report'),
    },
    events: {
      onStream: (cb) => on('brook:stream', (p) => cb(p as StreamEvent)),
      onConversationsChanged: (cb) => on('brook:conversations', () => cb()),
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
