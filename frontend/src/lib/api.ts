// The ONLY module that talks to the Go side. Everything else imports `api`
// (and the types) from here. Tests swap the implementation with `setApi`.
//
// The contract is the Wails-generated bindings in frontend/wailsjs (`make
// bindings`; `make test` fails when they are stale). Every bound method is
// called through its generated function, and every type below is a generated
// one, only with Go's named string types narrowed to the values Go uses. A Go
// change the UI does not follow fails `npm run check`.
//
// Bound methods live at window.go.app.<Service>.<Method> (Wails v2) and return
// Promises; events come through window.runtime.EventsOn, which returns an
// unsubscribe function (EventsOff is never used: it drops every listener).
import type { app, chat, conversations, documents, endpoints, kind, localmodels, paths, provider, selection, store } from '../../wailsjs/go/models';
import * as ChatService from '../../wailsjs/go/app/ChatService';
import * as ContextService from '../../wailsjs/go/app/ContextService';
import * as ConversationService from '../../wailsjs/go/app/ConversationService';
import * as LocalModelsService from '../../wailsjs/go/app/LocalModelsService';
import * as ModelService from '../../wailsjs/go/app/ModelService';
import * as SettingsService from '../../wailsjs/go/app/SettingsService';
import * as SystemService from '../../wailsjs/go/app/SystemService';
import * as TransferService from '../../wailsjs/go/app/TransferService';

/**
 * A generated type with some fields narrowed: every field named in N must
 * exist in G, with a type G allows (so a renamed or retyped Go field fails here).
 */
type Narrowed<G, N extends { [K in keyof N]: K extends keyof G ? G[K] : never }> = Flat<Omit<G, keyof N> & N>;
type Flat<T> = { [K in keyof T]: T[K] };

export type Role = 'system' | 'user' | 'assistant';
export type MessageState = 'complete' | 'streaming' | 'interrupted' | 'stopped' | 'failed';
/**
 * Ollama takes on/off and (gpt-oss) the levels; OpenAI-compatible servers take
 * the levels as reasoning_effort. '' (absent) = the model's own behaviour.
 */
export type Think = '' | 'on' | 'off' | 'low' | 'medium' | 'high';
export type Params = Narrowed<store.Params, { think?: Think }>;
export type Conversation = Narrowed<store.Conversation, { params: Params }>;
/** How a recovered answer was completed: the partial answer continued, or the question asked again in full. */
export type RecoveryMethod = 'continued' | 'reasked';
/** An image sent with a message (ChatService.SendWithImages): data is base64 without the data: prefix. */
export type ImageInput = store.ImageInput;
/** A stored image of a message, metadata only (no data); ConversationService.ImageData(id) gives its data: URL. */
export type MessageImage = Omit<store.Image, 'data'>;
/** A document stored with a message, without its text and bytes (ChatService.DocumentText gives the text). */
export type MessageDocument = Omit<store.Document, 'data' | 'text'>;
/** A document read in Go and waiting in the composer (ChatService.ReadDocument). */
export type StagedDocument = documents.Info;
export type Message = Narrowed<
  store.Message,
  { role: Role; state: MessageState; recoveryMethod?: RecoveryMethod; images?: MessageImage[]; documents?: MessageDocument[] }
