// The types the UI shares: the Wails-generated ones (frontend/wailsjs, `make
// bindings`), only with Go's named string types narrowed to the values Go
// uses, and the event payloads Wails does not generate. A leaf module: it
// imports nothing of the UI, so any module may import it (api.ts, the stream
// engine, the fake) without a loop. A Go change the UI does not follow fails
// `npm run check`.
import type { app, chat, conversations, documents, endpoints, exchange, kind, localmodels, ollamaserver, paths, provider, selection, store } from '../../wailsjs/go/models';

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
/** A project: conversations grouped under shared instructions (sent before each one's own system prompt) and defaults. */
export type Project = Narrowed<store.Project, { params: Params }>;
/** What ProjectService.Delete did, for its undo: the chats it moved out, and how many went to the trash. */
export type ProjectDeletion = store.ProjectDeletion;
/** An assistant: a saved chat set-up a new conversation can start from. */
export type Assistant = Narrowed<store.Assistant, { params: Params }>;
export type Message = Narrowed<
  store.Message,
  { role: Role; state: MessageState; recoveryMethod?: RecoveryMethod; images?: MessageImage[]; documents?: MessageDocument[]; toolCalls?: ToolCall[] }
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
/** What importing one conversation of a preview would do: add it, skip it (already in Brook as it is), or add a copy beside a different one with its id. */
export type ImportStatus = 'new' | 'stored' | 'changed';
export type ImportPreviewItem = Narrowed<exchange.PreviewItem, { status: ImportStatus }>;
/** TransferService.Preview: what a picked or dropped file, folder or ZIP would bring; times in unix ms (0 unknown). */
export type ImportPreview = Narrowed<exchange.Preview, { conversations: ImportPreviewItem[] }>;
/** TransferService.ImportPicked: what the import did. */
export type ImportSummary = exchange.Summary;
export type Paths = paths.Layout;
export type BackupInfo = app.BackupInfo;
/** Where API keys live: the OS keyring, a file only the user can read, or memory for this session. */
export type KeyLocation = 'keyring' | 'file' | 'session';
export type KeyStorage = Narrowed<app.KeyStorage, { where: KeyLocation }>;
/** The words for reason codes and recovered answers (Go has them all; see reasons.ts). */
export type ReasonTexts = chat.ReasonTexts;
export type RecoveredMark = chat.RecoveredMark;
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
/** What retrieval gave an answer: the excerpts with their sources, and a notice when it searched by words only. */
export type AnswerRetrieval = store.AnswerRetrieval;
export type AnswerSource = store.AnswerSource;
/** A document a project or an assistant holds for its chats to retrieve from. */
export type KnowledgeFile = store.KnowledgeFile;
/** Which Brook this is and where it keeps its files (the About sheet). */
export type AboutInfo = app.AboutInfo;

// ---- The context window (ContextService) -----------------------------------
/** What a conversation does when it no longer fits its model's window ('' = ask first). */
export type ContextChoice = '' | 'grow' | 'leave_out';
/** A model's window (Go's contextwindow.Window, which the bindings leave untyped). */
export interface ContextWindow {
  tokens: number;
  max: number;
  bytesPerToken?: number;
  answerTokens?: number;
  source: string;
}
/** ContextService.Plan: the plan of the conversation's next request against its model's context window. */
export type ContextView = Narrowed<chat.ContextView, { choice: ContextChoice; window: ContextWindow }>;

// ---- The local Ollama Brook starts (OllamaServerService) -------------------
/** Where the local Ollama stands (Go's ollamaserver.State). */
export type OllamaState = '' | 'starting' | 'running' | 'failed' | 'not_installed' | 'off' | 'stopped' | 'remote' | 'no_endpoint';
/** What went wrong in 'failed' (Go's ollamaserver.Failure). */
export type OllamaFailure = '' | 'port_taken' | 'not_answering' | 'wont_run' | 'exited' | 'no_answer' | 'crashed';
/** The local Ollama's status (also the brook:ollama-server event); message, logTail and the hints are Go's words, shown as text. */
export type OllamaStatus = Narrowed<ollamaserver.Status, { state: OllamaState; failure: OllamaFailure }>;
/** This machine's memory; known is false for an endpoint elsewhere or where Brook cannot read it. */
export type MachineMemory = ollamaserver.Memory;
/** Whether a model fits in memory before it loads; message warns when it does not. */
export type MemoryFit = ollamaserver.Fit;

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
/** How a tool call ended (Go's store.ToolCallStatus); '' or absent: not settled yet. */
export type ToolCallStatus = '' | 'done' | 'denied' | 'failed' | 'timed_out' | 'cancelled' | 'unknown_tool' | 'bad_arguments' | 'skipped';
/** One tool call of an answer, with its result (Go's store.ToolCall). Its result is untrusted text. */
export type ToolCall = Narrowed<store.ToolCall, { status?: ToolCallStatus }>;
/** The user's answer to a call waiting for approval (Go's chat.Decision). */
export type ToolDecision = 'allow_once' | 'always_in_chat' | 'deny';
/** The composer's tool picker for a conversation (Go's chat.ToolChoices); model: 'yes', 'no' or 'unknown'. */
export type ToolChoices = chat.ToolChoices;
/** A call waiting for approval (Go's chat.ApprovalRequest). */
export type ApprovalRequest = chat.ApprovalRequest;
/** brook:tool: one step of an answer's tool calls (Go's events.ToolEvent). */
export interface ToolEvent {
  conversationId: number;
  messageId: number;
  phase: 'approval' | 'running' | 'settled' | 'next' | 'answer';
  call?: ToolCall;
  /** The arguments pretty-printed, for the approval. */
  arguments?: string;
  /** While running: the call's timeout, and when it started (Unix ms). */
  timeoutMs?: number;
  since?: number;
  /** next: the answer after the round, streaming; answer: the answer as stored. */
  message?: Message;
}
/** brook:tool-server: an MCP server's state changed (Go's events.ToolServerChanged); read its view again. */
export interface ToolServerChanged {
  serverId: string;
  state: 'stopped' | 'starting' | 'ready' | 'failed';
}
/** How to quit with answers still coming: stop them, wait for them, or finish them at the next start. */
export type QuitHow = 'stop' | 'wait' | 'resume';
