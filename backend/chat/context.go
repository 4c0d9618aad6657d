package chat

import (
	"context"
	"slices"
	"time"

	"brook/backend/contextwindow"
	"brook/backend/i18n"
	"brook/backend/provider"
	"brook/backend/store"
)

// Windows finds a model's context window on an endpoint, and the endpoint's
// exact token counter where its server has one (nil otherwise).
type Windows interface {
	ContextWindow(ctx context.Context, endpointID, model string) (contextwindow.Window, contextwindow.Counter, error)
}

// windowTimeout bounds asking a server about a model's window and counting
// a request's tokens, before a request or for the meter.
const windowTimeout = 5 * time.Second

// defaultAnswerRoom is the most room kept for an answer when neither the
// user nor the model limits its length.
const defaultAnswerRoom = 1024

// ContextView is a conversation's context window as the composer's meter
// shows it: the plan of its next request, and how the estimates are
// corrected.
type ContextView struct {
	contextwindow.Plan
	// Ratio is what the server counted over what Brook estimated, from the
	// conversation's last answer or an exact count; 0 before either.
	Ratio float64 `json:"ratio"`
	// LastSent is what the server counted for the last answer's request,
	// and LastLeftOut how many earlier messages that request left out.
	LastSent    int `json:"lastSent"`
	LastLeftOut int `json:"lastLeftOut"`
}

// contextFit is a request fitted to its model's window.
type contextFit struct {
	plan contextwindow.Plan
	// estimate is Brook's own estimate of the request's prompt tokens,
	// before any correction, stored with the answer to learn from.
	estimate int
}

// fitContext plans req, built from the messages from (IDs, 0 for the
// system prompt) of history, for the model's window, and returns it as the
// plan says: with a larger num_ctx, or without the messages left out.
// question says the last message is the one being asked about, which is
// never left out. Ollama is asked to refuse a prompt that does not fit
// rather than cut it without a word.
func (e *Engine) fitContext(ctx context.Context, conv store.Conversation, history []store.Message, req provider.Request, from []int64, question bool) (provider.Request, contextFit) {
	window, counter := e.window(ctx, conv, req)
	var ratio contextwindow.Ratio
	raw := contextwindow.EstimateRequest(req.Messages)
	exact := false
	if counter != nil {
		cctx, cancel := context.WithTimeout(ctx, windowTimeout)
		n, err := counter.CountTokens(cctx, req.Model, req.Messages)
		cancel()
		if err == nil && n > 0 {
			ratio, exact = contextwindow.Ratio(float64(n)/raw), true
		} else if err != nil {
			e.cfg.Logger.Info("the server could not count the request's tokens; estimating", "endpoint", conv.EndpointID, "err", err)
		}
	}
	if ratio == 0 {
		ratio = learntRatio(history)
	}
	parts := make([]contextwindow.Part, len(req.Messages))
	for i, m := range req.Messages {
		kind := contextwindow.PartHistory
		switch {
		case from[i] == 0 && m.Role == string(store.RoleSystem):
			kind = contextwindow.PartSystem
		case question && i == len(req.Messages)-1:
			kind = contextwindow.PartQuestion
		}
		parts[i] = contextwindow.Part{MessageID: from[i], Kind: kind, Tokens: ratio.Apply(contextwindow.EstimateMessage(m))}
	}
	if len(parts) > 0 {
		parts[0].Tokens += ratio.Apply(contextwindow.EstimateRequest(nil)) // the answer's opening
	}
	plan := contextwindow.Fit(parts, window, answerRoom(req, window), contextwindow.Choice(conv.ContextChoice))
	plan.Exact = exact
	if plan.NumCtx > 0 {
		req.ContextLength = plan.NumCtx
	}
	if len(plan.LeftOut) > 0 {
		var kept []provider.Message
		for i, m := range req.Messages {
			if from[i] == 0 || plan.Sent(from[i]) {
				kept = append(kept, m)
			}
		}
		req.Messages = kept
	}
	req.KeepWhole = true
	return req, contextFit{plan: plan, estimate: int(contextwindow.EstimateRequest(req.Messages) + 0.5)}
}

