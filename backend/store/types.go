// Package store keeps Brook's conversations, messages, endpoints and settings
// in one SQLite database. It is the only writer of that database.
package store

// Role says who wrote a [Message].
type Role string

const (
	RoleSystem    Role = "system"
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
	// RoleTool is the role of the rows that hold tool results (migration
	// 021). It is never the role of a [Message] the store returns or
	// accepts: a result travels inside its call ([ToolCall.Result]).
	RoleTool Role = "tool"
)

// MessageState is where a [Message] is in its life.
type MessageState string

const (
	// StateComplete is a whole message: a user's, or an answer that ended with its end marker.
	StateComplete MessageState = "complete"
	// StateStreaming is an answer still arriving. At start-up none may remain:
	// they become [StateInterrupted] with their text kept.
	StateStreaming MessageState = "streaming"
	// StateInterrupted is an answer that broke and could not be recovered; its partial text is kept.
	StateInterrupted MessageState = "interrupted"
	// StateStopped is an answer the user stopped; its partial text is kept.
	StateStopped MessageState = "stopped"
	// StateFailed is an answer the server refused (for example an unknown model); Error says why.
	StateFailed MessageState = "failed"
)

// Params are the generation parameters of a conversation. Zero values mean
// "the server's default" and are not sent.
type Params struct {
	Temperature   *float64 `json:"temperature,omitempty"`
	ContextLength int      `json:"contextLength,omitempty"`
	MaxTokens     int      `json:"maxTokens,omitempty"`
	// Think asks a reasoning model to think or not, or how hard ("on",
	// "off", "low", "medium", "high"); empty leaves it to the model.
	Think string `json:"think,omitempty"`
}

// Conversation is one chat. Times are Unix milliseconds.
type Conversation struct {
	ID           int64  `json:"id"`
	UID          string `json:"uid"`
	Title        string `json:"title"`
	TitleIsAuto  bool   `json:"titleIsAuto"`
	CreatedAt    int64  `json:"createdAt"`
	UpdatedAt    int64  `json:"updatedAt"`
	Pinned       bool   `json:"pinned"`
	Archived     bool   `json:"archived"`
	EndpointID   string `json:"endpointId"`
	Model        string `json:"model"`
	SystemPrompt string `json:"systemPrompt"`
	Params       Params `json:"params"`
	Draft        string `json:"draft"`
	// ContextChoice is what the conversation does when it no longer fits
	// its model's context window: one of contextwindow.Choice's values.
	ContextChoice string `json:"contextChoice,omitempty"`
	// ProjectID is the project the conversation belongs to, 0 for none.
	ProjectID int64 `json:"projectId,omitempty"`
	// AssistantID is the assistant the conversation was started from: 0
	// for none, or when that assistant has been purged.
	AssistantID int64 `json:"assistantId,omitempty"`
	// AssistantName is the assistant's name when the conversation began;
	// renaming or changing the assistant later never changes it.
	AssistantName string `json:"assistantName,omitempty"`
}

// Message is one turn of a [Conversation]. Answer statistics are zero on user messages.
type Message struct {
	ID             int64  `json:"id"`
	UID            string `json:"uid"`
	ConversationID int64  `json:"conversationId"`
	Role           Role   `json:"role"`
	Content        string `json:"content"`
	// Reasoning is what a reasoning model thought before its answer. It is
	// kept, shown and exported with the answer, never sent back to a model.
	Reasoning string       `json:"reasoning,omitempty"`
	State     MessageState `json:"state"`
	// Images are the images a user attached to the message, in order.
	Images []Image `json:"images,omitempty"`
	// Documents are the documents a user attached to the message, in order.
	Documents []Document `json:"documents,omitempty"`
	// ToolCalls are the tools an assistant message called, in order, each
	// with its result once it has one.
	ToolCalls []ToolCall `json:"toolCalls,omitempty"`
	CreatedAt int64      `json:"createdAt"`
	UpdatedAt int64      `json:"updatedAt"`

	EndpointID   string `json:"endpointId,omitempty"`
	Model        string `json:"model,omitempty"`
	FirstTokenMs int64  `json:"firstTokenMs,omitempty"`
	// ThinkingMs is how long the model reasoned: from its first thought to
	// its first word of answer.
	ThinkingMs       int64   `json:"thinkingMs,omitempty"`
	TokensPerSecond  float64 `json:"tokensPerSecond,omitempty"`
	PromptTokens     int     `json:"promptTokens,omitempty"`
	CompletionTokens int     `json:"completionTokens,omitempty"`
	// PromptEstimate is Brook's estimate of the answer's prompt tokens when
	// it was asked for; beside PromptTokens (what the server counted) it
	// corrects the conversation's later estimates.
	PromptEstimate int `json:"promptEstimate,omitempty"`
	// ContextLeftOut is how many earlier messages were left out of the
	// answer's request to fit the model's context window.
	ContextLeftOut int `json:"contextLeftOut,omitempty"`
	// Recovered is true when the stream broke and the whole answer came from a
	// non-streaming request; RecoveryReason says what broke.
	Recovered      bool   `json:"recovered,omitempty"`
	RecoveryReason string `json:"recoveryReason,omitempty"`
	// RecoveryMethod says how a recovered answer was completed:
	// [RecoveryContinued] or [RecoveryReasked].
	RecoveryMethod string `json:"recoveryMethod,omitempty"`
	// EndReason is how the answer ended: one of chat.EndReason's values
	// ("stop", "length", "user_stop", ...), the server's own finish reason,
	// or a broken-stream reason such as "dropped" or "idle_timeout".
	EndReason string `json:"endReason,omitempty"`
	// Error is a plain-words reason shown to the user for interrupted and failed answers.
	Error string `json:"error,omitempty"`
	// Resumed is true when Brook finished the answer after a restart: a
	// quit, a crash or a power cut had cut it, and it was continued at the
	// next start.
	Resumed bool `json:"resumed,omitempty"`
	// Run is the number of the run that produces or produced an answer;
	// checkpoints and the final write must name it. Internal: not exported.
	Run int64 `json:"-"`

	// ParentID is the message this one follows (0 for the first of its
	// conversation). The messages that share a parent are versions of one
	// turn; see [Store.ShownPath].
	ParentID int64 `json:"parentId,omitempty"`
	// ParentUID is the parent's UID, for exports and imports, where
	// database IDs mean nothing.
	ParentUID string `json:"parentUid,omitempty"`
	// ShownAt is when this version was last put on show, in Unix
	// milliseconds: at every level the shown path takes the version shown last.
	ShownAt int64 `json:"shownAt,omitempty"`
	// Unsaved, on an answer whose final write failed and that Brook keeps
	// in memory meanwhile, says why; it is never stored.
	Unsaved string `json:"unsaved,omitempty"`
	// Versions are the IDs of this message's versions (itself among them),
	// oldest first, when it has more than one. Only messages read as a shown
	// path carry them.
	Versions []int64 `json:"versions,omitempty"`
}