>;
/** The wire protocol an endpoint speaks: the id of a kind Go registered (SettingsService.EndpointKinds). */
export type EndpointKind = string;
/** Whether an endpoint kind takes an API key. */
export type KeyNeed = 'none' | 'optional' | 'required';
/** One kind of endpoint: its name, key need, defaults and what it can do. Ask it rather than name a kind. */
export type EndpointKindInfo = Narrowed<kind.Info, { key: KeyNeed }>;
/** What software serves an endpoint (Go's provider.ServerKind). */
export type ServerKind = 'ollama' | 'llamacpp' | 'vllm' | 'openrouter' | 'openai' | 'generic';
/** One entry of SettingsService.ServerKinds, in the order Settings offers them. */
export type ServerKindInfo = endpoints.ServerKindOption;
export type Endpoint = Narrowed<store.Endpoint, { kind: EndpointKind }>;
export type EndpointView = Narrowed<endpoints.View, { kind: EndpointKind }>;
/** What failed when an endpoint was tested (Go's endpoints.Failure). */
export type ProbeFailure =
  | 'bad_url' | 'dns' | 'refused' | 'timeout' | 'tls' | 'network' | 'unauthorized' | 'forbidden'
  | 'not_found' | 'http_status' | 'server_error' | 'not_openai' | 'not_ollama' | 'redirect';
/** SettingsService.TestEndpoint: whether the endpoint answered, and Go's words for what it found or what failed. */
export type ProbeResult = Narrowed<endpoints.ProbeResult, { failure?: ProbeFailure; serverKind?: ServerKind }>;
/** capabilities: what the server says the model can do ('completion', 'thinking', …); absent when it does not say. */
export type ModelInfo = provider.Model;
/** The capability of a model that can reason. */
export const CAPABILITY_THINKING = 'thinking';
/** One endpoint of a survey: reachability, models, and the effective server kind and answers at once. */
export type EndpointModels = Narrowed<endpoints.Status, { endpoint: Endpoint; models: ModelInfo[] }>;
export type Selection = endpoints.Selection;
/** Why a model is selected: the Default model setting, the model used last, the first one offered, or none offered. */
export type SelectionSource = 'default' | 'last' | 'first' | '';
/** ModelService.Overview: one survey of the endpoints, and the model a new conversation starts with. */
export type ModelsOverview = Narrowed<selection.Overview, { endpoints: EndpointModels[]; source: SelectionSource }>;
/** snippet is HTML-escaped by Go except <mark>. */
export type SearchHit = Narrowed<store.SearchHit, { role: Role }>;
export type Theme = 'system' | 'light' | 'dark';
/**
 * The user's preferences (Settings → Save). The model used last is Brook's own
 * state, kept apart (see ModelsOverview), so a Save never undoes it.
 */
export type Settings = Narrowed<store.Settings, { params: Params; theme: Theme }>;
export type SendResult = Narrowed<chat.SendResult, { conversation: Conversation; user: Message; answer: Message }>;
export type ConversationView = Narrowed<conversations.View, { conversation: Conversation; messages: Message[] }>;
export type ImportResult = store.ImportResult;
export type Paths = paths.Layout;
export type BackupInfo = app.BackupInfo;
/** Where API keys live: the OS keyring, a file only the user can read, or memory for this session. */
export type KeyLocation = 'keyring' | 'file' | 'session';
export type KeyStorage = Narrowed<app.KeyStorage, { where: KeyLocation }>;
/** The words for reason codes and recovered answers (Go has them all; see reasons.ts). */
export type ReasonTexts = chat.ReasonTexts;
export type RecoveredMark = chat.RecoveredMark;
// The stream event types live with the reconciler that consumes them.
import type { StreamEvent } from './stream/types';
export type { StreamPhase, FinalState, StreamEvent, WaitingFor } from './stream/types';
export type ExportFormat = 'markdown' | 'json' | 'html';