// window is the model's window: what its server says, with the user's
// Context length (num_ctx) in its place where set. A server that does not
// say takes the user's setting as its window.
func (e *Engine) window(ctx context.Context, conv store.Conversation, req provider.Request) (contextwindow.Window, contextwindow.Counter) {
	var (
		w       contextwindow.Window
		counter contextwindow.Counter
	)
	if e.cfg.Windows != nil {
		wctx, cancel := context.WithTimeout(ctx, windowTimeout)
		var err error
		w, counter, err = e.cfg.Windows.ContextWindow(wctx, conv.EndpointID, req.Model)
		cancel()
		if err != nil {
			e.cfg.Logger.Info("the model's context window is unknown", "endpoint", conv.EndpointID, "model", req.Model, "err", err)
			w = contextwindow.Window{}
		}
	}
	if n := req.ContextLength; n > 0 {
		switch {
		case !w.Known():
			w = contextwindow.Window{Tokens: n, Max: n, Source: i18n.T("Context.sourceContextLength", nil)}
		case w.Adjustable():
			w.Tokens, w.Source = min(n, w.Max), i18n.T("Context.sourceContextLength", nil)
		}
	}
	return w, counter
}

// answerRoom is the room kept for the answer: the user's Max tokens, else
// the model's own limit, else a share of the window.
func answerRoom(req provider.Request, w contextwindow.Window) int {
	switch {
	case req.MaxTokens > 0:
		return req.MaxTokens
	case w.AnswerTokens > 0:
		return w.AnswerTokens
	}
	return min(defaultAnswerRoom, w.Tokens/8)
}

// learntRatio corrects estimates by the server's count for the latest
// answer of history that has both.
func learntRatio(history []store.Message) contextwindow.Ratio {
	for _, m := range slices.Backward(history) {
		if m.Role == store.RoleAssistant && m.PromptTokens > 0 && m.PromptEstimate > 0 {
			return contextwindow.Learn(m.PromptTokens, float64(m.PromptEstimate))
		}
	}
	return 0
}

// ContextPlan is the plan of the conversation's next request, as the
// meter shows it: its shown messages and, when draft is not empty, draft
// as the question. endpointID and model, when set, are the model the user
// picked; a conversation ID of 0 is a new conversation with that model.
func (e *Engine) ContextPlan(ctx context.Context, conversationID int64, endpointID, model, draft string) (ContextView, error) {
	done, err := e.enter()
	if err != nil {
		return ContextView{}, err
	}
	defer done()
	conv := store.Conversation{EndpointID: endpointID, Model: model}
	var history []store.Message
	if conversationID != 0 {
		var err error
		if conv, err = e.cfg.Store.GetConversation(ctx, conversationID); err != nil {
			return ContextView{}, err
		}
		if endpointID != "" && model != "" {
			conv.EndpointID, conv.Model = endpointID, model
		}
		if history, err = e.ShownPath(ctx, conversationID); err != nil {
			return ContextView{}, err
		}
	}
	settings, serr := e.cfg.Store.LoadSettings(ctx)
	if serr != nil {
		settings = store.DefaultSettings()
	}
	images, err := e.historyImages(ctx, conversationID, history)
	if err != nil {
		return ContextView{}, err
	}
	// Documents go in their messages' text, so the meter counts them.
	docs, err := e.historyDocuments(ctx, conversationID, history)
	if err != nil {
		return ContextView{}, err
	}
	asked := history
	if draft != "" {
		asked = append(slices.Clone(history), store.Message{Role: store.RoleUser, Content: draft, State: store.StateComplete})
	}
	instructions, err := e.projectInstructions(ctx, conv)
	if err != nil {
		return ContextView{}, err
	}
	req, from := buildRequestFrom(conv, instructions, settings, asked, images, docs)
	if draft != "" {
		asked[len(asked)-1].ID = -1 // the draft's place for the knowledge files' excerpts
	}
	// Documents too large for the window go as excerpts: count the room
	// those will take, without searching on every keystroke.
	if p, err := e.planRetrieval(ctx, conv, asked, docs, req); err == nil && (len(p.oversized) > 0 || p.knowledgeHit > 0) {
		if docs, _, err = e.retrieve(ctx, p, asked, docs, true); err == nil {
			req, from = buildRequestFrom(conv, instructions, settings, asked, images, docs)
		}
	}
	_, fit := e.fitContext(ctx, conv, history, req, from, draft != "")
	view := ContextView{Plan: fit.plan, Ratio: float64(learntRatio(history))}
	for _, m := range slices.Backward(history) {
		if m.Role == store.RoleAssistant && m.PromptTokens > 0 {
			view.LastSent, view.LastLeftOut = m.PromptTokens, m.ContextLeftOut
			break
		}
	}
	return view, nil
}

// SetContextChoice remembers what the conversation does when it no longer
// fits its window.
func (e *Engine) SetContextChoice(ctx context.Context, conversationID int64, choice contextwindow.Choice) error {
	done, err := e.enter()
	if err != nil {
		return err
	}
	defer done()
	return e.cfg.Store.SetContextChoice(ctx, conversationID, string(choice))
}
