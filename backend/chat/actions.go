package chat

import (
	"context"
	"strings"
	"unicode"

	"brook/backend/events"
	"brook/backend/i18n"
	"brook/backend/provider"
	"brook/backend/store"
)

// NewChatTitle is the title of a conversation before its first message,
// in English; a conversation gets it in the language current then
// ([newChatTitle]), and [isPlaceholderTitle] knows it in every language.
const NewChatTitle = "New chat"

// newChatTitle is [NewChatTitle] in the language current now.
func newChatTitle() string { return i18n.T("Chat.newChat", nil) }

// isPlaceholderTitle says whether title is a conversation's placeholder
// (Brook's own, or the store's for a conversation created without one), in
// any language Brook speaks: the language may have changed since.
func isPlaceholderTitle(title string) bool {
	return i18n.Said("Chat.newChat", title) || store.IsDefaultTitle(title)
}

// ErrBusy is returned for an action on a conversation whose answer is still
// being written: a conversation has at most one live answer.
var ErrBusy = i18n.New("Chat.busy")

// ErrNotAnswer is returned when an answer action names another kind of message.
var ErrNotAnswer = i18n.New("Chat.notAnswer")

// TitleFrom makes a conversation title from its first message: the first
// line, cut at a word boundary near 60 characters.
func TitleFrom(text string) string {
	line := strings.TrimSpace(text)
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = strings.TrimSpace(line[:i])
	}
	if line == "" {
		return newChatTitle()
	}
	if cut, ok := cutAtWord(line, titleMaxRunes); ok {
		return cut + "…"
	}
	return line
}

// titleMaxRunes is the longest a title is, in characters, before it is cut.
const titleMaxRunes = 60

// cutAtWord cuts text to at most limit characters, at the last white space
// in the second half of the limit when there is one, and reports whether it
// cut anything.
func cutAtWord(text string, limit int) (string, bool) {
	runes := []rune(text)
	if len(runes) <= limit {
		return text, false
	}
	cut := limit
	for i := limit; i > limit/2; i-- {
		if unicode.IsSpace(runes[i]) {
			cut = i
			break
		}
	}
	return strings.TrimSpace(string(runes[:cut])), true
}

// Retry asks for an answer again as a new version of it, shown in its
// place. The answer it retries stays as it was, with its text, reasoning
// and reason: nothing is erased before the new attempt has produced a word,
// nor if it fails.
func (e *Engine) Retry(ctx context.Context, answerID int64) (store.Message, error) {
	return e.newVersion(ctx, answerID)
}

// Regenerate asks for another answer to the same question, as a new
// version of answerID shown in its place; the old one stays a version. Only
// the shown path is sent as context later.
func (e *Engine) Regenerate(ctx context.Context, answerID int64) (store.Message, error) {
	return e.newVersion(ctx, answerID)
}

// newVersion starts a new version of an answer, from nothing.
func (e *Engine) newVersion(ctx context.Context, answerID int64) (store.Message, error) {
	done, err := e.enter()
	if err != nil {
		return store.Message{}, err
	}
	defer done()
	slot, answer, conv, history, err := e.answerContext(ctx, answerID)
	if err != nil {
		return store.Message{}, err
	}
	defer slot.cancel()
	version, err := e.cfg.Store.AddVersion(ctx, answer.ID, store.Message{
		Role: store.RoleAssistant, State: store.StateStreaming,
		EndpointID: conv.EndpointID, Model: conv.Model, Run: e.runs.Add(1),
	}, false)
	if err != nil {
		return store.Message{}, i18n.Wrap("Chat.newVersionFailed", err, nil)
	}
	e.launch(slot, conv, version, history)
	return version, nil
}

// Continue asks the model to go on with an interrupted or stopped answer; the
// new text is appended to what the answer already has, and its reasoning and
// thinking time are kept.
func (e *Engine) Continue(ctx context.Context, answerID int64) (store.Message, error) {
	done, err := e.enter()
	if err != nil {
		return store.Message{}, err
	}
	defer done()
	return e.continueAnswer(ctx, answerID, false)
}

// continueAnswer puts the answer back to streaming in one write, keeping
// everything it had, and continues it. resumed marks an answer that Brook
// takes up again after a restart.
func (e *Engine) continueAnswer(ctx context.Context, answerID int64, resumed bool) (store.Message, error) {
	slot, answer, conv, history, err := e.answerContext(ctx, answerID)
	if err != nil {
		return store.Message{}, err
	}
	defer slot.cancel()
	run := e.runs.Add(1)
	if err := e.cfg.Store.ContinueAnswer(ctx, answer.ID, run, conv.EndpointID, conv.Model); err != nil {
		return store.Message{}, i18n.Wrap("Chat.continueFailed", err, nil)
	}
	cont := answer
	cont.State, cont.Run, cont.EndpointID, cont.Model = store.StateStreaming, run, conv.EndpointID, conv.Model
	cont.Recovered, cont.RecoveryReason, cont.RecoveryMethod, cont.EndReason, cont.Error = false, "", "", "", ""
	// CompletionTokens stays: it is what the answer has spent of its token budget.
	cont.FirstTokenMs, cont.TokensPerSecond, cont.PromptTokens = 0, 0, 0
	e.launchResumed(slot, conv, cont, history, resumed)
	return cont, nil
}

