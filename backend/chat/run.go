package chat

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"brook/backend/events"
	"brook/backend/provider"
	"brook/backend/store"
)

// answerRun is one answer being produced.
type answerRun struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	done   chan struct{}
}

// continuePrompt asks a model to go on with an answer that was cut short.
const continuePrompt = "Continue exactly where your previous answer stopped. Do not repeat anything you already wrote."

// launch starts producing answer. history is the conversation before it;
// prefix is text the answer already has (when continuing), which is kept and
// extended.
func (e *Engine) launch(conv store.Conversation, answer store.Message, history []store.Message, prefix string) {
	ctx, cancel := context.WithCancelCause(e.ctx)
	run := &answerRun{ctx: ctx, cancel: cancel, done: make(chan struct{})}
	e.mu.Lock()
	e.active[answer.ID] = run
	e.mu.Unlock()
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		defer close(run.done)
		defer func() {
			e.mu.Lock()
			delete(e.active, answer.ID)
			e.mu.Unlock()
			cancel(nil)
		}()
		e.produce(run, conv, answer, history, prefix)
	}()
}

// produce streams the answer, recovers it without streaming if the stream
// breaks, stores the outcome and sends the final event.
func (e *Engine) produce(run *answerRun, conv store.Conversation, answer store.Message, history []store.Message, prefix string) {
	settings, err := e.cfg.Store.LoadSettings(run.ctx)
	if err != nil {
		settings = store.DefaultSettings()
	}
	req := buildRequest(conv, settings, history, prefix)
	limits := e.timeouts(settings)

	relay := newRelay(e, answer.ID, conv.ID, prefix)
	go relay.run()

	start := time.Now()
	final := answer
	final.State = store.StateComplete

	client, err := e.cfg.Providers.Client(run.ctx, conv.EndpointID)
	if err != nil {
		// No client to ask (the endpoint was removed or turned off): say so plainly.
		final.State, final.EndReason, final.Error = store.StateFailed, "no_endpoint", provider.Explain(err)+"."
		e.finish(relay, final, prefix)
		return
	}
	completion, err := e.streamOnce(run.ctx, client, req, limits, relay)
	text, pieces, firstAt := relay.snapshot()
	final.Content = text
	if !firstAt.IsZero() {
		final.FirstTokenMs = firstAt.Sub(start).Milliseconds()
	}
	end := time.Now()

	switch outcome := classify(run.ctx, err); outcome.kind {
	case outcomeWhole:
		final.EndReason = orDefault(completion.FinishReason, "stop")
		setUsage(&final, completion.Usage, pieces, firstAt, end)
	case outcomeStopped:
		final.State, final.EndReason = store.StateStopped, "user_stop"
	case outcomeShutdown:
		final.State, final.EndReason, final.Error = store.StateInterrupted, "app_closed", errShutdown.Error()+"."
	case outcomeRefused:
		final.State, final.EndReason, final.Error = store.StateFailed, "refused", provider.Explain(err)
		if text != prefix {
			final.State = store.StateInterrupted
		}
	case outcomeBroken:
		relay.setPhase(events.PhaseRecovering, string(outcome.broken.Reason))
		e.cfg.Logger.Info("stream broke; recovering without streaming", "answer", answer.ID, "reason", outcome.broken.Reason, "err", err)
		whole, rerr := e.recoverWhole(run.ctx, client, req, limits, outcome.broken)
		switch classify(run.ctx, rerr).kind {
		case outcomeWhole:
			final.Content = prefix + whole.Text
			final.Recovered, final.RecoveryReason = true, string(outcome.broken.Reason)
			final.EndReason = orDefault(whole.FinishReason, "stop")
			// A whole answer fetched at once has no generation rate to report.
			setUsage(&final, whole.Usage, 0, time.Time{}, time.Time{})
		case outcomeStopped:
			final.State, final.EndReason = store.StateStopped, "user_stop"
		case outcomeShutdown:
			final.State, final.EndReason, final.Error = store.StateInterrupted, "app_closed", errShutdown.Error()+"."
		default:
			final.State, final.EndReason = store.StateInterrupted, string(outcome.broken.Reason)
			final.Error = provider.Explain(outcome.broken) + " Brook asked again without streaming, but that failed too: " + provider.Explain(rerr)
		}
	}

	e.finish(relay, final, prefix)
}

// finish stores the answer's outcome, then sends the final event.
func (e *Engine) finish(relay *relay, final store.Message, prefix string) {
	if final.State != store.StateComplete && final.Content == "" {
		final.Content = prefix
	}
	if err := e.cfg.Store.FinishAnswer(context.Background(), final); err != nil {
		e.cfg.Logger.Error("storing the final answer", "answer", final.ID, "err", err)
	}
	relay.finish(finalEvent(final))
}

