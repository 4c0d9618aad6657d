// What the fake backend's services share: its data, its events, and the
// look-ups every service makes.
import type { BrookApi } from '../bound';
import type { mcp } from '../../../wailsjs/go/models';
import type {
  AnswerRetrieval,
  AnswerSaved,
  Assistant,
  BackupInfo,
  Conversation,
  EndpointModels,
  ImportPreview,
  KeyStorage,
  KnowledgeFile,
  MachineMemory,
  MemoryFit,
  Message,
  OllamaStatus,
  Project,
  PullProgress,
  QuitRequest,
  Settings,
  ToolChoices,
  ToolEvent,
  ToolServerChanged,
} from '../types';
import type { StreamEvent, WaitingFor } from '../stream/types';
import type { FakeLocalModels } from './data';
import type { FakeTree } from './tree';

/** One call the fake answered: Go's service and method names, and the arguments. */
export interface FakeCall {
  service: string;
  method: string;
  args: unknown[];
}


/** An in-memory BrookApi, and the handles tests use to set it up and drive it. */
export interface FakeApi extends BrookApi {
  db: {
    conversations: Conversation[];
    projects: Project[];
    assistants: Assistant[];
    /** Knowledge files of projects and assistants, and what retrieval gave answers (by message id). */
    knowledge?: KnowledgeFile[];
    answerSources?: Record<number, AnswerRetrieval>;
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
    /** What TransferService.Preview reads at a path: a preview, or the error it refuses with. */
    imports: Record<string, ImportPreview | string>;
    /** What TransferService.PickImport answers ('' is a cancelled dialog). */
    importPick: string;
    /**
     * What ToolCallService sees: the tool picker's choices (configured
     * false: no tool servers yet), and the answers given to approvals.
     */
    tools: { choices: ToolChoices; answers: { messageId: number; callId: string; decision: string }[] };
    /** The local Ollama as OllamaServerService sees it. */
    ollama: {
      status: OllamaStatus;
      /** What Retry and Restart lead to; the current status when unset. */
      next?: OllamaStatus;
      memory: MachineMemory;
      /** Fit answers by model name; a model not here fits. */
      fits: Record<string, MemoryFit>;
    };
    /** Settings → Tools: the MCP servers as ToolService.Servers lists them. */
    toolServers: mcp.ServerView[];
    /** What ToolService.Test leads to, by server id; a server not here becomes ready as it is. */
    toolTests: Record<string, Partial<mcp.ServerView>>;
  };
  /** Every call of a bound method, in order. */
  calls: FakeCall[];
  /** Where the fake keeps API keys: 'keyring' (the default), or set 'session'/'file' as on a machine without one. */
  keyStore: KeyStorage;
  /** Deliver a stream event to subscribers. */
  emit(ev: StreamEvent): void;
  emitConversationsChanged(): void;
  /** Deliver a brook:pull event (missing fields filled in), and remember it for Pulls(). */
  emitPull(p: Partial<PullProgress> & { endpointId: string; model: string }): PullProgress;
  /** Deliver brook:models-changed. */
  emitModelsChanged(): void;
  /** Deliver brook:answer-saved. */
  emitAnswerSaved(s: AnswerSaved): void;
  /** Deliver brook:quit-requested. */
  emitQuitRequested(q: QuitRequest): void;
  /** Deliver brook:ollama-server, and make it the status Status() answers. */
  emitOllamaServer(s: OllamaStatus): void;
  /** Deliver brook:tool. */
  emitTool(ev: ToolEvent): void;
  /** Deliver brook:tool-server (change db.toolServers first: Servers() answers from it). */
  emitToolServer(ev: ToolServerChanged): void;
  /** Files or folders dropped on the window at (x, y) (0, 0 by default), as Wails' native drop tells. */
  emitFileDrop(paths: string[], x?: number, y?: number): void;
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

/** The fake and the look-ups its services make. */
export interface FakeParts {
  fake: FakeApi;
  findConv(id: number): Conversation;
  findMsg(id: number): Message;
  /** The next seq of an answer's events. */
  nextSeq(id: number): number;
  /** Like Go: the final event carries the answer as stored. */
  emitFinal(m: Message): void;
}
