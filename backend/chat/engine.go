// Package chat runs conversations: it stores the user's message, streams the
// answer from a provider, reports it to the UI through a per-answer relay,
// checkpoints it, and when the stream breaks repeats the request without
// streaming so the answer is delivered whole.
package chat

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"brook/backend/events"
	"brook/backend/i18n"
	"brook/backend/store"
)

// Config wires an [Engine]. Zero durations take the defaults.
type Config struct {
	Store     Store
	Providers Providers
	// Windows finds each model's context window; without it the window is
	// unknown unless the user set a Context length.
	Windows Windows
	Emitter events.Emitter
	Logger  *slog.Logger

	// FrameInterval is the most often one answer emits a delta event.
	FrameInterval time.Duration
	// CheckpointInterval bounds how much streamed text a crash may lose.
	CheckpointInterval time.Duration
	// RecoveryAttempts is how many non-streaming requests a broken stream gets.
	RecoveryAttempts int
	// RecoveryBackoff is the wait before the second attempt; it doubles after.
	RecoveryBackoff time.Duration
	// MaxRecoveryWait caps any single wait, including a server's Retry-After.
	MaxRecoveryWait time.Duration
	// Clocks overrides the stream watchdog's settings (tests). Without it
	// the defaults apply, with the ceilings from the user's settings.
	Clocks *Clocks
	// SaveRetry is the first wait before a failed final write is tried
	// again; it doubles up to MaxSaveRetry.
	SaveRetry    time.Duration
	MaxSaveRetry time.Duration
	// UnsavedDir is where [Engine.Close] leaves answers it could not store,
	// for [ApplyUnsaved] at the next start; empty keeps them nowhere.
	UnsavedDir string
	// ToolTimeout is how long one tool call may run; default 2 minutes.
	ToolTimeout time.Duration
	// MaxToolRounds is how many rounds of tool calls one answer may make
	// before Brook stops it; default [DefaultMaxToolRounds].
	MaxToolRounds int
	// MaxToolResultBytes caps a result sent to the model; longer ones are
	// cut, and the cut said. Default 64 KiB.
	MaxToolResultBytes int
	// Titles lets the engine ask a model for a conversation's title after
	// its first answer, as the user's settings say ([store.Settings.AutoTitles]).
	// The app sets it; a one-shot run such as the command line's ask, which
	// ends with its answer, leaves it off.
	Titles bool
	// Retriever, when set, sends documents too large for the model's
	// window as the excerpts that best answer the question, and adds the
	// knowledge files of the conversation's project and assistant.
	Retriever Retriever
}