// streamOnce runs one streaming request under the first-token and idle watchdog.
func (e *Engine) streamOnce(ctx context.Context, client provider.Client, req provider.Request, limits Timeouts, relay *relay) (provider.Completion, error) {
	streamCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	dog := startWatchdog(limits, cancel)
	defer dog.stop()
	completion, err := client.Stream(streamCtx, req, func(piece string) {
		dog.tokenArrived()
		relay.append(piece, time.Now())
	})
	// A watchdog cancel shows as a cancelled context: name the real cause.
	if err != nil {
		switch cause := context.Cause(streamCtx); {
		case errors.Is(cause, errFirstTokenTimeout):
			err = &provider.BrokenError{Reason: provider.BrokenFirstTokenTimeout, Err: err}
		case errors.Is(cause, errIdleTimeout):
			err = &provider.BrokenError{Reason: provider.BrokenIdleTimeout, Err: err}
		}
	}
	return completion, err
}

// recoverWhole repeats req without streaming, with bounded retries and backoff,
// honouring the server's Retry-After.
func (e *Engine) recoverWhole(ctx context.Context, client provider.Client, req provider.Request, limits Timeouts, broken *provider.BrokenError) (provider.Completion, error) {
	if client == nil {
		return provider.Completion{}, broken
	}
	var last error = broken
	for attempt := 0; attempt < e.cfg.RecoveryAttempts; attempt++ {
		if wait := e.backoff(attempt, last); wait > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return provider.Completion{}, context.Cause(ctx)
			}
		}
		// A whole answer takes as long as the model needs; bound it anyway so nothing hangs.
		attemptCtx, cancel := context.WithTimeout(ctx, limits.FirstToken+limits.Idle*10)
		whole, err := client.Complete(attemptCtx, req)
		cancel()
		if err == nil {
			return whole, nil
		}
		if ctx.Err() != nil {
			return provider.Completion{}, err
		}
		var refused *provider.RequestError
		if errors.As(err, &refused) {
			return provider.Completion{}, err
		}
		last = err
	}
	return provider.Completion{}, last
}

// backoff is the wait before attempt: none for the first unless the server
// asked for one, then doubling, never less than Retry-After, never more than the cap.
func (e *Engine) backoff(attempt int, last error) time.Duration {
	var wait time.Duration
	if attempt > 0 {
		wait = e.cfg.RecoveryBackoff << (attempt - 1)
	}
	var broken *provider.BrokenError
	if errors.As(last, &broken) && broken.RetryAfter > wait {
		wait = broken.RetryAfter
	}
	return min(wait, e.cfg.MaxRecoveryWait)
}

func (e *Engine) timeouts(s store.Settings) Timeouts {
	if e.cfg.Timeouts != nil {
		return *e.cfg.Timeouts
	}
	t := Timeouts{
		FirstToken: time.Duration(s.FirstTokenTimeoutSeconds) * time.Second,
		Idle:       time.Duration(s.IdleTimeoutSeconds) * time.Second,
	}
	d := store.DefaultSettings()
	if t.FirstToken <= 0 {
		t.FirstToken = time.Duration(d.FirstTokenTimeoutSeconds) * time.Second
	}
	if t.Idle <= 0 {
		t.Idle = time.Duration(d.IdleTimeoutSeconds) * time.Second
	}
	return t
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

func finalEvent(m store.Message) events.StreamEvent {
	ev := events.StreamEvent{Phase: events.PhaseFinal, State: string(m.State), Length: utf16Len(m.Content), At: utf16Len(m.Content)}
	if len(m.Content) <= events.MaxInlineFinalText {
		ev.FullText = m.Content
	} else {
		ev.FullTextOmitted = true
	}
	return ev
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// watchdog cancels a stream that gets no first token in time, or goes silent after it.
type watchdog struct {
	timer  *time.Timer
	idle   time.Duration
	gotAny atomic.Bool
}

func startWatchdog(limits Timeouts, cancel context.CancelCauseFunc) *watchdog {
	d := &watchdog{idle: limits.Idle}
	d.timer = time.AfterFunc(limits.FirstToken, func() {
		if d.gotAny.Load() {
			cancel(errIdleTimeout)
		} else {
			cancel(errFirstTokenTimeout)
		}
	})
	return d
}

func (d *watchdog) tokenArrived() {
	d.gotAny.Store(true)
	d.timer.Reset(d.idle)
}

func (d *watchdog) stop() { d.timer.Stop() }
