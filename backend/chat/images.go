package chat

import (
	"context"
	"slices"
	"strings"
	"time"

	"brook/backend/i18n"
	"brook/backend/provider"
	"brook/backend/store"
)

// ErrNoVision is matched (errors.Is) by the refusal to send images to a
// model its server says cannot see them.
var ErrNoVision = i18n.New("Chat.noVision")

// visionError is that refusal, in words for the user.
type visionError struct {
	model string
	caps  []string
}

func (e *visionError) Error() string {
	caps := strings.Join(e.caps, ", ")
	if caps == "" {
		caps = i18n.T("Chat.noCapabilities", nil)
	}
	return i18n.T("Chat.visionDetail", i18n.Args{"Model": e.model, "Capabilities": caps})
}

func (e *visionError) Is(target error) bool { return target == ErrNoVision }

// capabilityTimeout bounds asking the server what a model can do before a
// message with images is stored.
const capabilityTimeout = 10 * time.Second

// checkVision refuses images for a model whose server says what it can do
// and does not list vision. Models whose capabilities are unknown (OpenAI-
// compatible servers, or a server that did not answer) are given the images:
// the server is the judge then. It stores and sends nothing.
func (e *Engine) checkVision(ctx context.Context, req SendRequest) error {
	if len(req.Images) == 0 {
		return nil
	}
	endpointID, model := req.EndpointID, req.Model
	if (endpointID == "" || model == "") && req.ConversationID != 0 {
		conv, err := e.cfg.Store.GetConversation(ctx, req.ConversationID)
		if err != nil {
			return err
		}
		endpointID, model = conv.EndpointID, conv.Model
	}
	if endpointID == "" || model == "" {
		return nil // ErrNoModel follows
	}
	client, err := e.cfg.Providers.Client(ctx, endpointID)
	if err != nil {
		return nil // the answer will say the endpoint is gone
	}
	lister, ok := client.(provider.CapabilityLister)
	if !ok {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, capabilityTimeout)
	defer cancel()
	caps, err := lister.Capabilities(ctx, model)
	if err != nil || caps == nil {
		return nil // unknown
	}
	if slices.Contains(caps, provider.CapabilityVision) {
		return nil
	}
	return &visionError{model: model, caps: caps}
}

// historyImages loads the bytes of the images of history's messages, in
// one query, when any message has images.
func (e *Engine) historyImages(ctx context.Context, conversationID int64, history []store.Message) (map[int64][]store.Image, error) {
	if !slices.ContainsFunc(history, func(m store.Message) bool { return len(m.Images) > 0 }) {
		return nil, nil
	}
	return e.cfg.Store.ConversationImages(ctx, conversationID)
}
