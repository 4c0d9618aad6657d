package chat

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"brook/backend/events"
	"brook/backend/i18n"
	"brook/backend/provider"
	"brook/backend/store"
)

// recover completes an answer whose stream broke, without streaming. Where
// the server can, it asks the model to continue what arrived and appends
// only the continuation, so what the user read stays as it was and the model
// generates only what is missing. Otherwise, or when the server refuses, it
// asks the whole question again and the new answer replaces the partial one.
//
// A break inside a tool call asks again: a call cannot be continued, and
// what arrived of it is dropped, never run.
//
// A break during the reasoning continues from the reasoning so far: the
// model goes on thinking, or answers, and what it adds is appended to the
// part it belongs to. A break during the answer keeps the reasoning as it
// was and continues the answer.
func (j *answerJob) recover(final store.Message, broken *provider.BrokenError) store.Message {
	// The connection the stream broke on may not be the only one gone: after
	// a sleep of the machine every kept-alive connection can be dead while
	// looking open. Recover on fresh ones rather than wait on a dead one.
	if c, ok := j.client.(provider.IdleCloser); ok {
		c.CloseIdleConnections()
	}
	snap := j.relay.snapshot()
	reason := string(broken.Reason)
	if prefill := j.prefill(); prefill != provider.PrefillNone && !j.callBegun && strings.TrimSpace(snap.Text+snap.Reasoning) != "" {
		j.relay.setRecovering(reason, events.WaitContinue, time.Now())
		req, sm := continuing(j.base, snap.Text, snap.Reasoning, prefill)
		// The token limit is the answer's: only what is left of it is asked
		// for, after the text this run continued and the pieces it streamed.
		req = j.withTokensLeft(req, final.CompletionTokens+snap.Pieces)
		whole, err := j.e.recoverWhole(j.active.ctx, j.client, req, j.clocks, broken, j.stuckWatcher(req, events.WaitContinue))
		switch {
		case err == nil:
			reasoning := snap.Reasoning
			if snap.Text == "" {
				// Cut while thinking: the model may think on before it answers.
				thought, _ := newSeam(snap.Reasoning)
				more := thought.join(whole.Reasoning)
				j.relay.appendReasoning(more, time.Now())
				reasoning += more
			}
			rest := sm.join(whole.Text)
			j.relay.append(rest, time.Now())
			j.addUsage(whole.Usage, 0)
			final.Reasoning = reasoning
			return j.recovered(final, snap.Text+rest, whole, broken, store.RecoveryContinued)
		case !j.refusedPrefill(req, err):
			return j.unrecovered(final, snap, broken, err)
		}
	}
	j.relay.setRecovering(reason, events.WaitReask, time.Now())
	req := j.base
	if j.prefix != "" || j.prefixReasoning != "" {
		req, _ = continuing(j.base, j.prefix, j.prefixReasoning, provider.PrefillNone)
		req = j.withTokensLeft(req, final.CompletionTokens)
	}
	whole, err := j.e.recoverWhole(j.active.ctx, j.client, req, j.clocks, broken, j.stuckWatcher(req, events.WaitReask))
	if err != nil {
		return j.unrecovered(final, snap, broken, err)
	}
	j.addUsage(whole.Usage, 0)
	final.Reasoning = j.prefixReasoning + whole.Reasoning
	if final.Reasoning != snap.Reasoning {
		final.ThinkingMs = j.prefixThinkingMs // the new reasoning came at once: how long it took is unknown
	}
	return j.recovered(final, j.prefix+whole.Text, whole, broken, store.RecoveryReasked)
}

func (j *answerJob) recovered(final store.Message, text string, whole provider.Completion, broken *provider.BrokenError, method string) store.Message {
	final.Content = text
	final.ToolCalls = appendCalls(final.ToolCalls, storedCalls(whole.ToolCalls, j.active.offered))
	final.Recovered, final.RecoveryReason, final.RecoveryMethod = true, string(broken.Reason), method
	final.EndReason = finishedAs(whole.FinishReason)
	// Part of the answer came at once, so there is no generation rate to report.
	j.setUsageAfter(&final)
	return final
}

