package chat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"brook/backend/events"
	"brook/backend/i18n"
	"brook/backend/provider"
	"brook/backend/store"
	"brook/backend/tools"
)

// DefaultMaxToolRounds is how many rounds of tool calls one answer may make
// when [Config.MaxToolRounds] does not say.
const DefaultMaxToolRounds = 10

// ToolSet is what the engine needs to let models call tools: the tools
// there are, how a call runs, and who allows each call. A ToolSet without
// a Catalog or a Runner offers no tools.
type ToolSet struct {
	Catalog  tools.Catalog
	Runner   tools.Runner
	Approver Approver
}

// Decision is the user's answer to a call waiting for approval.
type Decision string

const (
	// DecisionDeny declines the call; the model is told so.
	DecisionDeny Decision = "deny"
	// DecisionAllowOnce runs this call.
	DecisionAllowOnce Decision = "allow_once"
	// DecisionAlwaysInChat runs this call and every later call of the same
	// tool in the same conversation without asking.
	DecisionAlwaysInChat Decision = "always_in_chat"
)

// ValidDecision reports whether d is one of the Decision values.
func ValidDecision(d Decision) bool {
	return d == DecisionDeny || d == DecisionAllowOnce || d == DecisionAlwaysInChat
}

// ApprovalRequest is a call waiting for the user.
type ApprovalRequest struct {
	ConversationID int64          `json:"conversationId"`
	MessageID      int64          `json:"messageId"`
	Call           store.ToolCall `json:"call"`
	Tool           tools.Tool     `json:"tool"`
}

// Approver asks the user whether a call may run. Approve returns when the
// user has answered, or with ctx's error when the answer was stopped first.
type Approver interface {
	Approve(ctx context.Context, req ApprovalRequest) (Decision, error)
}

// What the model is told in place of a result.
const (
	ResultDeclined     = "The user declined"
	resultStopped      = "The user stopped the answer before this call finished."
	resultCancelled    = "The user cancelled this call."
	resultClosed       = "Brook closed before this call finished."
	resultNotRun       = "This call did not run."
	resultNoApprover   = "The user could not be asked to allow this call, so it did not run."
	resultRoundsCapped = "This call did not run: the answer reached the limit of tool-call rounds."
)

var (
	errToolTimeout   = errors.New("the tool call timed out")
	errToolCancelled = errors.New("the user cancelled the tool call")
)

// toolCalls is the engine's state of tools: the set in use and the calls
// running now, so the user can cancel one.
type toolCalls struct {
	mu      sync.Mutex
	set     ToolSet
	running map[toolCallKey]context.CancelCauseFunc
}

type toolCallKey struct {
	messageID int64
	callID    string
}

// SetTools plugs in the tools models may call. A zero ToolSet, or one
// without a Catalog or Runner, offers none. It may be called at any time;
// answers started after it use the new set.
func (e *Engine) SetTools(ts ToolSet) {
	e.tools.mu.Lock()
	e.tools.set = ts
	e.tools.mu.Unlock()
}

func (e *Engine) toolSet() ToolSet {
	e.tools.mu.Lock()
	defer e.tools.mu.Unlock()
	return e.tools.set
}

// CancelToolCall cancels a running call of an answer. It reports false when
// no such call runs.
func (e *Engine) CancelToolCall(messageID int64, callID string) bool {
	e.tools.mu.Lock()
	cancel := e.tools.running[toolCallKey{messageID, callID}]
	e.tools.mu.Unlock()
	if cancel == nil {
		return false
	}
	cancel(errToolCancelled)
	return true
}

// AvailableTools lists the tools of the catalog, or none when no catalog
// is plugged in.
func (e *Engine) AvailableTools(ctx context.Context) ([]tools.Tool, error) {
	ts := e.toolSet()
	if ts.Catalog == nil || ts.Runner == nil {
		return nil, nil
	}
	return ts.Catalog.Available(ctx)
}

