package chat

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"brook/backend/events"
	"brook/backend/store"
)

// NewChatTitle is the title of a conversation before its first message.
const NewChatTitle = "New chat"

// ErrBusy is returned for an action on an answer that is still streaming.
var ErrBusy = errors.New("that answer is still streaming; stop it first")

// ErrNotAnswer is returned when an answer action names another kind of message.
var ErrNotAnswer = errors.New("that message is not an answer")

// TitleFrom makes a conversation title from its first message: the first
// line, cut at a word boundary near 60 characters.
func TitleFrom(text string) string {
	line := strings.TrimSpace(text)
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = strings.TrimSpace(line[:i])
	}
	const limit = 60
	runes := []rune(line)
	if len(runes) <= limit {
		if line == "" {
			return NewChatTitle
		}
		return line
	}
	cut := limit
	for i := limit; i > limit/2; i-- {
		if unicode.IsSpace(runes[i]) {
			cut = i
			break
		}
	}
	return strings.TrimSpace(string(runes[:cut])) + "…"
}

// Retry starts an answer again from nothing, in place. Its old text is replaced.
func (e *Engine) Retry(ctx context.Context, answerID int64) (store.Message, error) {
	return e.restart(ctx, answerID, false)
}

// Continue asks the model to go on with an interrupted or stopped answer; the
// new text is appended to what the answer already has.
func (e *Engine) Continue(ctx context.Context, answerID int64) (store.Message, error) {
	return e.restart(ctx, answerID, true)
}

func (e *Engine) restart(ctx context.Context, answerID int64, keepText bool) (store.Message, error) {
	answer, conv, history, err := e.answerContext(ctx, answerID)
	if err != nil {
		return store.Message{}, err
	}
	reset := store.Message{
		ID: answer.ID, UID: answer.UID, ConversationID: answer.ConversationID, Role: store.RoleAssistant,
		State: store.StateStreaming, CreatedAt: answer.CreatedAt, EndpointID: conv.EndpointID, Model: conv.Model,
	}
	if keepText {
		reset.Content, reset.Reasoning = answer.Content, answer.Reasoning
	}
	if err := e.cfg.Store.RestartAnswer(ctx, answer.ID, reset.Content, conv.EndpointID, conv.Model); err != nil {
		return store.Message{}, fmt.Errorf("restarting the answer: %w", err)
	}
	if reset.Reasoning != "" {
		// The reasoning the answer is continued from stays stored, in case Brook dies meanwhile.
		if err := e.cfg.Store.CheckpointAnswer(ctx, answer.ID, reset.Content, reset.Reasoning); err != nil {
			return store.Message{}, fmt.Errorf("restarting the answer: %w", err)
		}
	}
	e.launch(conv, reset, history)
	return reset, nil
}

// Regenerate adds a new answer to the same prompt at the end of the
// conversation. The old answer stays; only the newest is sent as context later.
func (e *Engine) Regenerate(ctx context.Context, answerID int64) (store.Message, error) {
	_, conv, history, err := e.answerContext(ctx, answerID)
	if err != nil {
		return store.Message{}, err
	}
	all, err := e.cfg.Store.Messages(ctx, conv.ID)
	if err != nil {
		return store.Message{}, err
	}
	if last := all[len(all)-1]; last.ID != answerID {
		return store.Message{}, errors.New("only the last answer can be regenerated")
	}
	answer, err := e.cfg.Store.AddMessage(ctx, store.Message{
		ConversationID: conv.ID, Role: store.RoleAssistant, State: store.StateStreaming,
		EndpointID: conv.EndpointID, Model: conv.Model,
	})
	if err != nil {
		return store.Message{}, err
	}
	e.launch(conv, answer, history)
	return answer, nil
}

// EditAndResend forks the conversation at a user's message: a new
// conversation gets the messages before it, then the edited message and a new
// answer. The original conversation is left exactly as it was.
func (e *Engine) EditAndResend(ctx context.Context, userMessageID int64, text string) (SendResult, error) {
	if strings.TrimSpace(text) == "" {
		return SendResult{}, ErrEmptyMessage
	}
	edited, err := e.cfg.Store.GetMessage(ctx, userMessageID)
	if err != nil {
		return SendResult{}, err
	}
	if edited.Role != store.RoleUser {
		return SendResult{}, errors.New("only your own messages can be edited")
	}
	conv, err := e.cfg.Store.GetConversation(ctx, edited.ConversationID)
	if err != nil {
		return SendResult{}, err
	}
	all, err := e.cfg.Store.Messages(ctx, conv.ID)
	if err != nil {
		return SendResult{}, err
	}
	fork, err := e.cfg.Store.CreateConversation(ctx, store.Conversation{
		Title: conv.Title + " (edited)", EndpointID: conv.EndpointID, Model: conv.Model,
		SystemPrompt: conv.SystemPrompt, Params: conv.Params,
	})
	if err != nil {
		return SendResult{}, err
	}
	for _, m := range all {
		if m.ID >= userMessageID {
			break
		}
		m.ID, m.UID, m.ConversationID = 0, "", fork.ID
		if _, err := e.cfg.Store.AddMessage(ctx, m); err != nil {
			return SendResult{}, fmt.Errorf("copying the conversation: %w", err)
		}
	}
	return e.Send(ctx, SendRequest{ConversationID: fork.ID, Text: text})
}

// answerContext loads an answer that is not streaming, its conversation, and
// the messages before it.
func (e *Engine) answerContext(ctx context.Context, answerID int64) (store.Message, store.Conversation, []store.Message, error) {
	e.mu.Lock()
	_, busy := e.active[answerID]
	e.mu.Unlock()
	if busy {
		return store.Message{}, store.Conversation{}, nil, ErrBusy
	}
	answer, err := e.cfg.Store.GetMessage(ctx, answerID)
	if err != nil {
		return answer, store.Conversation{}, nil, err
	}
	if answer.Role != store.RoleAssistant {
		return answer, store.Conversation{}, nil, ErrNotAnswer
	}
	conv, err := e.cfg.Store.GetConversation(ctx, answer.ConversationID)
	if err != nil {
		return answer, conv, nil, err
	}
	if conv.EndpointID == "" || conv.Model == "" {
		return answer, conv, nil, ErrNoModel
	}
	all, err := e.cfg.Store.Messages(ctx, conv.ID)
	if err != nil {
		return answer, conv, nil, err
	}
	var before []store.Message
	for _, m := range all {
		if m.ID >= answerID {
			break
		}
		before = append(before, m)
	}
	e.cfg.Emitter.Emit(events.ConversationsChangedName, conv.ID)
	return answer, conv, before, nil
}