// ---- Ollama's own models (LocalModelsService) ------------------------------
/** A model installed on an Ollama endpoint. size in bytes; modifiedAt in unix ms; capabilities [] when the server does not say. */
export type InstalledModel = localmodels.Installed;
/** A model loaded in memory. expiresAt in unix ms. */
export type LoadedModel = localmodels.Loaded;
/** One model's details (Ollama's show). Every text is plain text, shown as text. */
export type ModelDetails = localmodels.Details;
export type PullState = 'running' | 'done' | 'failed' | 'cancelled';
/** Why a pull failed, for a hint; '' when it did not. */
export type PullErrorKind = 'offline' | 'not_found' | 'disk_full' | 'server_too_old' | 'other' | '';
export type PullLayer = localmodels.LayerProgress;
/** A pull's progress (the brook:pull event, and LocalModelsService.Pulls); error is Go's words. */
export type PullProgress = Narrowed<localmodels.PullProgress, { state: PullState; errorKind: PullErrorKind }>;
/** The small model offered for a first pull (LocalModelsService.SuggestedModel): name, download size in bytes, why. */
export type ModelSuggestion = localmodels.Suggestion;
/** Which Brook this is and where it keeps its files (the About sheet). */
export type AboutInfo = app.AboutInfo;
// Event payloads have no generated types (Wails generates those of bound
// methods only); these mirror Go's events.AnswerSaved and app.QuitRequest.
/** brook:answer-saved: the answer as stored at last (fetch it when message is absent). */
export interface AnswerSaved {
  messageId: number;
  conversationId: number;
  message?: Message;
}
/** brook:quit-requested: what closing now would cut short. */
export interface QuitRequest {
  /** Answers still coming. */
  answering: number;
  /** Answers Brook could not write yet: kept in a file and saved at the next start. */
  unsaved: number;
}
/** How to quit with answers still coming: stop them, wait for them, or finish them at the next start. */
export type QuitHow = 'stop' | 'wait' | 'resume';

/** What a conversation does when it no longer fits its model's window ('' = ask first). */
export type ContextChoice = '' | 'grow' | 'leave_out';
/** ContextService.Plan: the plan of the conversation's next request against its model's context window. */
export type ContextView = Narrowed<chat.ContextView, { choice: ContextChoice; window: ContextWindow }>;
/** A model's window (Go's contextwindow.Window, which the bindings leave untyped). */
export interface ContextWindow {
  tokens: number;
  max: number;
  bytesPerToken?: number;
  answerTokens?: number;
  source: string;
}