// offerTools returns the tools the answer in conv may call: those the user
// enabled for the conversation, when the model can call tools. A server
// that says what its models can do (Ollama) decides; others get the tools
// the user enabled, and a refusal becomes a clear message.
func (e *Engine) offerTools(ctx context.Context, conv store.Conversation, client provider.Client) []tools.Tool {
	ts := e.toolSet()
	if ts.Catalog == nil || ts.Runner == nil {
		return nil
	}
	settings, err := e.cfg.Store.ConversationTools(ctx, conv.ID)
	if err != nil {
		e.cfg.Logger.Warn("reading the conversation's tools", "conversation", conv.ID, "err", err)
		return nil
	}
	enabled := map[[2]string]bool{}
	for _, s := range settings {
		if s.Enabled {
			enabled[[2]string{s.ServerID, s.Name}] = true
		}
	}
	if len(enabled) == 0 {
		return nil
	}
	if lister, ok := client.(provider.CapabilityLister); ok {
		cctx, cancel := context.WithTimeout(ctx, capabilityTimeout)
		caps, err := lister.Capabilities(cctx, conv.Model)
		cancel()
		if err == nil && caps != nil && !slices.Contains(caps, provider.CapabilityTools) {
			return nil
		}
	}
	available, err := ts.Catalog.Available(ctx)
	if err != nil {
		e.cfg.Logger.Warn("listing the tools", "err", err)
		return nil
	}
	var offered []tools.Tool
	for _, t := range available {
		if enabled[[2]string{t.ServerID, t.Name}] {
			offered = append(offered, t)
		}
	}
	return offered
}

// toolSpecs are the tools as a request offers them.
func toolSpecs(offered []tools.Tool) []provider.ToolSpec {
	specs := make([]provider.ToolSpec, 0, len(offered))
	for _, t := range offered {
		specs = append(specs, provider.ToolSpec{Name: t.ModelName, Description: t.Description, Parameters: t.InputSchema})
	}
	return specs
}

// storedCalls are a whole answer's calls as stored: not run yet, each with
// the server of the offered tool it names.
func storedCalls(calls []provider.ToolCall, offered []tools.Tool) []store.ToolCall {
	if len(calls) == 0 {
		return nil
	}
	out := make([]store.ToolCall, 0, len(calls))
	seen := map[string]bool{}
	for i, c := range calls {
		id := c.ID
		if id == "" || seen[id] {
			id = fmt.Sprintf("call_%d", i)
		}
		seen[id] = true
		sc := store.ToolCall{ID: id, Name: c.Name, Arguments: c.Arguments}
		if t, ok := findTool(offered, c.Name); ok {
			sc.Server = t.ServerName
		}
		out = append(out, sc)
	}
	return out
}

// appendCalls adds the calls of a run to those the answer had before it (an
// answer stopped during its calls, then continued): the earlier ones keep
// their outcomes, and a new call whose id is taken gets another.
func appendCalls(before, added []store.ToolCall) []store.ToolCall {
	if len(before) == 0 {
		return added
	}
	out := slices.Clone(before)
	taken := map[string]bool{}
	for _, c := range before {
		taken[c.ID] = true
	}
	for _, c := range added {
		for n := 2; taken[c.ID]; n++ {
			c.ID = fmt.Sprintf("%s_%d", strings.TrimRight(c.ID, "_0123456789"), len(out)+n)
		}
		taken[c.ID] = true
		out = append(out, c)
	}
	return out
}

func findTool(offered []tools.Tool, modelName string) (tools.Tool, bool) {
	for _, t := range offered {
		if t.ModelName == modelName {
			return t, true
		}
	}
	return tools.Tool{}, false
}

// toolRoundsIn counts the rounds of tool calls the answer after history
// follows: the answers with calls since the user's last message.
func toolRoundsIn(history []store.Message) int {
	n := 0
	for i := len(history) - 1; i >= 0; i-- {
		m := history[i]
		if m.Role != store.RoleAssistant {
			break
		}
		if len(m.ToolCalls) > 0 {
			n++
		}
	}
	return n
}

// capRounds marks the calls of an answer that may make no more rounds as
// skipped, and says why.
func (e *Engine) capRounds(final *store.Message) {
	for i := range final.ToolCalls {
		final.ToolCalls[i].Status, final.ToolCalls[i].Result = store.ToolCallSkipped, resultRoundsCapped
	}
	final.EndReason = string(EndToolRounds)
	final.Error = i18n.T("End.tool_rounds", i18n.Args{"Rounds": e.cfg.MaxToolRounds})
}

