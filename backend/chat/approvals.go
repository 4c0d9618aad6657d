package chat

import (
	"context"
	"errors"
	"sync"

	"brook/backend/i18n"
)

// ErrNoApproval is the answer to a call that is not waiting for approval
// (any more).
var ErrNoApproval = i18n.New("Chat.toolNotWaiting")

// ErrBadDecision is an answer that is not one of the Decision values.
var ErrBadDecision = errors.New("the answer must be allow_once, always_in_chat or deny")

// Approvals is the [Approver] of the window: each call waits in it until
// the user answers ([Approvals.Answer]), which the window does when it
// gets the engine's [events.ToolApproval] event.
type Approvals struct {
	mu      sync.Mutex
	waiting map[toolCallKey]*waitingApproval
	// onWait, when set (tests), learns of each call that begins to wait.
	onWait func(ApprovalRequest)
}

type waitingApproval struct {
	req ApprovalRequest
	ch  chan Decision
}

// NewApprovals returns an empty [Approvals].
func NewApprovals() *Approvals {
	return &Approvals{waiting: map[toolCallKey]*waitingApproval{}}
}

// Approve implements [Approver].
func (a *Approvals) Approve(ctx context.Context, req ApprovalRequest) (Decision, error) {
	key := toolCallKey{req.MessageID, req.Call.ID}
	w := &waitingApproval{req: req, ch: make(chan Decision, 1)}
	a.mu.Lock()
	a.waiting[key] = w
	onWait := a.onWait
	a.mu.Unlock()
	if onWait != nil {
		onWait(req)
	}
	defer func() {
		a.mu.Lock()
		if a.waiting[key] == w {
			delete(a.waiting, key)
		}
		a.mu.Unlock()
	}()
	select {
	case d := <-w.ch:
		return d, nil
	case <-ctx.Done():
		return "", context.Cause(ctx)
	}
}

// Answer gives the user's decision on a waiting call. A decision that is
// not one of the Decision values, or a call that waits for none, changes
// nothing and fails.
func (a *Approvals) Answer(messageID int64, callID string, d Decision) error {
	if !ValidDecision(d) {
		return ErrBadDecision
	}
	a.mu.Lock()
	w := a.waiting[toolCallKey{messageID, callID}]
	delete(a.waiting, toolCallKey{messageID, callID})
	a.mu.Unlock()
	if w == nil {
		return ErrNoApproval
	}
	w.ch <- d
	return nil
}

// Pending lists the calls waiting for the user, for a window that opens a
// conversation after the approval event went by.
func (a *Approvals) Pending() []ApprovalRequest {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]ApprovalRequest, 0, len(a.waiting))
	for _, w := range a.waiting {
		out = append(out, w.req)
	}
	return out
}