export interface BrookApi {
  /** The composer's context meter (app/contextwindow.go). */
  context: {
    plan(conversationId: number, endpointId: string, model: string, draft: string): Promise<ContextView>;
    setChoice(conversationId: number, choice: ContextChoice): Promise<void>;
  };
  chat: {
    send(conversationId: number, text: string, endpointId: string, model: string): Promise<SendResult>;
    /** Send with images for a vision model (at most 8, 10 MB each, PNG/JPEG/WebP/GIF; Go refuses the rest). */
    sendWithImages(conversationId: number, text: string, endpointId: string, model: string, images: ImageInput[]): Promise<SendResult>;
    /** Send with images and the documents waiting in the composer, by their ids. */
    sendWithAttachments(conversationId: number, text: string, endpointId: string, model: string, images: ImageInput[], documentIds: string[]): Promise<SendResult>;
    stop(answerId: number): Promise<void>;
    retry(answerId: number): Promise<Message>;
    continue(answerId: number): Promise<Message>;
    regenerate(answerId: number): Promise<Message>;
    /** The edited question as a new version of it, in place, with a new answer. */
    editAndResend(userMessageId: number, text: string): Promise<SendResult>;
    activeAnswers(): Promise<number[]>;
    /** Writes an answer whose final write failed; rejects with why when it still cannot. */
    saveAgain(answerId: number): Promise<void>;
    /** "Don't wait": stop waiting for the stream and ask without streaming now. */
    askNow(answerId: number): Promise<void>;
  };
  /** Documents attached in the composer, read in Go as they are attached, and stored ones' text. */
  documents: {
    /** Reads a file (base64, at most 50 MB) and holds it for the next message; rejects with why it cannot be read. */
    read(name: string, data: string): Promise<StagedDocument>;
    stagedText(id: string): Promise<string>;
    discard(id: string): Promise<void>;
    /** A stored document with its text. */
    text(attachmentId: number): Promise<store.Document>;
  };
  conversations: {
    list(archived: boolean, limit: number, offset: number): Promise<Conversation[]>;
    open(id: number): Promise<ConversationView>;
    getMessage(id: number): Promise<Message>;
    /** A stored image as a data: URL. */
    imageData(imageId: number): Promise<string>;
    rename(id: number, title: string): Promise<void>;
    setPinned(id: number, pinned: boolean): Promise<void>;
    setArchived(id: number, archived: boolean): Promise<void>;
    delete(id: number): Promise<void>;
    restore(id: number): Promise<void>;
    setModel(id: number, endpointId: string, model: string): Promise<void>;
    setSystemPrompt(id: number, text: string): Promise<void>;
    setParams(id: number, params: Params): Promise<void>;
    saveDraft(id: number, text: string): Promise<void>;
    /** Shows a version in place of its others; returns the messages now shown from it down. */
    showVersion(id: number): Promise<Message[]>;
    /** Removes one version and what follows it; returns how many messages went. */
    deleteVersion(id: number): Promise<number>;
    /** Removes a message with all its versions (what follows it stays); returns how many messages went. */
    deleteMessage(id: number): Promise<number>;
    search(query: string): Promise<SearchHit[]>;
  };
  models: {
    /**
     * Every endpoint with its models, and the model a new conversation starts with (the Default
     * model while offered, else the last used, else the first), from one survey, with why that model.
     */
    overview(): Promise<ModelsOverview>;
  };
  settings: {
    get(): Promise<Settings>;
    save(s: Settings): Promise<void>;
    endpoints(): Promise<EndpointView[]>;
    /** headerValues: new values of some of e.headerNames (kept in the keyring); the others keep theirs. */
    saveEndpoint(e: Endpoint, apiKey: string, clearKey: boolean, headerValues?: Record<string, string>): Promise<Endpoint>;
    /** Tries e as edited, saved or not; an empty apiKey means the key stored for e. */
    testEndpoint(e: Endpoint, apiKey: string): Promise<ProbeResult>;
    deleteEndpoint(id: string): Promise<void>;
    paths(): Promise<Paths>;
    /** Where API keys live now, where the key file is (or would be), and how many keys wait in it. */
    keyStorage(): Promise<KeyStorage>;
    /** With the keyring answering again: move the key file's keys into it and remove the file (the user's yes). */
    moveKeysToKeyring(): Promise<void>;
    /** Without a keyring: keep keys in a 0600 file (true), or stop and remove it (false). */
    setKeyFile(on: boolean): Promise<void>;
    /** The daily backups and the databases restores kept (kind 'before-restore'), newest first. */
    backups(): Promise<BackupInfo[]>;
    /** Restores a backup or kept database at the next start. */
    restoreBackup(path: string): Promise<void>;
    /** Deletes a database a restore kept; nothing else. */
    deleteKeptDatabase(path: string): Promise<void>;
    startupNotice(): Promise<string>;
    serverKinds(): Promise<ServerKindInfo[]>;
    /** The kinds of endpoint, in the order Settings offers them. */
    endpointKinds(): Promise<EndpointKindInfo[]>;
  };
  /** Ollama's own models on an Ollama endpoint: what is installed and loaded, and pulls. */
  localModels: {
    installed(endpointId: string): Promise<InstalledModel[]>;
    loaded(endpointId: string): Promise<LoadedModel[]>;
    details(endpointId: string, name: string): Promise<ModelDetails>;
    unload(endpointId: string, name: string): Promise<void>;
    delete(endpointId: string, name: string): Promise<void>;
    /** Starts a pull in the background and returns at once; progress comes as brook:pull events. */
    pull(endpointId: string, name: string): Promise<void>;
    cancelPull(endpointId: string, name: string): Promise<void>;
    /** Every pull Go knows of (running or ended), for a view opened after a pull began. */
    pulls(): Promise<PullProgress[]>;
    /** The small model Go suggests for a first pull; the UI names no model of its own. */
    suggestedModel(): Promise<ModelSuggestion>;
  };
  transfer: {
    /** Returns the saved path, "" when the user cancelled. allVersions: every version in Markdown and HTML. */
    export(conversationIds: number[], format: ExportFormat, allVersions: boolean): Promise<string>;
    /** null when the user cancelled. */
    import(): Promise<ImportResult | null>;
  };
  system: {
    openURL(url: string): Promise<void>;
    /** Plain text for bug reports: versions, settings, endpoints, recent errors. No keys, no message content. */
    diagnostics(): Promise<string>;
    /** Version, commit, WebKitGTK, the data, log and database paths, and links for the About sheet. */
    about(): Promise<AboutInfo>;
    /** Tell Go the window is usable (history shown, composer focused); it logs launch-to-usable time. */
    uiReady(): Promise<void>;
    /** The words for reason codes and recovered answers, read once at start-up. */
    reasonTexts(): Promise<ReasonTexts>;
    /** Quit as the user chose when answers were still coming (brook:quit-requested). */
    quit(how: QuitHow): Promise<void>;
    testScenario(): Promise<string>;
    testReport(json: string): Promise<void>;
  };
  events: {
    onStream(cb: (ev: StreamEvent) => void): () => void;
    onConversationsChanged(cb: () => void): () => void;
    /** brook:pull: a pull's progress. */
    onPull(cb: (p: PullProgress) => void): () => void;
    /** brook:models-changed: a pull or delete changed an endpoint's models. */
    onModelsChanged(cb: () => void): () => void;
    /** brook:answer-saved: an answer whose final write had failed is stored now. */
    onAnswerSaved(cb: (s: AnswerSaved) => void): () => void;
    /** brook:quit-requested: the user closed the window while answers were still coming. */
    onQuitRequested(cb: (q: QuitRequest) => void): () => void;
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
type GoWindow = { go?: Record<string, Record<string, Record<string, AnyFn>>> };

function notConnected(service: string, method: string): Error {
  return new Error(`Brook's backend is not connected (${service}.${method} is missing). Restart Brook.`);
}

/**
 * A generated service module whose calls reject in plain words, rather than
 * throw a TypeError, when the method is not bound.
 */
function connect<T extends object>(service: string, generated: T): T {
  const out: Record<string, AnyFn> = {};
  for (const [method, call] of Object.entries(generated) as [string, AnyFn][]) {
    out[method] = (...args) => {
      const fn = (window as unknown as GoWindow).go?.app?.[service]?.[method];
      return typeof fn === 'function' ? call(...args) : Promise.reject(notConnected(service, method));
    };
  }
  return out as T;
}

/** TestService exists only in builds with the testhooks tag, so it has no generated bindings. */
function testHook(method: string): AnyFn {
  return (...args) => {
    const fn = (window as unknown as GoWindow).go?.app?.TestService?.[method];
    return typeof fn === 'function' ? fn(...args) : Promise.reject(notConnected('TestService', method));
  };
}

type Runtime = { EventsOn?: (n: string, f: (...d: unknown[]) => void) => () => void };

/**
 * Subscribe to a Wails event. If the runtime is not injected yet, keep trying
 * for a few seconds rather than silently missing every stream event.
 */
export function on(name: string, cb: (payload: unknown) => void): () => void {
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

/** A survey as Go sends it (nil slices as null), with the defaults filled in. */
function surveyFromGo(l: endpoints.Status[] | null | undefined): EndpointModels[] {
  return (l ?? []).map((m) => ({
    ...m,
    endpoint: m.endpoint as Endpoint,
    models: (m.models ?? []).map((x) => (x.capabilities === null ? { ...x, capabilities: undefined } : x)),
    serverKind: m.serverKind ?? '',
    parallel: m.parallel ?? 0,
    continues: m.continues ?? false,
  }));
}

/** A Go slice: nil arrives as null. */
function list<T>(l: T[] | null | undefined): T[] {
  return l ?? [];
}

/** A pull as Go sends it (nil slices as null). */
function pullFromGo(p: localmodels.PullProgress): PullProgress {
  return {
    ...p,
    state: p.state as PullState,
    layers: list(p.layers),
    errorKind: (p.errorKind ?? '') as PullErrorKind,
    error: p.error ?? '',
    status: p.status ?? '',
    resumed: !!p.resumed,
  };
}

export function createWailsApi(): BrookApi {
  const chatService = connect('ChatService', ChatService);
  const conversations = connect('ConversationService', ConversationService);
  const models = connect('ModelService', ModelService);
  const settings = connect('SettingsService', SettingsService);
  const system = connect('SystemService', SystemService);
  const transfer = connect('TransferService', TransferService);
  const local = connect('LocalModelsService', LocalModelsService);
  const contextService = connect('ContextService', ContextService);
  // Go's named string types are plain strings in the bindings; the casts
  // narrow them to the values Go uses (Message, Conversation, ... above).
  return {
    context: {
      plan: async (id, ep, model, draft) => {
        const v = (await contextService.Plan(id, ep, model, draft)) as ContextView;
        return { ...v, leftOut: list(v.leftOut) };
      },
      setChoice: (id, choice) => contextService.SetChoice(id, choice),
    },
    chat: {
      send: (conversationId, text, endpointId, model) =>
        chatService.Send(conversationId, text, endpointId, model) as Promise<SendResult>,
      sendWithImages: (conversationId, text, endpointId, model, images) =>
        chatService.SendWithImages(conversationId, text, endpointId, model, images) as Promise<SendResult>,
      sendWithAttachments: (conversationId, text, endpointId, model, images, documentIds) =>
        chatService.SendWithAttachments(conversationId, text, endpointId, model, images, documentIds) as Promise<SendResult>,
      stop: (id) => chatService.Stop(id),
      retry: (id) => chatService.Retry(id) as Promise<Message>,
      continue: (id) => chatService.Continue(id) as Promise<Message>,
      regenerate: (id) => chatService.Regenerate(id) as Promise<Message>,
      editAndResend: (id, text) => chatService.EditAndResend(id, text) as Promise<SendResult>,
      activeAnswers: async () => list(await chatService.ActiveAnswers()),
      saveAgain: (id) => chatService.SaveAgain(id),
      askNow: (id) => chatService.AskNow(id),
    },
    documents: {
      read: (name, data) => chatService.ReadDocument(name, data),
      stagedText: (id) => chatService.StagedDocumentText(id),
      discard: (id) => chatService.DiscardDocument(id),
      text: (id) => chatService.DocumentText(id),
    },
    conversations: {
      list: async (archived, limit, offset) => list(await conversations.List(archived, limit, offset)) as Conversation[],
      open: async (id) => {
        const v = (await conversations.Open(id)) as ConversationView;
        return { conversation: v.conversation, messages: list(v.messages) };
      },
      getMessage: (id) => conversations.GetMessage(id) as Promise<Message>,
      imageData: (id) => conversations.ImageData(id),
      rename: (id, title) => conversations.Rename(id, title),
      setPinned: (id, pinned) => conversations.SetPinned(id, pinned),
      setArchived: (id, archived) => conversations.SetArchived(id, archived),
      delete: (id) => conversations.Delete(id),
      restore: (id) => conversations.Restore(id),
      setModel: (id, endpointId, model) => conversations.SetModel(id, endpointId, model),
      setSystemPrompt: (id, text) => conversations.SetSystemPrompt(id, text),
      setParams: (id, params) => conversations.SetParams(id, params),
      saveDraft: (id, text) => conversations.SaveDraft(id, text),
      showVersion: async (id) => list(await conversations.ShowVersion(id)) as Message[],
      deleteVersion: (id) => conversations.DeleteVersion(id),
      deleteMessage: (id) => conversations.DeleteMessage(id),
      search: async (q) => list(await conversations.Search(q)) as SearchHit[],
    },
    models: {
      overview: async () => {
        const o = await models.Overview();
        const none = { endpointId: '', model: '' };
        return {
          endpoints: surveyFromGo(o.endpoints),
          selection: o.selection ?? none,
          source: (o.source ?? '') as SelectionSource,
          default: o.default ?? none,
          defaultOffered: o.defaultOffered ?? false,
        };
      },
    },
    settings: {
      get: () => settings.Get() as Promise<Settings>,
      save: (s) => settings.Save(s),
      endpoints: async () => list(await settings.Endpoints()) as EndpointView[],
      saveEndpoint: (e, apiKey, clearKey, headerValues) =>
        (headerValues
          ? settings.SaveEndpointWithHeaders(e, apiKey, clearKey, headerValues)
          : settings.SaveEndpoint(e, apiKey, clearKey)) as Promise<Endpoint>,
      testEndpoint: (e, apiKey) => settings.TestEndpoint(e, apiKey) as Promise<ProbeResult>,
      deleteEndpoint: (id) => settings.DeleteEndpoint(id),
      paths: () => settings.Paths(),
      keyStorage: () => settings.KeyStorage() as Promise<KeyStorage>,
      moveKeysToKeyring: () => settings.MoveKeysToKeyring(),
      setKeyFile: (on) => settings.SetKeyFile(on),
      backups: async () => list(await settings.Backups()),
      restoreBackup: (path) => settings.RestoreBackup(path),
      deleteKeptDatabase: (path) => settings.DeleteKeptDatabase(path),
      startupNotice: () => settings.StartupNotice(),
      serverKinds: async () => list(await settings.ServerKinds()),
      endpointKinds: async () => list(await settings.EndpointKinds()) as EndpointKindInfo[],
    },
    localModels: {
      installed: async (ep) => list(await local.Installed(ep)).map((m) => ({ ...m, capabilities: list(m.capabilities) })),
      loaded: async (ep) => list(await local.Loaded(ep)),
      details: async (ep, name) => {
        const d = await local.Details(ep, name);
        return { ...d, capabilities: list(d.capabilities) };
      },
      unload: (ep, name) => local.Unload(ep, name),
      delete: (ep, name) => local.Delete(ep, name),
      pull: (ep, name) => local.Pull(ep, name),
      cancelPull: (ep, name) => local.CancelPull(ep, name),
      pulls: async () => list(await local.Pulls()).map(pullFromGo),
      suggestedModel: () => local.SuggestedModel(),
    },
    transfer: {
      export: (ids, format, allVersions) => transfer.Export(ids, format, allVersions),
      import: async () => (await transfer.Import()) ?? null,
    },
    system: {
      openURL: (url) => system.OpenURL(url),
      diagnostics: () => system.Diagnostics(),
      about: async () => {
        const a = await system.About();
        return { ...a, links: list(a.links) };
      },
      uiReady: () => system.UIReady(),
      reasonTexts: async () => {
        const t = await system.ReasonTexts();
        return { reasons: t.reasons ?? {}, recovered: list(t.recovered) };
      },
      quit: (how) => system.Quit(how),
      testScenario: testHook('Scenario') as () => Promise<string>,
      testReport: testHook('Report') as (json: string) => Promise<void>,
    },
    events: {
      onStream: (cb) => on('brook:stream', (p) => cb(p as StreamEvent)),
      onConversationsChanged: (cb) => on('brook:conversations', () => cb()),
      onPull: (cb) => on('brook:pull', (p) => cb(pullFromGo(p as localmodels.PullProgress))),
      onModelsChanged: (cb) => on('brook:models-changed', () => cb()),
      onAnswerSaved: (cb) => on('brook:answer-saved', (p) => cb(p as AnswerSaved)),
      onQuitRequested: (cb) => on('brook:quit-requested', (p) => cb(p as QuitRequest)),
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
