package chat

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"brook/backend/events"
	"brook/backend/i18n"
	"brook/backend/provider"
	"brook/backend/store"
	"brook/backend/tools"
)

// activeAnswer is an answer being produced, as [Engine.Stop],
// [Engine.AskNow] and [Engine.Wait] find it: how to cancel it or its stream,
// and when it is done.
type activeAnswer struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	done   chan struct{}

	relay *relay // reports the answer; set before it is produced
	// offered are the tools the answer may call, set before it is produced.
	offered []tools.Tool

	mu           sync.Mutex
	askedNow     bool
	cancelStream context.CancelCauseFunc // the open stream's, or nil
}

// askNow gives up on the answer's stream, now or as soon as it opens, so the
// answer is asked for without streaming.
func (a *activeAnswer) askNow() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.askedNow = true
	if a.cancelStream != nil {
		a.cancelStream(errAskedNow)
	}
}

// openStream registers the cancel of a stream about to open. It reports
// false when the user has already asked not to wait for one.
func (a *activeAnswer) openStream(cancel context.CancelCauseFunc) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.askedNow {
		return false
	}
	a.cancelStream = cancel
	return true
}

func (a *activeAnswer) closeStream() {
	a.mu.Lock()
	a.cancelStream = nil
	a.mu.Unlock()
}

// launch starts producing answer. history is the conversation before it.
// The answer's text and reasoning so far (when continuing) are kept and
// extended.
// It takes over the conversation's slot, which it frees when the answer is
// stored.
func (e *Engine) launch(slot *reservation, conv store.Conversation, answer store.Message, history []store.Message) {
	e.launchResumed(slot, conv, answer, history, false)
}

// launchResumed is launch for an answer that Brook takes up again after a
// restart when resumed is set: it is marked so when it completes.
func (e *Engine) launchResumed(slot *reservation, conv store.Conversation, answer store.Message, history []store.Message, resumed bool) {
	ctx, cancel := context.WithCancelCause(e.ctx)
	active := &activeAnswer{ctx: ctx, cancel: cancel, done: make(chan struct{})}
	slot.launched = true
	e.mu.Lock()
	e.active[answer.ID] = active
	e.mu.Unlock()
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		defer close(active.done)
		ids := []int64{answer.ID}
		defer func() {
			e.mu.Lock()
			for _, id := range ids {
				delete(e.active, id)
			}
			delete(e.live, conv.ID)
			e.mu.Unlock()
			cancel(nil)
		}()
		titleHistory := history
		rounds := toolRoundsIn(history)
		for {
			final := e.produceAnswer(active, conv, answer, history)
			if resumed && final.State == store.StateComplete {
				final.Resumed = true
			}
			more := final.State == store.StateComplete && len(final.ToolCalls) > 0
			if more && rounds >= e.cfg.MaxToolRounds {
				e.capRounds(&final)
				more = false
			}
			e.unsaved.save(final, active.relay)
			// The calls run only once the answer that asked for them is
			// whole and stored, so no recovery can run one twice.
			if !more || !e.runToolRound(active, conv, &final) {
				e.maybeTitle(conv, final, titleHistory)
				return
			}
			rounds++
			next, err := e.nextRound(conv, final)
			if err != nil {
				e.cfg.Logger.Error("starting the answer after a round of tool calls", "answer", final.ID, "err", err)
				return
			}
			e.mu.Lock()
			e.active[next.ID] = active
			e.mu.Unlock()
			ids = append(ids, next.ID)
			history = append(history, final)
			answer, resumed = next, false
			e.cfg.Emitter.Emit(events.ToolEventName, events.ToolEvent{ConversationID: conv.ID, MessageID: final.ID, Phase: events.ToolNextAnswer, Message: &next})
		}
	}()
}

// nextRound stores the answer that follows a round of tool calls: the
// model reads the results and goes on.
func (e *Engine) nextRound(conv store.Conversation, after store.Message) (store.Message, error) {
	return e.cfg.Store.AddMessage(context.Background(), store.Message{
		ConversationID: conv.ID, ParentID: after.ID, Role: store.RoleAssistant, State: store.StateStreaming,
		EndpointID: conv.EndpointID, Model: conv.Model, Run: e.runs.Add(1),
	})
}

// answerJob is the work of getting one answer from its server in one run:
// its stream and, when that breaks, its recovery, with what both need.
type answerJob struct {
	e      *Engine
	active *activeAnswer
	conv   store.Conversation
	client provider.Client
	server provider.ServerProfile
	clocks Clocks
	relay  *relay
	// base is the conversation's request, without this answer's own text.
	base provider.Request
	// prefix and prefixReasoning are what the answer had before this run
	// (Continue), and prefixThinkingMs how long it had thought.
	prefix, prefixReasoning string
	prefixThinkingMs        int64
	// usage adds up every request of the run.
	usage provider.Usage
	// callBegun says the broken stream had begun a tool call, which a
	// continuation cannot finish: the recovery asks again.
	callBegun bool
}

