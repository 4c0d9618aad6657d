package chat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"brook/backend/events"
	"brook/backend/i18n"
	"brook/backend/store"
)

// ErrNotSaved refuses to change an answer whose final write has not
// succeeded yet.
var ErrNotSaved = i18n.New("Chat.notSaved")

// unsavedAnswers writes the outcome of every answer and keeps in memory
// each one whose write failed (a full disk, an I/O error), writing it again
// with backoff until a write succeeds. Meanwhile the window shows it whole,
// and the engine sends it, as it is in memory, in later turns. A timer runs
// only while an answer waits to be written.
type unsavedAnswers struct {
	e *Engine

	mu      sync.Mutex
	pending map[int64]*pendingAnswer // by answer
	timer   *time.Timer
	wait    time.Duration // before the next attempt
	closed  bool
}

// pendingAnswer is an answer whose final write failed, and why.
type pendingAnswer struct {
	msg    store.Message
	reason string
}

func newUnsavedAnswers(e *Engine) *unsavedAnswers {
	return &unsavedAnswers{e: e, pending: map[int64]*pendingAnswer{}}
}

// save writes an answer's outcome and sends its final event through relay.
// A write that fails keeps the answer and is tried again; the final event
// then carries the answer as it is in memory, and why it is not saved.
func (u *unsavedAnswers) save(final store.Message, relay *relay) {
	ctx := context.Background()
	ev := events.StreamEvent{Phase: events.PhaseFinal, State: string(final.State), MessageOmitted: true}
	switch err := u.e.cfg.Store.FinishAnswer(ctx, final); {
	case err == nil:
		if stored, err := u.e.cfg.Store.GetMessage(ctx, final.ID); err != nil {
			u.e.cfg.Logger.Error("reading the final answer back", "answer", final.ID, "err", err)
		} else {
			ev = finalEvent(stored)
		}
	case errors.Is(err, store.ErrNotFound):
		// Deleted, or taken over by a newer run: this outcome is not the answer's any more.
		u.e.cfg.Logger.Warn("an answer's outcome has no message to go to", "answer", final.ID, "err", err)
	default:
		u.e.cfg.Logger.Error("storing the final answer; keeping it and trying again", "answer", final.ID, "err", err)
		final.Unsaved = u.keep(final, err)
		ev = finalEvent(final)
		ev.Unsaved = final.Unsaved
	}
	relay.sendFinal(ev)
}

// keep holds an answer whose write failed and arms the next attempt. It
// returns the reason shown to the user.
func (u *unsavedAnswers) keep(m store.Message, err error) string {
	reason := saveFailure(err)
	u.mu.Lock()
	defer u.mu.Unlock()
	u.pending[m.ID] = &pendingAnswer{msg: m, reason: reason}
	if u.timer == nil && !u.closed {
		u.wait = u.e.cfg.SaveRetry
		u.timer = time.AfterFunc(u.wait, u.retry)
	}
	return reason
}

// saveFailure words a failed write for the user.
func saveFailure(err error) string {
	return i18n.T("Chat.saveFailure", i18n.Args{"Err": err})
}

// retry writes every pending answer again, and arms the next attempt, with
// a longer wait, while any remains.
func (u *unsavedAnswers) retry() {
	u.writeAll()
	u.mu.Lock()
	defer u.mu.Unlock()
	u.timer = nil
	if len(u.pending) == 0 || u.closed {
		return
	}
	u.wait = min(2*u.wait, u.e.cfg.MaxSaveRetry)
	u.timer = time.AfterFunc(u.wait, u.retry)
}

// writeAll tries to write each pending answer once. It reports how many
// are still not written.
func (u *unsavedAnswers) writeAll() int {
	u.mu.Lock()
	ids := make([]int64, 0, len(u.pending))
	for id := range u.pending {
		ids = append(ids, id)
	}
	u.mu.Unlock()
	left := 0
	for _, id := range ids {
		if u.write(id) != nil {
			left++
		}
	}
	return left
}

// write tries to write one pending answer; once written it is told to the
// window and forgotten.
func (u *unsavedAnswers) write(id int64) error {
	u.mu.Lock()
	p := u.pending[id]
	u.mu.Unlock()
	if p == nil {
		return nil
	}
	ctx := context.Background()
	err := u.e.cfg.Store.FinishAnswer(ctx, p.msg)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		u.mu.Lock()
		p.reason = saveFailure(err)
		u.mu.Unlock()
		return err
	}
	u.mu.Lock()
	delete(u.pending, id)
	u.mu.Unlock()
	saved := events.AnswerSaved{MessageID: id, ConversationID: p.msg.ConversationID}
	if err == nil {
		if stored, err := u.e.cfg.Store.GetMessage(ctx, id); err == nil {
			if b, _ := json.Marshal(stored); len(b) <= events.MaxInlineFinalMessage {
				saved.Message = &stored
			}
		}
		u.e.cfg.Logger.Info("an answer that could not be stored is stored now", "answer", id)
	}
	u.e.cfg.Emitter.Emit(events.AnswerSavedName, saved)
	return nil
}

