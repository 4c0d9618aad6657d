package chat

import (
	"strings"
	"unicode"

	"brook/backend/provider"
	"brook/backend/store"
)

// buildRequest turns a conversation's history (the path up to the answer)
// into a provider request. Its system message is [systemPrompt]'s. Failed
// and empty answers are left out, and of two
// answers in a row (a question between them was deleted) only the later is
// sent. Every user message goes with its
// images, from images (by message ID, with their bytes), so a vision model
// sees them again in every later turn, and with the text of its documents,
// from docs (by message ID, with their text), before its own. An answer
// that called tools goes with its calls, followed by their results as
// messages of the tool role, whatever became of them.
func buildRequest(conv store.Conversation, s store.Settings, history []store.Message, images map[int64][]store.Image, docs map[int64][]store.Document) provider.Request {
	req, _ := buildRequestFrom(conv, "", s, history, images, docs)
	return req
}

// buildRequestFrom is [buildRequest] for a conversation of a project
// whose instructions are project ("" for none), that also says which
// stored message each of the request's messages comes from (0 for the
// system prompt).
func buildRequestFrom(conv store.Conversation, project string, s store.Settings, history []store.Message, images map[int64][]store.Image, docs map[int64][]store.Document) (provider.Request, []int64) {
	req := provider.Request{Model: conv.Model}
	var from []int64
	if system := systemPrompt(project, conv.SystemPrompt, s.SystemPrompt); system != "" {
		req.Messages = append(req.Messages, provider.Message{Role: string(store.RoleSystem), Content: system})
		from = append(from, 0)
	}
	for _, m := range history {
		switch {
		case m.Role == store.RoleUser:
			msg := provider.Message{Role: string(m.Role), Content: withDocuments(m.Content, docs[m.ID])}
			for _, img := range images[m.ID] {
				msg.Images = append(msg.Images, img.Data)
			}
			req.Messages = append(req.Messages, msg)
			from = append(from, m.ID)
		case m.Role == store.RoleAssistant && m.State != store.StateFailed && (m.Content != "" || len(m.ToolCalls) > 0):
			msg := provider.Message{Role: string(m.Role), Content: m.Content}
			if n := len(req.Messages); n > 0 && req.Messages[n-1].Role == string(store.RoleAssistant) {
				req.Messages[n-1], from[n-1] = msg, m.ID
			} else {
				req.Messages = append(req.Messages, msg)
				from = append(from, m.ID)
			}
			if len(m.ToolCalls) > 0 {
				// The calls, then each one's result as a message of the
				// tool role, linked by the call's id: the model's turn is
				// over, and the next answer follows the results.
				last := &req.Messages[len(req.Messages)-1]
				for _, c := range m.ToolCalls {
					last.ToolCalls = append(last.ToolCalls, provider.ToolCall{ID: c.ID, Name: c.Name, Arguments: c.Arguments})
				}
				for _, c := range m.ToolCalls {
					req.Messages = append(req.Messages, provider.Message{Role: provider.RoleTool, Content: toolResultText(c), ToolCallID: c.ID, ToolName: c.Name})
					from = append(from, m.ID)
				}
			}
		}
	}
	p := s.Params
	if conv.Params.Temperature != nil {
		p.Temperature = conv.Params.Temperature
	}
	if conv.Params.ContextLength > 0 {
		p.ContextLength = conv.Params.ContextLength
	}
	if conv.Params.MaxTokens > 0 {
		p.MaxTokens = conv.Params.MaxTokens
	}
	if conv.Params.Think != "" {
		p.Think = conv.Params.Think
	}
	req.Temperature, req.ContextLength, req.MaxTokens, req.Think = p.Temperature, p.ContextLength, p.MaxTokens, p.Think
	return req, from
}

// systemPromptSeparator joins a project's instructions to the
// conversation's own prompt: a blank line, so each stays a paragraph of its
// own and neither runs into the other's last sentence.
const systemPromptSeparator = "\n\n"

// systemPrompt is the one system message of a request: the project's
// instructions first, as the frame of everything in the project, then the
// conversation's own system prompt, or the default one of the settings
// when the conversation has none. Either part may be missing. When both
// are there, the white space at their joint is dropped, so the blank line
// between them is exactly one.
func systemPrompt(project, conversation, defaultPrompt string) string {
	own := conversation
	if own == "" {
		own = defaultPrompt
	}
	if strings.TrimSpace(project) == "" {
		return own
	}
	if strings.TrimSpace(own) == "" {
		return strings.TrimSpace(project)
	}
	return strings.TrimSpace(project) + systemPromptSeparator + strings.TrimLeftFunc(own, unicode.IsSpace)
}

// continuePrompt asks a model to go on with an answer that was cut short,
// on servers that cannot continue a trailing assistant message.
const continuePrompt = "Continue exactly where your previous answer stopped. Do not repeat anything you already wrote."

// continuing returns req extended to continue partial, an answer cut short,
// with the reasoning that led to it. With prefill, partial goes last as an
// assistant message the model continues, and the returned seam joins the
// reply to it. Without, the partial answer is a finished turn followed by a
// request to go on, whose reply is appended as it is (seam nil); its
// reasoning is not sent back, as with any finished turn.
func continuing(req provider.Request, partial, reasoning string, prefill provider.Prefill) (provider.Request, *seam) {
	msgs := append([]provider.Message(nil), req.Messages...)
	req.Prefill = prefill
	if prefill == provider.PrefillNone {
		req.Messages = append(msgs,
			provider.Message{Role: string(store.RoleAssistant), Content: partial},
			provider.Message{Role: string(store.RoleUser), Content: continuePrompt})
		return req, nil
	}
	sm, sent := newSeam(partial)
	req.Messages = append(msgs, provider.Message{Role: string(store.RoleAssistant), Content: sent, Thinking: reasoning})
	return req, sm
}