// produceAnswer starts the answer's relay, waits for a slot on the
// endpoint, streams the answer, recovers it without streaming if the stream
// breaks, and returns its outcome, to be stored and reported by the caller
// through active.relay.
func (e *Engine) produceAnswer(active *activeAnswer, conv store.Conversation, answer store.Message, history []store.Message) store.Message {
	settings, err := e.cfg.Store.LoadSettings(active.ctx)
	if err != nil {
		settings = store.DefaultSettings()
	}
	prefix := answer.Content
	relay := newRelay(e.relayConfig(conv.ID, answer), prefix, answer.Reasoning)
	active.relay = relay
	go relay.loop()

	final := answer
	final.State = store.StateComplete
	client, err := e.cfg.Providers.Client(active.ctx, conv.EndpointID)
	if err != nil {
		// No client to ask (the endpoint was removed or turned off): say so plainly.
		final.State, final.EndReason, final.Error = store.StateFailed, string(EndNoEndpoint), i18n.T("Chat.noEndpoint", i18n.Args{"Why": provider.Explain(err)})
		return keepPartial(final)
	}
	images, err := e.historyImages(active.ctx, conv.ID, history)
	if err != nil {
		final.State, final.EndReason, final.Error = store.StateFailed, string(EndUnreadable), i18n.T("Chat.unreadableImages", i18n.Args{"Err": err})
		return keepPartial(final)
	}
	docs, err := e.historyDocuments(active.ctx, conv.ID, history)
	if err != nil {
		final.State, final.EndReason, final.Error = store.StateFailed, string(EndUnreadable), i18n.T("Chat.unreadableDocuments", i18n.Args{"Err": err})
		return keepPartial(final)
	}
	instructions, err := e.projectInstructions(active.ctx, conv)
	if err != nil {
		final.State, final.EndReason, final.Error = store.StateFailed, string(EndUnreadable), i18n.T("Chat.unreadableInstructions", i18n.Args{"Err": err})
		return keepPartial(final)
	}
	if docs, err = e.retrieveForAnswer(active.ctx, conv, answer.ID, instructions, settings, history, images, docs); err != nil {
		final.State, final.EndReason, final.Error = store.StateFailed, string(EndUnreadable), i18n.T("Chat.couldNotSearch", i18n.Args{"Err": err})
		return keepPartial(final)
	}
	server := e.profile(active.ctx, conv.EndpointID)
	queuedAt := time.Now()
	release, err := e.queues.acquire(active.ctx, conv.EndpointID, server.MaxParallel, func(ahead int) { relay.setQueued(ahead, queuedAt) })
	if err != nil {
		// Stopped, or Brook closed, while it waited for its turn.
		return endedEarly(active.ctx, final)
	}
	defer release()

	base, from := buildRequestFrom(conv, instructions, settings, history, images, docs)
	active.offered = e.offerTools(active.ctx, conv, client)
	if len(active.offered) > 0 {
		base.Tools = toolSpecs(active.offered)
	}
	base, fit := e.fitContext(active.ctx, conv, history, base, from, true)
	final.PromptEstimate, final.ContextLeftOut = fit.estimate, len(fit.plan.LeftOut)
	e.noteWindow(conv.EndpointID, conv.Model, base.ContextLength)
	job := &answerJob{
		e: e, active: active, conv: conv, client: client, server: server, clocks: e.clocks(settings), relay: relay,
		base: base, prefix: prefix, prefixReasoning: answer.Reasoning,
		prefixThinkingMs: answer.ThinkingMs,
	}
	return job.streamOrRecover(final)
}

// relayConfig is the configuration of the relay of answer, in the
// conversation conversationID: the engine's emitter and intervals, and
// checkpoints of the answer's run.
func (e *Engine) relayConfig(conversationID int64, answer store.Message) relayConfig {
	return relayConfig{
		messageID: answer.ID, conversationID: conversationID,
		emitter: e.cfg.Emitter, frame: e.cfg.FrameInterval, checkpointEvery: e.cfg.CheckpointInterval,
		paintInterval: func() time.Duration { return time.Duration(e.paintInterval.Load()) },
		checkpoint: func(content, reasoning string) error {
			return e.cfg.Store.CheckpointAnswer(context.Background(), answer.ID, answer.Run, content, reasoning)
		},
	}
}

// keepPartial marks a failed continuation interrupted: the answer has text
// from before, which a failure to go on does not make a failure.
func keepPartial(final store.Message) store.Message {
	if final.State == store.StateFailed && (final.Content != "" || final.Reasoning != "") {
		final.State = store.StateInterrupted
	}
	return final
}