// How a recovered answer was completed; see [Message.RecoveryMethod].
const (
	// RecoveryContinued: the model was asked to continue the partial answer,
	// and only the continuation was appended.
	RecoveryContinued = "continued"
	// RecoveryReasked: the whole question was asked again without streaming,
	// and the new answer replaced the partial one.
	RecoveryReasked = "reasked"
)

// EndpointKind is the wire protocol an [Endpoint] speaks: the ID of a kind
// registered in brook/backend/endpoints/kind ("ollama", "openai"). The store
// keeps any well-formed ID; the kinds are known above it.
type EndpointKind string

// Endpoint is a configured model server. Its API key is never stored here:
// it lives in the OS keyring under the endpoint's ID.
type Endpoint struct {
	ID      string       `json:"id"`
	Name    string       `json:"name"`
	Kind    EndpointKind `json:"kind"`
	BaseURL string       `json:"baseUrl"`
	Enabled bool         `json:"enabled"`
	// Models, when not empty, is a fixed list to offer instead of asking the server.
	Models []string `json:"models,omitempty"`
	// ServerKind, when set, is the user's word on what software serves the
	// endpoint (a provider.ServerKind); empty means Brook detects it.
	ServerKind string `json:"serverKind,omitempty"`
	// MaxParallel is how many answers Brook sends to the endpoint at once;
	// 0 means the server's own default. Further answers wait in Brook's queue.
	MaxParallel int `json:"maxParallel,omitempty"`
	// ExtraModels are model names the user added by hand, for servers that
	// do not list them: offered alongside those the server lists.
	ExtraModels []string `json:"extraModels,omitempty"`
	// HeaderNames are the names of extra HTTP headers sent on every request
	// to the endpoint. Their values may be secrets and live in the keyring
	// (see [HeaderSecretID]), never in the database.
	HeaderNames []string `json:"headerNames,omitempty"`
	// ContextWindow is the context window, in tokens, of the endpoint's
	// models when its server does not say (OpenAI, OpenRouter, a proxy);
	// 0 means ask the server. A window the server reports wins.
	ContextWindow int `json:"contextWindow,omitempty"`
}

// HeaderSecretID is the keyring id of the value of the endpoint's extra
// header name (canonical form, as stored in [Endpoint.HeaderNames]).
func HeaderSecretID(endpointID, name string) string {
	return endpointID + "/header/" + name
}

// SearchHit is one message that matches a full-text search. Snippet is plain
// text except for <mark>…</mark> around the matched terms; everything else in
// it is HTML-escaped, so the UI may insert it as HTML.
type SearchHit struct {
	ConversationID    int64   `json:"conversationId"`
	ConversationTitle string  `json:"conversationTitle"`
	MessageID         int64   `json:"messageId"`
	Role              Role    `json:"role"`
	Snippet           string  `json:"snippet"`
	CreatedAt         int64   `json:"createdAt"`
	Rank              float64 `json:"rank"`
	// Document is the name of the attached document the words were found
	// in, or empty when they are in the message itself.
	Document string `json:"document,omitempty"`
}

// Bundle is a conversation with all its messages, the unit of export and import.
type Bundle struct {
	Conversation Conversation `json:"conversation"`
	Messages     []Message    `json:"messages"`
	// Project is the conversation's project, nil when it is in none.
	Project *BundleProject `json:"project,omitempty"`
	// Tools are the conversation's tool settings (see [BundleTool]).
	Tools []BundleTool `json:"tools,omitempty"`
}

// BundleProject is a conversation's project as an export carries it: its
// identity across databases (UID) and everything the user chose of it,
// without database IDs or the sidebar's order.
type BundleProject struct {
	UID          string `json:"uid"`
	Name         string `json:"name"`
	Colour       string `json:"colour,omitempty"`
	Emoji        string `json:"emoji,omitempty"`
	Instructions string `json:"instructions,omitempty"`
	EndpointID   string `json:"endpointId,omitempty"`
	Model        string `json:"model,omitempty"`
	Params       Params `json:"params"`
	// Knowledge are the project's knowledge files with their text and
	// bytes. An export writes them once, with the first conversation of
	// the project it holds; the others carry the project without them.
	Knowledge []Document `json:"knowledge,omitempty"`
}

// ImportResult says what an import did.
type ImportResult struct {
	Imported int `json:"imported"` // conversations added, copies included
	Copied   int `json:"copied"`   // of those, how many came in as copies beside a different one with the same UID
	Skipped  int `json:"skipped"`  // conversations already stored as they are
	Messages int `json:"messages"` // messages added
}
