export namespace app {
	
	export interface LinkInfo {
	    label: string;
	    url: string;
	}
	export interface AboutInfo {
	    version: string;
	    commit: string;
	    webkitGtk: string;
	    data: string;
	    logs: string;
	    database: string;
	    links: LinkInfo[];
	}
	export interface BackupInfo {
	    path: string;
	    createdAt: number;
	    sizeBytes: number;
	    kind: string;
	}
	export interface KeyStorage {
	    where: string;
	    path: string;
	    fileKeys: number;
	}

}

export namespace chat {
	
	export interface ApprovalRequest {
	    conversationId: number;
	    messageId: number;
	    call: store.ToolCall;
	    tool: tools.Tool;
	}
	export interface ContextView {
	    // Go type: contextwindow
	    window: any;
	    limit: number;
	    numCtx: number;
	    used: number;
	    system: number;
	    history: number;
	    documents: number;
	    question: number;
	    reserve: number;
	    needed: number;
	    fits: boolean;
	    exact: boolean;
	    leftOut: number[];
	    choice: string;
	    needsChoice: boolean;
	    growTo: number;
	    growBytes: number;
	    leaveOutCount: number;
	    tooLong: boolean;
	    ratio: number;
	    lastSent: number;
	    lastLeftOut: number;
	}
	export interface RecoveredMark {
	    method: string;
	    reason: string;
	    label: string;
	    title: string;
	}
	export interface ReasonTexts {
	    reasons: Record<string, string>;
	    recovered: RecoveredMark[];
	}
	
	export interface SendResult {
	    conversation: store.Conversation;
	    user: store.Message;
	    answer: store.Message;
	}
	export interface ToolChoice {
	    serverId: string;
	    serverName: string;
	    name: string;
	    modelName: string;
	    description: string;
	    inputSchema: number[];
	    alwaysAllowed: boolean;
	    enabled: boolean;
	    allowedHere: boolean;
	}
	export interface ToolChoices {
	    configured: boolean;
	    tools: ToolChoice[];
	    model: string;
	    problem?: string;
	}
	export interface ToolRef {
	    serverId: string;
	    name: string;
	}

}

export namespace conversations {
	
	export interface View {
	    conversation: store.Conversation;
	    messages: store.Message[];
	}

}

export namespace documents {
	
	export interface Info {
	    id: string;
	    name: string;
	    kind: string;
	    size: number;
	    pages: number;
	    tokens: number;
	}

}

export namespace endpoints {
	
	export interface ProbeResult {
	    ok: boolean;
	    failure?: string;
	    message: string;
	    url?: string;
	    serverKind?: string;
	    version?: string;
	    models: number;
	    millis: number;
	}
	export interface Selection {
	    endpointId: string;
	    model: string;
	}
	export interface ServerKindOption {
	    value: string;
	    label: string;
	    continues: boolean;
	}
	export interface Status {
	    endpoint: store.Endpoint;
	    reachable: boolean;
	    error?: string;
	    hint?: string;
	    models: provider.Model[];
	    serverKind: string;
	    detectedKind?: string;
	    parallel: number;
	    continues: boolean;
	    listError?: string;
	}
	export interface View {
	    id: string;
	    name: string;
	    kind: string;
	    baseUrl: string;
	    enabled: boolean;
	    models?: string[];
	    serverKind?: string;
	    maxParallel?: number;
	    extraModels?: string[];
	    headerNames?: string[];
	    contextWindow?: number;
	    hasApiKey: boolean;
	}

}

export namespace exchange {
	
	export interface PreviewItem {
	    title: string;
	    createdAt: number;
	    updatedAt: number;
	    messages: number;
	    status: string;
	}
	export interface Preview {
	    token: string;
	    file: string;
	    name: string;
	    conversations: PreviewItem[];
	    messages: number;
	    first: number;
	    last: number;
	    stored: number;
	    leftOut: string[];
	}
	
	export interface Summary {
	    name: string;
	    imported: number;
	    copied: number;
	    skipped: number;
	    messages: number;
	    archived: number;
	    notPicked: number;
	    leftOut: string[];
	}

}

export namespace kind {
	