// runToolRound settles each call of final in turn: a call to a tool not
// offered, or with arguments that are not a JSON object, is answered with
// the reason and runs nothing; any other call is asked of the user (unless
// allowed always) and run when allowed. Each outcome is stored as it comes.
// It reports whether the answer may go on: false when it was stopped.
func (e *Engine) runToolRound(active *activeAnswer, conv store.Conversation, final *store.Message) bool {
	ts := e.toolSet()
	allowed := map[[2]string]bool{}
	if settings, err := e.cfg.Store.ConversationTools(active.ctx, conv.ID); err == nil {
		for _, s := range settings {
			allowed[[2]string{s.ServerID, s.Name}] = s.AlwaysAllowed
		}
	}
	for i := range final.ToolCalls {
		c := &final.ToolCalls[i]
		if c.Status != store.ToolCallPending {
			continue
		}
		e.settleCall(active, conv, final.ID, ts, allowed, c)
		if err := e.cfg.Store.SetToolCalls(context.Background(), final.ID, final.ToolCalls); err != nil {
			e.cfg.Logger.Error("storing a tool call's outcome", "answer", final.ID, "call", c.ID, "err", err)
		}
		call := *c
		e.cfg.Emitter.Emit(events.ToolEventName, events.ToolEvent{ConversationID: conv.ID, MessageID: final.ID, Phase: events.ToolSettled, Call: &call})
	}
	if active.ctx.Err() == nil {
		return true
	}
	if errors.Is(context.Cause(active.ctx), errStopped) {
		// The answer ends here, stopped by the user, its calls as they are.
		final.State, final.EndReason = store.StateStopped, string(EndUserStop)
		if err := e.cfg.Store.FinishAnswer(context.Background(), *final); err != nil {
			e.cfg.Logger.Error("storing a stopped answer", "answer", final.ID, "err", err)
		}
		m := *final
		e.cfg.Emitter.Emit(events.ToolEventName, events.ToolEvent{ConversationID: conv.ID, MessageID: final.ID, Phase: events.ToolAnswerChanged, Message: &m})
	}
	return false
}

