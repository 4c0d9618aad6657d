package chat

import (
	"context"
	"errors"
	"testing"
)

// idleWaiting reports whether background work waits for a quiet endpoint.
func (q *queues) idleWaiting() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.changed != nil
}

// acquireIdleAsync starts acquireIdle and returns where its release arrives.
func acquireIdleAsync(t *testing.T, q *queues, ctx context.Context, limit int, yield func()) <-chan func() {
	got := make(chan func(), 1)
	go func() {
		release, err := q.acquireIdle(ctx, "ep", limit, yield)
		if err != nil {
			t.Error(err)
			close(got)
			return
		}
		got <- release
	}()
	return got
}

func TestIdleWorkWaitsForASingleSlotServerToBeQuiet(t *testing.T) {
	var q queues
	answer, _ := q.acquire(context.Background(), "ep", 1, func(int) {})
	got := acquireIdleAsync(t, &q, context.Background(), 1, func() { t.Error("yielded with no answer waiting") })
	waitFor(t, q.idleWaiting)
	// Another endpoint's answer ending wakes the work, which must go on waiting.
	other, _ := q.acquire(context.Background(), "other", 1, func(int) {})
	other()
	waitFor(t, q.idleWaiting)
	if len(got) != 0 {
		t.Fatal("background work took the only slot while an answer streamed")
	}
	answer()
	release := <-got
	release()
	if len(q.m) != 0 {
		t.Fatal("the queue is not empty after the work left")
	}
}

func TestIdleWorkGivesItsSlotToAnAnswer(t *testing.T) {
	var q queues
	ctx, cancel := context.WithCancelCause(context.Background())
	yielded := errors.New("yielded")
	release, err := q.acquireIdle(ctx, "ep", 1, func() { cancel(yielded) })
	if err != nil {
		t.Fatal(err)
	}
	granted := make(chan func())
	go func() {
		r, _ := q.acquire(context.Background(), "ep", 1, func(int) {})
		granted <- r
	}()
	<-ctx.Done() // the answer asked to wait: the work is told to yield
	if !errors.Is(context.Cause(ctx), yielded) {
		t.Fatalf("cancelled by %v", context.Cause(ctx))
	}
	// While the answer waits for the slot, no other work may take one.
	again := acquireIdleAsync(t, &q, context.Background(), 1, func() {})
	waitFor(t, q.idleWaiting)
	release()
	answer := <-granted
	if len(again) != 0 {
		t.Fatal("background work went before the answer")
	}
	answer()
	(<-again)()
}

func TestIdleWorkLeavesASlotFreeOnAServerWithSeveral(t *testing.T) {
	var q queues
	first, _ := q.acquire(context.Background(), "ep", 3, func(int) {})
	release, err := q.acquireIdle(context.Background(), "ep", 3, func() {})
	if err != nil {
		t.Fatal(err)
	}
	release()
	second, _ := q.acquire(context.Background(), "ep", 3, func(int) {})
	got := acquireIdleAsync(t, &q, context.Background(), 3, func() {})
	waitFor(t, q.idleWaiting)
	if len(got) != 0 {
		t.Fatal("background work took the last free slot")
	}
	second()
	(<-got)()
	first()
}

func TestIdleWaitEndsWithItsContext(t *testing.T) {
	var q queues
	answer, _ := q.acquire(context.Background(), "ep", 1, func(int) {})
	defer answer()
	ctx, cancel := context.WithCancelCause(context.Background())
	closing := errors.New("closing")
	done := make(chan error)
	go func() {
		_, err := q.acquireIdle(ctx, "ep", 1, func() {})
		done <- err
	}()
	waitFor(t, q.idleWaiting)
	cancel(closing)
	if err := <-done; !errors.Is(err, closing) {
		t.Fatalf("returned %v, want the context's cause", err)
	}
}