func (c *Config) setDefaults() {
	if c.FrameInterval == 0 {
		// Each event costs the Go process and WebKit a round trip; the UI
		// paces its own painting anyway, so ten updates a second read as live
		// text at a quarter of the cost of forty.
		c.FrameInterval = 100 * time.Millisecond
	}
	if c.CheckpointInterval == 0 {
		c.CheckpointInterval = 250 * time.Millisecond
	}
	if c.RecoveryAttempts == 0 {
		c.RecoveryAttempts = 3
	}
	if c.RecoveryBackoff == 0 {
		c.RecoveryBackoff = time.Second
	}
	if c.MaxRecoveryWait == 0 {
		c.MaxRecoveryWait = 30 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.ToolTimeout == 0 {
		c.ToolTimeout = 2 * time.Minute
	}
	if c.MaxToolRounds == 0 {
		c.MaxToolRounds = DefaultMaxToolRounds
	}
	if c.MaxToolResultBytes == 0 {
		c.MaxToolResultBytes = 64 << 10
	}
	if c.SaveRetry == 0 {
		c.SaveRetry = 500 * time.Millisecond
	}
	if c.MaxSaveRetry == 0 {
		c.MaxSaveRetry = 30 * time.Second
	}
}

// Engine runs answers. Several may stream at once; each has its own
// goroutines and touches only its own message.
type Engine struct {
	cfg Config

	ctx      context.Context
	shutdown context.CancelCauseFunc

	mu      sync.Mutex
	active  map[int64]*activeAnswer // by answer
	live    map[int64]bool          // conversations with an answer being produced, or about to be
	titled  map[int64]bool          // conversations asked for a title in this run
	windows map[string]int          // the window last asked of each endpoint and model
	titling sync.WaitGroup          // title requests under way (also counted in wg)
	closing bool                    // Close has begun: no action starts any more
	wg      sync.WaitGroup          // actions under way and answers being produced
	runs    atomic.Int64            // the last run number given out

	unsaved *unsavedAnswers

	queues  queues
	pace    paceMemory
	refusal prefillRefusals

	tools toolCalls

	// paintInterval is how often the UI paints a streaming answer, as it
	// last said (SetPaintInterval), in nanoseconds; 0 until it says.
	paintInterval atomic.Int64
}

// MaxPaintInterval is the longest paint interval the UI may ask frames to
// wait for.
const MaxPaintInterval = 2 * time.Second

// SetPaintInterval tells the engine how often the UI paints a streaming
// answer (its frame pacer adapts that to what a frame costs). Once an
// answer's first words are out, its events come no more often than that,
// so WebKit is not woken for text it would hold until its next paint. It
// is capped at [MaxPaintInterval]; 0 goes back to the engine's own frame.
func (e *Engine) SetPaintInterval(d time.Duration) {
	e.paintInterval.Store(int64(min(max(d, 0), MaxPaintInterval)))
}

// ErrClosing is returned by every action that arrives once Brook has begun
// to close.
var ErrClosing = i18n.New("App.closing")

// errStopped is the cancel cause of a user's Stop; errShutdown of Brook closing.
var (
	errStopped           = errors.New("stopped by the user")
	errShutdown          = i18n.New("Chat.closedBeforeFinished")
	errFirstTokenTimeout = errors.New("first-token timeout")
	errIdleTimeout       = errors.New("idle timeout")
	errAskedNow          = errors.New("asked without streaming")
)

// New returns an Engine. Call [Engine.Close] when the app shuts down.
func New(cfg Config) *Engine {
	cfg.setDefaults()
	ctx, cancel := context.WithCancelCause(context.Background())
	e := &Engine{cfg: cfg, ctx: ctx, shutdown: cancel, active: map[int64]*activeAnswer{}, live: map[int64]bool{}, titled: map[int64]bool{}}
	e.unsaved = newUnsavedAnswers(e)
	// Run numbers only grow, across restarts too, so an old run's late write never matches.
	e.runs.Store(time.Now().UnixNano())
	return e
}

// Close stops every answer, which is stored as interrupted with its text
// kept (and resumed at the next start), and waits for them and every action
// under way to be written. Actions that arrive meanwhile fail with
// [ErrClosing] before they touch anything. Answers whose final write still
// fails are left in [Config.UnsavedDir].
func (e *Engine) Close() {
	e.mu.Lock()
	e.closing = true
	e.mu.Unlock()
	e.shutdown(errShutdown)
	e.wg.Wait()
	e.unsaved.close(e.cfg.UnsavedDir)
}

// enter counts an action in, so [Engine.Close] waits for it, or fails with
// [ErrClosing] once Close has begun. The action calls the returned func when
// it is done.
func (e *Engine) enter() (func(), error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closing {
		return nil, ErrClosing
	}
	e.wg.Add(1)
	return e.wg.Done, nil
}

// SendRequest is a user's new message.
type SendRequest struct {
	// ConversationID is 0 for a new conversation.
	ConversationID int64
	Text           string
	// EndpointID and Model choose the model; empty keeps the conversation's.
	EndpointID string
	Model      string
	// Images go with the message, each checked (guard.Image) and with its bytes.
	Images []store.Image
	// Documents go with the message, each read (documents.Read) with its
	// bytes and text.
	Documents []store.Document
	// Tools are enabled for the conversation before its answer starts, so
	// the first answer of a new chat is offered the tools the user chose
	// before it existed.
	Tools []ToolRef
}

// SendResult is what [Engine.Send] stored before the answer started.
type SendResult struct {
	Conversation store.Conversation `json:"conversation"`
	User         store.Message      `json:"user"`
	Answer       store.Message      `json:"answer"`
}

// ErrEmptyMessage is returned for a message with nothing but white space.
var ErrEmptyMessage = i18n.New("Chat.emptyMessage")

// ErrNoModel is returned when no model is chosen for the conversation.
var ErrNoModel = i18n.New("Chat.noModel")

// Send commits the user's message, with its images in the same transaction,
// creates the answer in state streaming, and starts streaming it. It returns
// as soon as both are stored. Images for a model its server says cannot see
// are refused ([ErrNoVision]) before anything is stored.
func (e *Engine) Send(ctx context.Context, req SendRequest) (SendResult, error) {
	if strings.TrimSpace(req.Text) == "" && len(req.Images) == 0 && len(req.Documents) == 0 {
		return SendResult{}, ErrEmptyMessage
	}
	done, err := e.enter()
	if err != nil {
		return SendResult{}, err
	}
	defer done()
	if err := e.checkVision(ctx, req); err != nil {
		return SendResult{}, err
	}
	if err := checkToolRefs(req.Tools); err != nil {
		return SendResult{}, err
	}
	var slot *reservation
	if req.ConversationID != 0 {
		var err error
		if slot, err = e.reserve(req.ConversationID); err != nil {
			return SendResult{}, err
		}
		defer slot.cancel()
	}
	conv, err := e.conversationFor(ctx, req)
	if err != nil {
		return SendResult{}, err
	}
	if slot == nil {
		if slot, err = e.reserve(conv.ID); err != nil {
			return SendResult{}, err
		}
		defer slot.cancel()
	}
	if err := e.enableTools(ctx, conv.ID, req.Tools); err != nil {
		return SendResult{}, err
	}
	// The message follows the last one the conversation shows, chosen in
	// the same transaction that stores it.
	user, err := e.cfg.Store.AddMessage(ctx, store.Message{
		ConversationID: conv.ID, Role: store.RoleUser, Content: req.Text, State: store.StateComplete, Images: req.Images, Documents: req.Documents,
	})
	if err != nil {
		return SendResult{}, i18n.Wrap("Chat.saveMessageFailed", err, nil)
	}
	if conv.TitleIsAuto && isPlaceholderTitle(conv.Title) {
		conv.Title = TitleFrom(req.Text)
		if strings.TrimSpace(req.Text) == "" {
			if len(req.Images) > 0 {
				conv.Title = TitleFrom(req.Images[0].Name)
			} else {
				conv.Title = TitleFrom(req.Documents[0].Name)
			}
		}
		if err := e.cfg.Store.SetAutoTitle(ctx, conv.ID, conv.Title); err != nil {
			e.cfg.Logger.Warn("setting the title", "err", err)
		}
	}
	answer, err := e.startAnswer(ctx, slot, conv, user.ID)
	if err != nil {
		return SendResult{}, err
	}
	e.rememberModel(ctx, conv.EndpointID, conv.Model)
	e.cfg.Emitter.Emit(events.ConversationsChangedName, conv.ID)
	return SendResult{Conversation: conv, User: user, Answer: answer}, nil
}

func (e *Engine) conversationFor(ctx context.Context, req SendRequest) (store.Conversation, error) {
	if req.ConversationID == 0 {
		if req.EndpointID == "" || req.Model == "" {
			return store.Conversation{}, ErrNoModel
		}
		return e.cfg.Store.CreateConversation(ctx, store.Conversation{
			Title: newChatTitle(), TitleIsAuto: true, EndpointID: req.EndpointID, Model: req.Model,
		})
	}
	conv, err := e.cfg.Store.GetConversation(ctx, req.ConversationID)
	if err != nil {
		return conv, err
	}
	if req.EndpointID != "" && req.Model != "" && (req.EndpointID != conv.EndpointID || req.Model != conv.Model) {
		if err := e.cfg.Store.SetConversationModel(ctx, conv.ID, req.EndpointID, req.Model); err != nil {
			return conv, err
		}
		conv.EndpointID, conv.Model = req.EndpointID, req.Model
	}
	if conv.EndpointID == "" || conv.Model == "" {
		return conv, ErrNoModel
	}
	return conv, nil
}

// rememberModel makes the model the one used last, which a new conversation
// starts with when the user set no Default model. It writes Brook's own
// state, never the user's settings, so it cannot undo a Save in Settings.
func (e *Engine) rememberModel(ctx context.Context, endpointID, model string) {
	if st, err := e.cfg.Store.AppState(ctx); err == nil && st.LastEndpointID == endpointID && st.LastModel == model {
		return
	}
	if err := e.cfg.Store.SetLastModel(ctx, endpointID, model); err != nil {
		e.cfg.Logger.Warn("remembering the model", "err", err)
	}
}

// startAnswer stores a new streaming answer to question (a message of
// conv) and starts it.
func (e *Engine) startAnswer(ctx context.Context, slot *reservation, conv store.Conversation, question int64) (store.Message, error) {
	history, err := e.thread(ctx, question)
	if err != nil {
		return store.Message{}, err
	}
	answer, err := e.cfg.Store.AddMessage(ctx, store.Message{
		ConversationID: conv.ID, ParentID: question, Role: store.RoleAssistant, State: store.StateStreaming,
		EndpointID: conv.EndpointID, Model: conv.Model, Run: e.runs.Add(1),
	})
	if err != nil {
		return store.Message{}, i18n.Wrap("Chat.createAnswerFailed", err, nil)
	}
	e.launch(slot, conv, answer, history)
	return answer, nil
}

// thread is the conversation up to and including message id, as it is sent
// to a model, with the answers not saved yet as they are in memory; nothing
// for id 0.
func (e *Engine) thread(ctx context.Context, id int64) ([]store.Message, error) {
	if id == 0 {
		return nil, nil
	}
	msgs, err := e.cfg.Store.Thread(ctx, id)
	if err != nil {
		return nil, err
	}
	return e.unsaved.overlay(msgs), nil
}

// reservation is a conversation's one slot for a live answer, taken before
// anything is stored so that two actions cannot both start an answer.
type reservation struct {
	e              *Engine
	conversationID int64
	launched       bool
}

// reserve takes the conversation's slot, or fails with [ErrBusy] when an
// answer of it is being produced. Wails runs every bound call on its own
// goroutine, so this is where a double click or two windows' worth of
// actions meet.
func (e *Engine) reserve(conversationID int64) (*reservation, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closing {
		return nil, ErrClosing
	}
	if e.live[conversationID] {
		return nil, ErrBusy
	}
	e.live[conversationID] = true
	return &reservation{e: e, conversationID: conversationID}, nil
}

// cancel frees the slot of an action that did not launch an answer.
func (r *reservation) cancel() {
	if r == nil || r.launched {
		return
	}
	r.e.release(r.conversationID)
}

func (e *Engine) release(conversationID int64) {
	e.mu.Lock()
	delete(e.live, conversationID)
	e.mu.Unlock()
}

// Stop cancels a streaming answer. Its text so far is kept and it is marked
// stopped; no fallback request is made.
func (e *Engine) Stop(answerID int64) bool {
	e.mu.Lock()
	active := e.active[answerID]
	e.mu.Unlock()
	if active == nil {
		return false
	}
	active.cancel(errStopped)
	return true
}

// AskNow stops waiting for an answer's stream and asks for it without
// streaming at once: continuing what has arrived where the server can, else
// asking again. It reports false when the answer is not active.
func (e *Engine) AskNow(answerID int64) bool {
	e.mu.Lock()
	active := e.active[answerID]
	e.mu.Unlock()
	if active == nil {
		return false
	}
	active.askNow()
	return true
}

// Active returns the IDs of the answers streaming now.
func (e *Engine) Active() []int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	ids := make([]int64, 0, len(e.active))
	for id := range e.active {
		ids = append(ids, id)
	}
	return ids
}

// Wait blocks until the answer is no longer streaming.
func (e *Engine) Wait(answerID int64) {
	e.mu.Lock()
	active := e.active[answerID]
	e.mu.Unlock()
	if active != nil {
		<-active.done
	}
}

// StopAll stops every answer being produced, as the user's Stop does, and
// waits until each is stored.
func (e *Engine) StopAll() {
	for _, id := range e.Active() {
		e.Stop(id)
	}
	e.WaitIdle()
}

// WaitIdle blocks until no answer is being produced.
func (e *Engine) WaitIdle() {
	for {
		ids := e.Active()
		if len(ids) == 0 {
			return
		}
		for _, id := range ids {
			e.Wait(id)
		}
	}
}