// SaveAgain writes an answer that could not be stored at once, and says
// why when it still cannot.
func (e *Engine) SaveAgain(answerID int64) error {
	if !e.unsaved.holds(answerID) {
		return nil // stored already
	}
	if err := e.unsaved.write(answerID); err != nil {
		return i18n.Wrap("Chat.stillNotSaved", err, nil)
	}
	return nil
}

// Unsaved lists the answers whose final write has not succeeded yet, as
// they are in memory, each with [store.Message.Unsaved] set.
func (e *Engine) Unsaved() []store.Message {
	return e.unsaved.list()
}

func (u *unsavedAnswers) list() []store.Message {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := make([]store.Message, 0, len(u.pending))
	for _, p := range u.pending {
		m := p.msg
		m.Unsaved = p.reason
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// holds reports whether answer id waits to be written.
func (u *unsavedAnswers) holds(id int64) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.pending[id] != nil
}

// overlay returns msgs with every answer that waits to be written as it is
// in memory: the database still has its last checkpoint.
func (u *unsavedAnswers) overlay(msgs []store.Message) []store.Message {
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.pending) == 0 {
		return msgs
	}
	for i, m := range msgs {
		if p := u.pending[m.ID]; p != nil {
			kept := p.msg
			kept.Versions, kept.Images, kept.ParentUID = m.Versions, m.Images, m.ParentUID
			kept.Unsaved = p.reason
			msgs[i] = kept
		}
	}
	return msgs
}

// Message returns a message as the window should show it: from memory while
// its final write is pending, else as stored.
func (e *Engine) Message(ctx context.Context, id int64) (store.Message, error) {
	m, err := e.cfg.Store.GetMessage(ctx, id)
	if err != nil {
		return m, err
	}
	return e.unsaved.overlay([]store.Message{m})[0], nil
}

// ShownPath returns the messages a conversation shows, with the answers not
// saved yet as they are in memory.
func (e *Engine) ShownPath(ctx context.Context, conversationID int64) ([]store.Message, error) {
	msgs, err := e.cfg.Store.ShownPath(ctx, conversationID)
	return e.unsaved.overlay(msgs), err
}

// unsavedFile is an answer left in [Config.UnsavedDir] by a closing that
// could not store it.
type unsavedFile struct {
	Message store.Message `json:"message"`
	Run     int64         `json:"run"`
	Reason  string        `json:"reason"`
}

// close stops the attempts, tries each pending answer once more, and
// leaves those still not written as files in dir for [ApplyUnsaved].
func (u *unsavedAnswers) close(dir string) {
	u.mu.Lock()
	u.closed = true
	if u.timer != nil {
		u.timer.Stop()
		u.timer = nil
	}
	u.mu.Unlock()
	if u.writeAll() == 0 {
		return
	}
	if dir == "" {
		u.e.cfg.Logger.Error("answers not saved at closing, and nowhere to keep them", "count", len(u.list()))
		return
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		u.e.cfg.Logger.Error("keeping answers not saved", "err", err)
		return
	}
	for _, m := range u.list() {
		b, err := json.Marshal(unsavedFile{Message: m, Run: m.Run, Reason: m.Unsaved})
		if err == nil {
			err = writeFileAtomic(filepath.Join(dir, m.UID+".json"), b)
		}
		if err != nil {
			u.e.cfg.Logger.Error("keeping an answer not saved", "answer", m.ID, "err", err)
			continue
		}
		u.e.cfg.Logger.Info("an answer not saved is kept for the next start", "answer", m.ID, "dir", dir)
	}
}

// writeFileAtomic writes b to path through a temporary file, so a crash
// leaves the old file or the new one.
func writeFileAtomic(path string, b []byte) error {
	tmp := path + ".partial"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// UnsavedStore is what [ApplyUnsaved] needs of the store.
type UnsavedStore interface {
	FinishAnswer(ctx context.Context, m store.Message) error
	GetMessage(ctx context.Context, id int64) (store.Message, error)
	AddVersion(ctx context.Context, of int64, m store.Message, keepImages bool) (store.Message, error)
}

// ApplyUnsaved writes the answers that a closing left in dir, before the
// engine starts, and removes each file once written: as the answer it was,
// or, when that answer has gone on since, as a new version of it. It
// returns how many it wrote; a file it cannot write stays for the next start.
func ApplyUnsaved(ctx context.Context, s UnsavedStore, dir string) (int, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		return 0, err
	}
	written := 0
	var errs []error
	for _, path := range files {
		if err := applyUnsavedFile(ctx, s, path); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", filepath.Base(path), err))
			continue
		}
		written++
	}
	return written, errors.Join(errs...)
}

func applyUnsavedFile(ctx context.Context, s UnsavedStore, path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var f unsavedFile
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	m := f.Message
	m.Run, m.Unsaved = f.Run, ""
	err = s.FinishAnswer(ctx, m)
	if errors.Is(err, store.ErrNotFound) {
		// The answer went on under another run: keep this one beside it.
		if _, gone := s.GetMessage(ctx, m.ID); gone != nil {
			return gone
		}
		m.ID, m.UID, m.Run = 0, "", 0
		_, err = s.AddVersion(ctx, f.Message.ID, m, false)
	}
	if err != nil {
		return err
	}
	return os.Remove(path)
}