	export interface Caps {
	    extraModels: boolean;
	    localModels: boolean;
	    thinkOnOff: boolean;
	}
	export interface Info {
	    id: string;
	    label: string;
	    key: string;
	    defaultName: string;
	    defaultUrl: string;
	    caps: Caps;
	    startCommand?: string;
	    site?: string;
	}

}

export namespace localmodels {
	
	export interface Details {
	    name: string;
	    family: string;
	    parameterSize: string;
	    quantization: string;
	    contextLength: number;
	    capabilities: string[];
	    template: string;
	    parameters: string;
	    license: string;
	    system: string;
	}
	export interface Installed {
	    name: string;
	    family: string;
	    parameterSize: string;
	    quantization: string;
	    size: number;
	    modifiedAt: number;
	    capabilities: string[];
	}
	export interface LayerProgress {
	    digest: string;
	    status: string;
	    completed: number;
	    total: number;
	}
	export interface Loaded {
	    name: string;
	    size: number;
	    sizeVram: number;
	    expiresAt: number;
	    contextLength: number;
	}
	export interface PullProgress {
	    endpointId: string;
	    model: string;
	    state: string;
	    status: string;
	    completed: number;
	    total: number;
	    bytesPerSecond: number;
	    etaSeconds: number;
	    layers: LayerProgress[];
	    errorKind: string;
	    error: string;
	    startedAt: number;
	    resumed: boolean;
	}
	export interface Suggestion {
	    name: string;
	    sizeBytes: number;
	    why: string;
	}

}

export namespace mcp {
	
	export interface ToolView {
	    name: string;
	    description: string;
	    alwaysAllowed: boolean;
	    refused: string;
	}
	export interface ServerView {
	    id: string;
	    name: string;
	    kind: string;
	    command: string;
	    args: string[];
	    envNames: string[];
	    url: string;
	    headerNames: string[];
	    enabled: boolean;
	    timeoutSeconds: number;
	    state: string;
	    reason: string;
	    stderr: string[];
	    tools: ToolView[];
	    envSet: string[];
	    headersSet: string[];
	}

}

export namespace ollamaserver {
	
	export interface Fit {
	    known: boolean;
	    fits: boolean;
	    needBytes: number;
	    availableBytes: number;
	    message: string;
	}
	export interface Install {
	    command: string;
	    link: string;
	}
	export interface Memory {
	    known: boolean;
	    availableBytes: number;
	    totalBytes: number;
	}
	export interface Status {
	    state: string;
	    failure?: string;
	    message: string;
	    endpointId: string;
	    url: string;
	    startedByBrook: boolean;
	    binary: string;
	    version: string;
	    versionNote: string;
	    logPath: string;
	    logTail: string[];
	    install: Install;
	    restartHint: string;
	}

}

export namespace paths {
	
	export interface Layout {
	    data: string;
	    database: string;
	    backups: string;
	    logs: string;
	}

}

export namespace provider {
	
	export interface Model {
	    name: string;
	    sizeBytes?: number;
	    capabilities?: string[];
	    manual?: boolean;
	}

}

export namespace selection {
	
	export interface Overview {
	    endpoints: endpoints.Status[];
	    selection: endpoints.Selection;
	    source: string;
	    default: endpoints.Selection;
	    defaultOffered: boolean;
	}

}

export namespace store {
	
	export interface AnswerSource {
	    rank: number;
	    chunkId: number;
	    documentId: number;
	    name: string;
	    page: number;
	    origin: string;
	    text: string;
	}
	export interface AnswerRetrieval {
	    sources: AnswerSource[];
	    noticeKind: string;
	    noticeText: string;
	}
	