// streamOrRecover streams the answer and, when the stream breaks, recovers it.
func (j *answerJob) streamOrRecover(final store.Message) store.Message {
	req, sm := j.base, (*seam)(nil)
	if j.prefix != "" || j.prefixReasoning != "" {
		req, sm = continuing(j.base, j.prefix, j.prefixReasoning, j.prefill())
		req = j.withTokensLeft(req, final.CompletionTokens)
	}
	start := time.Now()
	completion, err := j.stream(req, sm)
	if j.refusedPrefill(req, err) {
		// The server will not continue a trailing assistant message: ask it to go on in words.
		req, sm = continuing(j.base, j.prefix, j.prefixReasoning, provider.PrefillNone)
		req = j.withTokensLeft(req, final.CompletionTokens)
		completion, err = j.stream(req, sm)
	}
	snap := j.relay.snapshot()
	final.Content, final.Reasoning, final.ThinkingMs = snap.Text, snap.Reasoning, j.prefixThinkingMs+snap.ThinkingMs
	if !snap.FirstPieceAt.IsZero() {
		final.FirstTokenMs = snap.FirstPieceAt.Sub(start).Milliseconds()
	}
	j.addUsage(completion.Usage, snap.Pieces)

	switch outcome := classify(j.active.ctx, err); outcome.kind {
	case outcomeWhole:
		final.EndReason = finishedAs(completion.FinishReason)
		final.ToolCalls = appendCalls(final.ToolCalls, storedCalls(completion.ToolCalls, j.active.offered))
		setUsage(&final, j.usage, snap.Pieces, snap.FirstPieceAt, time.Now())
	case outcomeStopped, outcomeShutdown:
		final.CompletionTokens += j.usage.CompletionTokens // what Continue has left of the budget
		return endedEarly(j.active.ctx, final)
	case outcomeRefused:
		final.State, final.EndReason, final.Error = store.StateFailed, string(EndRefused), provider.Explain(err)
		if req.Think != provider.ThinkDefault {
			// Most often a model that cannot think, asked to.
			final.Error += " " + i18n.T("Chat.thinkingRefused", nil)
		}
		final = keepPartial(final)
	case outcomeBroken:
		j.e.cfg.Logger.Info("stream broke; recovering without streaming", "answer", final.ID, "reason", outcome.broken.Reason, "err", err)
		// What arrived of any call is dropped: a half-received call never runs.
		j.callBegun = len(completion.ToolCalls) > 0
		return j.recover(final, outcome.broken)
	}
	return final
}

// stream sends req streaming, under a watchdog that learns the stream's pace.
// With a seam, the pieces are joined to the text being continued.
func (j *answerJob) stream(req provider.Request, sm *seam) (provider.Completion, error) {
	ctx, cancel := context.WithCancelCause(j.active.ctx)
	defer cancel(nil)
	if !j.active.openStream(cancel) {
		return provider.Completion{}, &provider.BrokenError{Reason: provider.BrokenUserSkipped}
	}
	defer j.active.closeStream()

	waitingFor, loading := j.modelState(ctx, req.Model)
	perToken, load := j.e.pace.recall(j.conv.EndpointID, req.Model)
	promptTokens := estimateTokens(req.Messages)
	first := j.clocks.firstTokenBudget(promptTokens, perToken, load, loading)
	headers := first
	if j.server.Kind != provider.ServerOllama {
		// Ollama answers with the first token; other servers send their
		// headers at once, and before them may be queuing or loading.
		headers = j.clocks.FirstTokenCeiling
	}
	sentAt := time.Now()
	j.relay.setWaiting(waitingFor, sentAt)
	clock := startPaceClock(j.clocks, first, headers, func(afterFirstPiece bool) {
		if afterFirstPiece {
			cancel(errIdleTimeout)
		} else {
			cancel(errFirstTokenTimeout)
		}
	})
	defer clock.stop()

	var firstPieceAt time.Time
	completion, err := j.client.Stream(provider.WithLifeSigns(ctx, clock.sign), req, func(d provider.Delta) {
		now := time.Now()
		if firstPieceAt.IsZero() {
			firstPieceAt = now
		}
		clock.piece(now)
		j.relay.appendReasoning(d.Reasoning, now)
		if sm != nil {
			d.Text = sm.feed(d.Text)
		}
		j.relay.append(d.Text, now)
	})
	if err == nil {
		if sm != nil {
			j.relay.append(sm.end(), time.Now())
		}
		if completion.Usage.PromptTokens > 0 {
			promptTokens = completion.Usage.PromptTokens
		}
		j.e.pace.learn(j.conv.EndpointID, req.Model, promptTokens, completion.Timings, firstPieceAt.Sub(sentAt))
		return completion, nil
	}
	// A watchdog's or the user's cancel shows as a cancelled context: name the real cause.
	switch cause := context.Cause(ctx); {
	case errors.Is(cause, errFirstTokenTimeout):
		err = &provider.BrokenError{Reason: provider.BrokenFirstTokenTimeout, Err: err}
	case errors.Is(cause, errIdleTimeout):
		err = &provider.BrokenError{Reason: provider.BrokenIdleTimeout, Err: err}
	case errors.Is(cause, errAskedNow):
		err = &provider.BrokenError{Reason: provider.BrokenUserSkipped, Err: err}
	}
	return completion, err
}

