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

// ErrBusy is returned for an action on a conversation whose answer is still
// being written: a conversation has at most one live answer.
var ErrBusy = errors.New("an answer in this conversation is still being written; wait for it or stop it first")

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
	slot, answer, conv, history, err := e.answerContext(ctx, answerID)
	if err != nil {
		return store.Message{}, err
	}
	defer slot.cancel()
	reset := store.Message{
		ID: answer.ID, UID: answer.UID, ConversationID: answer.ConversationID, Role: store.RoleAssistant,
		State: store.StateStreaming, CreatedAt: answer.CreatedAt, EndpointID: conv.EndpointID, Model: conv.Model,
		Run: e.runs.Add(1),
	}
	if keepText {
		reset.Content, reset.Reasoning = answer.Content, answer.Reasoning
	}
	if err := e.cfg.Store.RestartAnswer(ctx, answer.ID, reset.Run, reset.Content, conv.EndpointID, conv.Model); err != nil {
		return store.Message{}, fmt.Errorf("restarting the answer: %w", err)
	}
	if reset.Reasoning != "" {
		// The reasoning the answer is continued from stays stored, in case Brook dies meanwhile.
		if err := e.cfg.Store.CheckpointAnswer(ctx, answer.ID, reset.Run, reset.Content, reset.Reasoning); err != nil {
			return store.Message{}, fmt.Errorf("restarting the answer: %w", err)
		}
	}
	e.launch(slot, conv, reset, history)
	return reset, nil
}

// Regenerate adds a new answer to the same prompt at the end of the
// conversation. The old answer stays; only the newest is sent as context later.
func (e *Engine) Regenerate(ctx context.Context, answerID int64) (store.Message, error) {
	slot, _, conv, history, err := e.answerContext(ctx, answerID)
	if err != nil {
		return store.Message{}, err
	}
	defer slot.cancel()
	all, err := e.cfg.Store.Messages(ctx, conv.ID)
	if err != nil {
		return store.Message{}, err
	}
	if last := all[len(all)-1]; last.ID != answerID {
		return store.Message{}, errors.New("only the last answer can be regenerated")
	}
	answer, err := e.cfg.Store.AddMessage(ctx, store.Message{
		ConversationID: conv.ID, Role: store.RoleAssistant, State: store.StateStreaming,
		EndpointID: conv.EndpointID, Model: conv.Model, Run: e.runs.Add(1),
	})
	if err != nil {
		return store.Message{}, err
	}
	e.launch(slot, conv, answer, history)
	return answer, nil
}

// EditAndResend forks the conversation at a user's message: a new
// conversation gets the messages before it, then the edited message and a new
// answer. The fork is one transaction; the original conversation is left
// exactly as it was.
func (e *Engine) EditAndResend(ctx context.Context, userMessageID int64, text string) (SendResult, error) {
	if strings.TrimSpace(text) == "" {
		return SendResult{}, ErrEmptyMessage
	}
	edited, err := e.cfg.Store.GetMessage(ctx, userMessageID)
	if err != nil {
		return SendResult{}, err
	}
	source, err := e.cfg.Store.GetConversation(ctx, edited.ConversationID)
	if err != nil {
		return SendResult{}, err
	}
	fork, user, err := e.cfg.Store.ForkConversation(ctx, userMessageID, source.Title+" (edited)", text)
	if err != nil {
		return SendResult{}, err
	}
	e.cfg.Emitter.Emit(events.ConversationsChangedName, fork.ID)
	if fork.EndpointID == "" || fork.Model == "" {
		return SendResult{Conversation: fork, User: user}, ErrNoModel
	}
	slot, err := e.reserve(fork.ID)
	if err != nil {
		return SendResult{}, err
	}
	defer slot.cancel()
	answer, err := e.startAnswer(ctx, slot, fork)
	if err != nil {
		return SendResult{}, err
	}
	return SendResult{Conversation: fork, User: user, Answer: answer}, nil
}

// answerContext reserves the conversation of an answer that is not being
// produced, and loads the answer, its conversation and the messages before
// it. The caller launches an answer with the slot or cancels it.
func (e *Engine) answerContext(ctx context.Context, answerID int64) (slot *reservation, answer store.Message, conv store.Conversation, before []store.Message, err error) {
	answer, err = e.cfg.Store.GetMessage(ctx, answerID)
	if err != nil {
		return nil, answer, conv, nil, err
	}
	if answer.Role != store.RoleAssistant {
		return nil, answer, conv, nil, ErrNotAnswer
	}
	if slot, err = e.reserve(answer.ConversationID); err != nil {
		return nil, answer, conv, nil, err
	}
	defer func() {
		if err != nil {
			slot.cancel()
			slot = nil
		}
	}()
	conv, err = e.cfg.Store.GetConversation(ctx, answer.ConversationID)
	if err != nil {
		return slot, answer, conv, nil, err
	}
	if conv.EndpointID == "" || conv.Model == "" {
		return slot, answer, conv, nil, ErrNoModel
	}
	// Read again under the slot: it may have changed since the first read.
	if answer, err = e.cfg.Store.GetMessage(ctx, answerID); err != nil {
		return slot, answer, conv, nil, err
	}
	all, err := e.cfg.Store.Messages(ctx, conv.ID)
	if err != nil {
		return slot, answer, conv, nil, err
	}
	for _, m := range all {
		if m.ID >= answerID {
			break
		}
		before = append(before, m)
	}
	e.cfg.Emitter.Emit(events.ConversationsChangedName, conv.ID)
	return slot, answer, conv, before, nil
}
