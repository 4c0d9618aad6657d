package chat

import (
	"context"
	"time"

	"brook/backend/provider"
)

// modelLimitTimeout bounds asking the server for a model's own token limit
// before a continuation.
const modelLimitTimeout = 5 * time.Second

// withTokensLeft limits req, which continues an answer that has generated
// spent tokens so far, to what is left of the answer's token budget: the
// limit req carries (the user's Max tokens), else the model's own, which the
// server would otherwise apply afresh to the continuation (Ollama's
// num_predict: on the real server a cut answer came back longer than the
// model's whole answer). At least one token is asked for. Without a known
// limit, req is returned as it is.
func (j *answerJob) withTokensLeft(req provider.Request, spent int) provider.Request {
	limit := req.MaxTokens
	if limit <= 0 {
		limit = j.modelMaxTokens(req.Model)
	}
	if limit > 0 {
		req.MaxTokens = max(1, limit-spent)
	}
	return req
}

// modelMaxTokens asks the server how many tokens model generates when a
// request sets no limit; 0 when it sets none or the server cannot say.
func (j *answerJob) modelMaxTokens(model string) int {
	if j.server.ModelMaxTokens == nil {
		return 0
	}
	ctx, cancel := context.WithTimeout(j.active.ctx, modelLimitTimeout)
	defer cancel()
	n, err := j.server.ModelMaxTokens(ctx, model)
	if err != nil {
		j.e.cfg.Logger.Info("the model's own token limit is unknown", "endpoint", j.conv.EndpointID, "model", model, "err", err)
		return 0
	}
	return n
}