// modelState says what the answer will wait for, and whether the model has
// to load first. A server that cannot say is taken to have it loaded; one
// that fails to say may be loading it.
func (j *answerJob) modelState(ctx context.Context, model string) (waitingFor string, loading bool) {
	if j.server.ModelLoaded == nil {
		return events.WaitFirstToken, false
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	loaded, err := j.server.ModelLoaded(ctx, model)
	if err != nil || !loaded {
		return events.WaitModelLoad, true
	}
	return events.WaitFirstToken, false
}

// addUsage adds one request's usage; pieces stand in for an unreported
// completion count.
func (j *answerJob) addUsage(u provider.Usage, pieces int) {
	if u.CompletionTokens == 0 {
		u.CompletionTokens = pieces
	}
	j.usage.PromptTokens += u.PromptTokens
	j.usage.CompletionTokens += u.CompletionTokens
}

// endedEarly marks an answer that the user stopped or Brook's closing cut short.
func endedEarly(runCtx context.Context, final store.Message) store.Message {
	if errors.Is(context.Cause(runCtx), errShutdown) {
		final.State, final.EndReason, final.Error = store.StateInterrupted, string(EndAppClosed), i18n.T("Chat.closedBeforeFinishedSentence", nil)
	} else {
		final.State, final.EndReason = store.StateStopped, string(EndUserStop)
	}
	return final
}

func (e *Engine) clocks(s store.Settings) Clocks {
	var c Clocks
	if e.cfg.Clocks != nil {
		c = *e.cfg.Clocks
	} else {
		c.FirstTokenCeiling = time.Duration(s.FirstTokenTimeoutSeconds) * time.Second
		c.StallCeiling = time.Duration(s.IdleTimeoutSeconds) * time.Second
	}
	c.setDefaults()
	return c
}

type outcomeKind int

const (
	outcomeWhole outcomeKind = iota
	outcomeStopped
	outcomeShutdown
	outcomeRefused
	outcomeBroken
)

type outcome struct {
	kind   outcomeKind
	broken *provider.BrokenError
}

// classify sorts a request's result. The run's cancel cause comes first: a
// user's Stop is a cancel, whatever error the client made of it.
func classify(runCtx context.Context, err error) outcome {
	if err == nil {
		return outcome{kind: outcomeWhole}
	}
	switch cause := context.Cause(runCtx); {
	case errors.Is(cause, errStopped):
		return outcome{kind: outcomeStopped}
	case errors.Is(cause, errShutdown):
		return outcome{kind: outcomeShutdown}
	}
	var refused *provider.RequestError
	if errors.As(err, &refused) {
		return outcome{kind: outcomeRefused}
	}
	var broken *provider.BrokenError
	if errors.As(err, &broken) {
		return outcome{kind: outcomeBroken, broken: broken}
	}
	// Anything an adapter did not classify is treated as a dropped stream:
	// asking again without streaming is the safe bet.
	return outcome{kind: outcomeBroken, broken: &provider.BrokenError{Reason: provider.BrokenDropped, Err: err}}
}

func setUsage(m *store.Message, u provider.Usage, pieces int, firstAt, end time.Time) {
	m.PromptTokens = u.PromptTokens
	m.CompletionTokens = u.CompletionTokens
	if m.CompletionTokens == 0 {
		m.CompletionTokens = pieces
	}
	if secs := end.Sub(firstAt).Seconds(); !firstAt.IsZero() && secs > 0 && m.CompletionTokens > 0 {
		m.TokensPerSecond = float64(m.CompletionTokens) / secs
	}
}

// finalEvent is the final event of a stored answer: the message itself when
// it is small enough, else a note that it is omitted.
func finalEvent(m store.Message) events.StreamEvent {
	ev := events.StreamEvent{Phase: events.PhaseFinal, State: string(m.State)}
	if b, err := json.Marshal(m); err == nil && len(b) <= events.MaxInlineFinalMessage {
		ev.Message = &m
	} else {
		ev.MessageOmitted = true
	}
	return ev
}