// setUsageAfter stores the run's usage without a rate, its completion
// tokens added to those of the text the run continued, so that a later
// Continue knows how much of the token budget the answer has used.
func (j *answerJob) setUsageAfter(final *store.Message) {
	before := final.CompletionTokens
	setUsage(final, j.usage, 0, time.Time{}, time.Time{})
	final.CompletionTokens += before
}

// unrecovered keeps the partial answer when the recovery failed or was stopped.
func (j *answerJob) unrecovered(final store.Message, snap relaySnapshot, broken *provider.BrokenError, err error) store.Message {
	final.Content, final.Reasoning = snap.Text, snap.Reasoning
	j.setUsageAfter(&final)
	switch classify(j.active.ctx, err).kind {
	case outcomeStopped, outcomeShutdown:
		return endedEarly(j.active.ctx, final)
	}
	final.State, final.EndReason = store.StateInterrupted, string(broken.Reason)
	final.Error = i18n.T("Chat.reaskFailed", i18n.Args{"Why": provider.Explain(broken), "Err": provider.Explain(err)})
	return final
}

// prefill is how this answer's server is asked to continue a partial
// answer, or [provider.PrefillNone] when it cannot or has refused before.
func (j *answerJob) prefill() provider.Prefill {
	if j.e.refusal.has(j.conv.EndpointID, j.conv.Model) {
		return provider.PrefillNone
	}
	return j.server.Kind.Prefill()
}

// prefillFor is how the server of an endpoint is asked to continue a
// partial answer of model, or [provider.PrefillNone].
func (e *Engine) prefillFor(ctx context.Context, endpointID, model string) provider.Prefill {
	if e.refusal.has(endpointID, model) {
		return provider.PrefillNone
	}
	return e.profile(ctx, endpointID).Kind.Prefill()
}

// refusedPrefill reports whether err is the server refusing req's prefill,
// and if so remembers it for the endpoint and model.
func (j *answerJob) refusedPrefill(req provider.Request, err error) bool {
	var refused *provider.RequestError
	if req.Prefill == provider.PrefillNone || j.active.ctx.Err() != nil || !errors.As(err, &refused) ||
		(refused.Status != http.StatusBadRequest && refused.Status != http.StatusUnprocessableEntity) {
		return false
	}
	j.e.cfg.Logger.Info("the server refused to continue a partial answer; asking the usual way", "endpoint", j.conv.EndpointID, "model", j.conv.Model, "status", refused.Status)
	j.e.refusal.mark(j.conv.EndpointID, j.conv.Model)
	return true
}

// recoverWhole sends req without streaming, with bounded retries and
// backoff, honouring the server's Retry-After. Each attempt runs between
// watch() and the function it returns, when watch is not nil.
func (e *Engine) recoverWhole(ctx context.Context, client provider.Client, req provider.Request, clocks Clocks, broken *provider.BrokenError, watch func() (end func())) (provider.Completion, error) {
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
		attemptCtx, cancel := context.WithTimeout(ctx, clocks.FirstTokenCeiling+clocks.StallCeiling*10)
		end := func() {}
		if watch != nil {
			end = watch()
		}
		whole, err := client.Complete(attemptCtx, req)
		end()
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

// prefillRefusals remembers the endpoints and models whose server refused
// to continue a trailing assistant message, so later answers go straight to
// the fallback.
type prefillRefusals struct {
	mu sync.Mutex
	m  map[string]bool
}

func (p *prefillRefusals) mark(endpointID, model string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[string]bool{}
	}
	p.m[paceKey(endpointID, model)] = true
}

func (p *prefillRefusals) has(endpointID, model string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.m[paceKey(endpointID, model)]
}