// ResumeInterrupted takes up the answers that Brook's closing cut short (a
// quit while they streamed, a crash, a kill or a power cut), each continued
// where it stopped, on servers that can continue a partial answer. The
// others stay as they are, offered to Retry or Continue. It returns the IDs
// of the answers it took up; they are marked finished after a restart when
// they complete.
func (e *Engine) ResumeInterrupted(ctx context.Context) ([]int64, error) {
	done, err := e.enter()
	if err != nil {
		return nil, err
	}
	defer done()
	list, err := e.cfg.Store.ToResume(ctx)
	if err != nil {
		return nil, err
	}
	var resumed []int64
	for _, m := range list {
		if e.unsaved.holds(m.ID) {
			continue
		}
		conv, err := e.cfg.Store.GetConversation(ctx, m.ConversationID)
		if err != nil || conv.EndpointID == "" {
			continue
		}
		if e.prefillFor(ctx, conv.EndpointID, conv.Model) == provider.PrefillNone {
			continue
		}
		if _, err := e.continueAnswer(ctx, m.ID, true); err != nil {
			e.cfg.Logger.Info("an answer cut by the last closing was not resumed", "answer", m.ID, "err", err)
			continue
		}
		resumed = append(resumed, m.ID)
	}
	return resumed, nil
}

// EditAndResend sends an edited question as a new version of the user's
// message, in place, with a new answer beneath it. The original question
// and everything that followed it stay, a version away.
func (e *Engine) EditAndResend(ctx context.Context, userMessageID int64, text string) (SendResult, error) {
	if strings.TrimSpace(text) == "" {
		return SendResult{}, ErrEmptyMessage
	}
	done, err := e.enter()
	if err != nil {
		return SendResult{}, err
	}
	defer done()
	edited, err := e.cfg.Store.GetMessage(ctx, userMessageID)
	if err != nil {
		return SendResult{}, err
	}
	if edited.Role != store.RoleUser {
		return SendResult{}, i18n.New("Chat.editOnlyQuestions")
	}
	slot, err := e.reserve(edited.ConversationID)
	if err != nil {
		return SendResult{}, err
	}
	defer slot.cancel()
	conv, err := e.cfg.Store.GetConversation(ctx, edited.ConversationID)
	if err != nil {
		return SendResult{}, err
	}
	user, err := e.cfg.Store.AddVersion(ctx, userMessageID, store.Message{Role: store.RoleUser, Content: text, State: store.StateComplete}, true)
	if err != nil {
		return SendResult{}, err
	}
	e.cfg.Emitter.Emit(events.ConversationsChangedName, conv.ID)
	if conv.EndpointID == "" || conv.Model == "" {
		return SendResult{Conversation: conv, User: user}, ErrNoModel
	}
	answer, err := e.startAnswer(ctx, slot, conv, user.ID)
	if err != nil {
		return SendResult{}, err
	}
	return SendResult{Conversation: conv, User: user, Answer: answer}, nil
}

// ShowVersion shows message id in place of its other versions and returns
// the path now shown from it down. It is refused while an answer of the
// conversation is being produced, so a switch never mixes with a stream.
func (e *Engine) ShowVersion(ctx context.Context, id int64) ([]store.Message, error) {
	var path []store.Message
	err := e.whileIdle(ctx, id, func() (err error) {
		path, err = e.cfg.Store.ShowVersion(ctx, id)
		return err
	})
	return e.unsaved.overlay(path), err
}

// DeleteVersion removes one version of a message and everything that
// follows it, and returns how many messages went. Like every change to the
// tree, it waits for no answer: it is refused while one of the conversation
// is being produced.
func (e *Engine) DeleteVersion(ctx context.Context, id int64) (int, error) {
	var n int
	err := e.whileIdle(ctx, id, func() (err error) {
		n, err = e.cfg.Store.DeleteVersion(ctx, id)
		return err
	})
	return n, err
}

// DeleteMessage removes a message with all its versions; what follows the
// given version stays. It returns how many messages went.
func (e *Engine) DeleteMessage(ctx context.Context, id int64) (int, error) {
	var n int
	err := e.whileIdle(ctx, id, func() (err error) {
		n, err = e.cfg.Store.DeleteMessage(ctx, id)
		return err
	})
	return n, err
}

// whileIdle runs change with the conversation of message id reserved, so no
// answer of it starts meanwhile, or fails with [ErrBusy] when one is being
// produced.
func (e *Engine) whileIdle(ctx context.Context, id int64, change func() error) error {
	done, err := e.enter()
	if err != nil {
		return err
	}
	defer done()
	m, err := e.cfg.Store.GetMessage(ctx, id)
	if err != nil {
		return err
	}
	slot, err := e.reserve(m.ConversationID)
	if err != nil {
		return err
	}
	defer slot.cancel()
	return change()
}

// answerContext reserves the conversation of an answer that is not being
// produced, and loads the answer, its conversation and the messages before
// it on its path. The caller launches an answer with the slot or cancels it.
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
	if e.unsaved.holds(answer.ID) {
		return slot, answer, conv, nil, ErrNotSaved
	}
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
	if before, err = e.thread(ctx, answer.ParentID); err != nil {
		return slot, answer, conv, nil, err
	}
	e.cfg.Emitter.Emit(events.ConversationsChangedName, conv.ID)
	return slot, answer, conv, before, nil
}