// settleCall settles one call.
func (e *Engine) settleCall(active *activeAnswer, conv store.Conversation, messageID int64, ts ToolSet, allowed map[[2]string]bool, c *store.ToolCall) {
	if active.ctx.Err() != nil {
		c.Status, c.Result = store.ToolCallCancelled, stoppedResult(active.ctx)
		return
	}
	tool, ok := e.offeredTool(active, c.Name)
	if !ok {
		c.Status, c.Result = store.ToolCallUnknownTool, unknownToolResult(c.Name, active.offered)
		return
	}
	args := json.RawMessage(c.Arguments)
	if strings.TrimSpace(c.Arguments) == "" {
		args = json.RawMessage("{}") // A call without arguments, as some models send it.
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(args, &obj); err != nil {
		c.Status, c.Result = store.ToolCallBadArgs, "The arguments are not a JSON object: "+err.Error()+". Nothing ran."
		return
	}
	key := [2]string{tool.ServerID, tool.Name}
	if !tool.AlwaysAllowed && !allowed[key] {
		decision, err := e.askApproval(active, conv, messageID, ts, tool, *c)
		switch {
		case err != nil && active.ctx.Err() != nil:
			c.Status, c.Result = store.ToolCallCancelled, stoppedResult(active.ctx)
			return
		case err != nil:
			c.Status, c.Result = store.ToolCallDenied, resultNoApprover
			return
		case decision == DecisionAlwaysInChat:
			allowed[key] = true
			if err := e.cfg.Store.AllowToolAlways(context.Background(), conv.ID, tool.ServerID, tool.Name); err != nil {
				e.cfg.Logger.Warn("remembering a tool allowed in a conversation", "err", err)
			}
		case decision == DecisionAllowOnce:
		default:
			c.Status, c.Result = store.ToolCallDenied, ResultDeclined
			return
		}
	}
	e.runCall(active, conv, messageID, ts, tool, args, c)
}

func (e *Engine) offeredTool(active *activeAnswer, name string) (tools.Tool, bool) {
	return findTool(active.offered, name)
}

func (e *Engine) askApproval(active *activeAnswer, conv store.Conversation, messageID int64, ts ToolSet, tool tools.Tool, c store.ToolCall) (Decision, error) {
	if ts.Approver == nil {
		return "", errors.New("no approver")
	}
	c.Server = tool.ServerName
	e.cfg.Emitter.Emit(events.ToolEventName, events.ToolEvent{ConversationID: conv.ID, MessageID: messageID,
		Phase: events.ToolApproval, Call: &c, Arguments: tools.PrettyArguments(c.Arguments)})
	return ts.Approver.Approve(active.ctx, ApprovalRequest{ConversationID: conv.ID, MessageID: messageID, Call: c, Tool: tool})
}

// runCall runs an allowed call under the per-call timeout, cancellable by
// the user and by Stop, and records its outcome in c.
func (e *Engine) runCall(active *activeAnswer, conv store.Conversation, messageID int64, ts ToolSet, tool tools.Tool, args json.RawMessage, c *store.ToolCall) {
	ctx, cancel := context.WithCancelCause(active.ctx)
	defer cancel(nil)
	ctx, cancelTimeout := context.WithTimeoutCause(ctx, e.cfg.ToolTimeout, errToolTimeout)
	defer cancelTimeout()
	key := toolCallKey{messageID, c.ID}
	e.tools.mu.Lock()
	if e.tools.running == nil {
		e.tools.running = map[toolCallKey]context.CancelCauseFunc{}
	}
	e.tools.running[key] = cancel
	e.tools.mu.Unlock()
	defer func() {
		e.tools.mu.Lock()
		delete(e.tools.running, key)
		e.tools.mu.Unlock()
	}()

	start := time.Now()
	call := *c
	e.cfg.Emitter.Emit(events.ToolEventName, events.ToolEvent{ConversationID: conv.ID, MessageID: messageID, Phase: events.ToolRunning,
		Call: &call, TimeoutMs: e.cfg.ToolTimeout.Milliseconds(), Since: start.UnixMilli()})
	res, err := ts.Runner.Run(ctx, tool, args)
	c.DurationMs = time.Since(start).Milliseconds()
	var argErr *tools.ArgumentsError
	switch {
	case active.ctx.Err() != nil:
		c.Status, c.Result = store.ToolCallCancelled, stoppedResult(active.ctx)
	case errors.Is(context.Cause(ctx), errToolTimeout):
		c.Status, c.Result = store.ToolCallTimedOut, fmt.Sprintf("The call timed out after %s and was cancelled.", e.cfg.ToolTimeout.Round(time.Second))
	case errors.Is(context.Cause(ctx), errToolCancelled):
		c.Status, c.Result = store.ToolCallCancelled, resultCancelled
	case errors.As(err, &argErr):
		c.Status, c.Result = store.ToolCallBadArgs, argErr.Error()+". Nothing ran."
	case err != nil:
		c.Status, c.Result = store.ToolCallFailed, "The tool could not run: "+err.Error()
	default:
		c.Status, c.IsError = store.ToolCallDone, res.IsError
		c.Result, c.Truncated, c.FullBytes = e.capResult(res)
	}
}

// capResult is a result's text cut at the size cap, with the cut said.
func (e *Engine) capResult(res tools.Result) (text string, truncated bool, fullBytes int) {
	text, truncated, fullBytes = res.Text, res.Truncated, res.FullBytes
	limit := e.cfg.MaxToolResultBytes
	if len(text) <= limit {
		if truncated && fullBytes > len(text) {
			text += fmt.Sprintf("\n\n[Brook cut this result: %d of its %d bytes are shown.]", len(res.Text), fullBytes)
		}
		return text, truncated, fullBytes
	}
	if fullBytes < len(text) {
		fullBytes = len(text)
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut] + fmt.Sprintf("\n\n[Brook cut this result: %d of its %d bytes are shown.]", cut, fullBytes), true, fullBytes
}

func stoppedResult(ctx context.Context) string {
	if errors.Is(context.Cause(ctx), errShutdown) {
		return resultClosed
	}
	return resultStopped
}

func unknownToolResult(name string, offered []tools.Tool) string {
	if len(offered) == 0 {
		return fmt.Sprintf("There is no tool named %q: no tools are available. Nothing ran.", name)
	}
	names := make([]string, len(offered))
	for i, t := range offered {
		names[i] = t.ModelName
	}
	return fmt.Sprintf("There is no tool named %q. The tools you can call are: %s. Nothing ran.", name, strings.Join(names, ", "))
}

// toolResultText is what the model is told of a call: its result, or why
// there is none.
func toolResultText(c store.ToolCall) string {
	if c.Status == store.ToolCallPending {
		return resultNotRun
	}
	if c.Result == "" {
		return "(The tool returned nothing.)"
	}
	return c.Result
}
