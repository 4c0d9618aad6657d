// The bound Go services as the UI calls them: the Wails-generated bindings
// (frontend/wailsjs, `make bindings`) with their types narrowed to the UI's
// (types.ts). BrookApi is derived from the generated declarations, so a method
// bound in Go is part of it as soon as the bindings are generated: api.ts
// calls it with no edit, and the fake (fake/) fails `npm run check` until it
// has it too. A new service is one line in `bound`.
import type { app, chat, conversations, endpoints, exchange, kind, localmodels, ollamaserver, selection, store } from '../../wailsjs/go/models';
import * as AssistantService from '../../wailsjs/go/app/AssistantService';
import * as ChatService from '../../wailsjs/go/app/ChatService';
import * as ContextService from '../../wailsjs/go/app/ContextService';
import * as ConversationService from '../../wailsjs/go/app/ConversationService';
import * as LocalModelsService from '../../wailsjs/go/app/LocalModelsService';
import * as ModelService from '../../wailsjs/go/app/ModelService';
import * as OllamaServerService from '../../wailsjs/go/app/OllamaServerService';
import * as ProjectService from '../../wailsjs/go/app/ProjectService';
import * as RetrievalService from '../../wailsjs/go/app/RetrievalService';
import * as SettingsService from '../../wailsjs/go/app/SettingsService';
import * as SystemService from '../../wailsjs/go/app/SystemService';
import * as ToolService from '../../wailsjs/go/app/ToolService';
import * as TransferService from '../../wailsjs/go/app/TransferService';
import * as ToolCallService from '../../wailsjs/go/app/ToolCallService';
import type {
  AnswerSaved,
  Assistant,
  ContextView,
  Conversation,
  ConversationView,
  Endpoint,
  EndpointKindInfo,
  EndpointView,
  ImportPreview,
  ImportPreviewItem,
  KeyStorage,
  Message,
  OllamaStatus,
  Params,
  Project,
  ModelsOverview,
  ProbeResult,
  PullProgress,
  QuitRequest,
  SearchHit,
  SendResult,
  Settings,
  ToolEvent,
  ToolServerChanged,
} from './types';
import type { StreamEvent } from './stream/types';

/** Every bound Go service, as Wails generates it. */
export const bound = {
  AssistantService,
  ChatService,
  ContextService,
  ConversationService,
  LocalModelsService,
  ModelService,
  OllamaServerService,
  ProjectService,
  RetrievalService,
  SettingsService,
  SystemService,
  ToolService,
  TransferService,
  ToolCallService,
};
export type Bound = typeof bound;

/** Each generated type the UI narrows, with its narrowed type (types.ts). */
type Narrowings = [
  [store.Message, Message],
  [store.Conversation, Conversation],
  [store.Params, Params],
  [store.Project, Project],
  [store.Assistant, Assistant],
  [store.Endpoint, Endpoint],
  [store.SearchHit, SearchHit],
  [store.Settings, Settings],
  [exchange.PreviewItem, ImportPreviewItem],
  [exchange.Preview, ImportPreview],
  [chat.SendResult, SendResult],
  [chat.ContextView, ContextView],
  [conversations.View, ConversationView],
  [endpoints.View, EndpointView],
  [kind.Info, EndpointKindInfo],
  [app.KeyStorage, KeyStorage],
  [endpoints.ProbeResult, ProbeResult],
  [selection.Overview, ModelsOverview],
  [localmodels.PullProgress, PullProgress],
  [ollamaserver.Status, OllamaStatus],
];
type Same<A, B> = (<G>() => G extends A ? 1 : 2) extends <G>() => G extends B ? 1 : 2 ? true : false;
/** A generated type as the UI sees it: narrowed when Narrowings names it (also in a list), else as it is. */
export type Narrow<T, L = Narrowings> = T extends readonly (infer E)[]
  ? Narrow<E>[]
  : L extends [[infer G, infer N], ...infer Rest]
    ? Same<T, G> extends true
      ? N
      : Narrow<T, Rest>
    : T;
type NarrowArgs<A extends unknown[]> = { [I in keyof A]: Narrow<A[I]> };
/** A generated service with its arguments and results narrowed. */
type Service<G> = {
  [M in keyof G]: G[M] extends (...a: infer A) => Promise<infer R> ? (...a: NarrowArgs<A>) => Promise<Narrow<R>> : never;
};
export type Services = { [S in keyof Bound]: Service<Bound[S]> };

/** TestService exists only in builds with the testhooks tag, so it has no generated bindings. */
export interface TestHooks {
  /** The test-mode scenario to run ('' in a normal start). */
  Scenario(): Promise<string>;
  Report(json: string): Promise<void>;
  /** Logs "test mark" with what: the scenario reached a state the test acts on (photographs, answers with real keys). */
  Mark(what: string): Promise<void>;
}

/** Go's events (Wails generates no types for them; these mirror Go's). */
export interface Events {
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
  /** brook:ollama-server: each change of the local Ollama's status. */
  onOllamaServer(cb: (s: OllamaStatus) => void): () => void;
  /** brook:tool: a step of an answer's tool calls (an approval, a call running or settled, the next answer). */
  onTool(cb: (ev: ToolEvent) => void): () => void;
  /** brook:tool-server: an MCP server started, became ready, failed or stopped. */
  onToolServer(cb: (ev: ToolServerChanged) => void): () => void;
  /** Files or folders dropped on the window (Wails' native drop): their paths, and where they were let go. */
  onFileDrop(cb: (paths: string[], x: number, y: number) => void): () => void;
}

export type BrookApi = Services & { TestService: TestHooks; events: Events };