	export interface Params {
	    temperature?: number;
	    contextLength?: number;
	    maxTokens?: number;
	    think?: string;
	}
	export interface Assistant {
	    id: number;
	    uid: string;
	    name: string;
	    instructions?: string;
	    endpointId?: string;
	    model?: string;
	    params: Params;
	    firstMessage?: string;
	    createdAt: number;
	    updatedAt: number;
	}
	export interface AssistantImportResult {
	    imported: number;
	    copied: number;
	    skipped: number;
	}
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
	    contextChoice?: string;
	    projectId?: number;
	    assistantId?: number;
	    assistantName?: string;
	}
	export interface Document {
	    id: number;
	    messageId: number;
	    name: string;
	    kind: string;
	    mime: string;
	    hash: string;
	    size: number;
	    pages?: number;
	    tokens: number;
	    text?: string;
	    data?: string;
	}
	export interface Endpoint {
	    id: string;
	    name: string;
	    kind: string;
	    baseUrl: string;
	    enabled: boolean;
	    models?: string[];
	    serverKind?: string;
	    maxParallel?: number;
	    extraModels?: string[];
	    headerNames?: string[];
	    contextWindow?: number;
	}
	export interface Image {
	    id: number;
	    messageId: number;
	    name: string;
	    mime: string;
	    width: number;
	    height: number;
	    size: number;
	    data?: string;
	}
	export interface ImageInput {
	    name: string;
	    mime: string;
	    data: string;
	}
	export interface KnowledgeFile {
	    id: number;
	    projectId?: number;
	    assistantId?: number;
	    documentId: number;
	    name: string;
	    kind: string;
	    hash: string;
	    size: number;
	    pages?: number;
	    tokens: number;
	    addedAt: number;
	    text?: string;
	    data?: string;
	}
	export interface ToolCall {
	    id: string;
	    name: string;
	    server?: string;
	    arguments: string;
	    status?: string;
	    result?: string;
	    isError?: boolean;
	    truncated?: boolean;
	    fullBytes?: number;
	    durationMs?: number;
	}
	export interface Message {
	    id: number;
	    uid: string;
	    conversationId: number;
	    role: string;
	    content: string;
	    reasoning?: string;
	    state: string;
	    images?: Image[];
	    documents?: Document[];
	    toolCalls?: ToolCall[];
	    createdAt: number;
	    updatedAt: number;
	    endpointId?: string;
	    model?: string;
	    firstTokenMs?: number;
	    thinkingMs?: number;
	    tokensPerSecond?: number;
	    promptTokens?: number;
	    completionTokens?: number;
	    promptEstimate?: number;
	    contextLeftOut?: number;
	    recovered?: boolean;
	    recoveryReason?: string;
	    recoveryMethod?: string;
	    endReason?: string;
	    error?: string;
	    resumed?: boolean;
	    parentId?: number;
	    parentUid?: string;
	    shownAt?: number;
	    unsaved?: string;
	    versions?: number[];
	}
	
	export interface Project {
	    id: number;
	    uid: string;
	    name: string;
	    colour?: string;
	    emoji?: string;
	    instructions?: string;
	    endpointId?: string;
	    model?: string;
	    params: Params;
	    sortOrder: number;
	    createdAt: number;
	    updatedAt: number;
	}
	export interface ProjectCount {
	    projectId: number;
	    chats: number;
	}
	export interface ProjectDeletion {
	    moved: number[];
	    trashed: number;
	}
	export interface SearchHit {
	    conversationId: number;
	    conversationTitle: string;
	    messageId: number;
	    role: string;
	    snippet: string;
	    createdAt: number;
	    rank: number;
	    document?: string;
	}
	export interface Settings {
	    defaultEndpointId: string;
	    defaultModel: string;
	    systemPrompt: string;
	    params: Params;
	    firstTokenTimeoutSeconds: number;
	    idleTimeoutSeconds: number;
	    theme: string;
	    language: string;
	    resumeAnswers: boolean;
	    startOllama: boolean;
	    keepOllamaRunning: boolean;
	    autoTitles: boolean;
	    titleEndpointId: string;
	    titleModel: string;
	    embedEndpointId: string;
	    embedModel: string;
	}
	
	export interface ToolServer {
	    id: string;
	    name: string;
	    kind: string;
	    command: string;
	    args: string[];
	    envNames: string[];
	    url: string;
	    headerNames: string[];
	    enabled: boolean;
	    timeoutSeconds: number;
	}

}

export namespace tools {
	
	export interface Tool {
	    serverId: string;
	    serverName: string;
	    name: string;
	    modelName: string;
	    description: string;
	    inputSchema: number[];
	    alwaysAllowed: boolean;
	}

}

