package chat

import (
	"context"
	"sync"
	"time"

	"brook/backend/events"
	"brook/backend/provider"
)

// stuckCheckTimeout bounds the two questions that tell a stuck server.
const stuckCheckTimeout = 10 * time.Second

// stuckWatch tells the user when a recovery request waits on a server that
// looks stuck. Ollama v0.17 never frees a model's slot when a client drops a
// stream at the wrong moment (its handler blocks writing to the gone
// client), so every later request, this recovery included, queues for ever
// behind it; the server itself still answers. One timer is armed for the
// request: when it fires and the server still answers (/api/version) with
// the model loaded (/api/ps), the answer's status says that Ollama looks
// stuck on an earlier request and that restarting it frees it. Nothing runs
// while nothing waits.
type stuckWatch struct {
	timer  *time.Timer
	cancel context.CancelFunc
	done   sync.WaitGroup // the check, once it has begun
}

// stuckWatcher returns, for [Engine.recoverWhole], what arms a [stuckWatch]
// for each attempt of req, a recovery that waits with how
// ([events.WaitContinue] or [events.WaitReask]) while it does not look
// stuck; nil when the server cannot tell.
func (j *answerJob) stuckWatcher(req provider.Request, how string) func() func() {
	s := j.server
	if s.Kind != provider.ServerOllama || s.Answers == nil || s.ModelLoaded == nil {
		return nil
	}
	return func() func() {
		w := j.watchStuck(req.Model, req.MaxTokens)
		return func() { w.stop(j, how) }
	}
}

// watchStuck arms the watch for a recovery request of model that asks for
// tokensLeft tokens (0 when unlimited). Stop it when the request ends.
func (j *answerJob) watchStuck(model string, tokensLeft int) *stuckWatch {
	s := j.server
	ctx, cancel := context.WithCancel(j.active.ctx)
	w := &stuckWatch{cancel: cancel}
	w.done.Add(1)
	w.timer = time.AfterFunc(j.stuckAfter(tokensLeft), func() {
		defer w.done.Done()
		ctx, cancel := context.WithTimeout(ctx, stuckCheckTimeout)
		defer cancel()
		if s.Answers(ctx) != nil {
			return // down, not stuck: the request will fail and say so
		}
		if loaded, err := s.ModelLoaded(ctx, model); err != nil || !loaded {
			return // still loading, or gone: not what a held slot looks like
		}
		if ctx.Err() == nil {
			j.e.cfg.Logger.Warn("the server answers, with the model loaded, but not the recovery request: it looks stuck on an earlier request",
				"endpoint", j.conv.EndpointID, "model", model)
			j.relay.setRecoveryWait(events.WaitServerStuck)
		}
	})
	return w
}

// stuckAfter is how long a recovery request may go without an answer before
// the server is asked whether it looks stuck: [Clocks.StuckAfter], or three
// times what generating tokensLeft at the answer's own pace should take.
func (j *answerJob) stuckAfter(tokensLeft int) time.Duration {
	after := j.clocks.StuckAfter
	snap := j.relay.snapshot()
	if tokensLeft > 0 && snap.Pieces > 1 && !snap.FirstPieceAt.IsZero() {
		perPiece := time.Since(snap.FirstPieceAt) / time.Duration(snap.Pieces-1)
		after = max(after, 3*time.Duration(tokensLeft)*perPiece)
	}
	return after
}

// stop disarms the watch, waiting for a check already under way, and puts
// back how the recovery waits ([events.WaitContinue] or [events.WaitReask])
// if it looked stuck, for what follows.
func (w *stuckWatch) stop(j *answerJob, how string) {
	w.cancel()
	if w.timer.Stop() {
		w.done.Done() // the check never began
	}
	w.done.Wait()
	j.relay.setRecoveryWait(how)
}
