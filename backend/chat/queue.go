package chat

import (
	"context"
	"sync"
)

// queues keeps, per endpoint, how many answers are being sent and which
// wait for their turn. Answers to one endpoint run at most its limit at a
// time; the rest wait here, in order, rather than pile up in the server's
// own queue where a silent wait looks like a dead stream.
type queues struct {
	mu sync.Mutex
	m  map[string]*endpointQueue
}

type endpointQueue struct {
	running int
	waiting []*ticket
}

// ticket is one answer waiting for a slot.
type ticket struct {
	granted chan struct{}
	// ahead is told how many answers are before this one whenever that changes.
	ahead func(n int)
}

// acquire waits for a slot on the endpoint, with at most limit answers
// running there, and returns the function that frees it. ahead is told the
// answer's place while it waits (not at all when a slot is free at once).
// It returns ctx's cause if ctx ends first, leaving the queue.
func (q *queues) acquire(ctx context.Context, endpointID string, limit int, ahead func(n int)) (release func(), err error) {
	limit = max(limit, 1)
	if ctx.Err() != nil {
		return nil, context.Cause(ctx)
	}
	q.mu.Lock()
	if q.m == nil {
		q.m = map[string]*endpointQueue{}
	}
	eq := q.m[endpointID]
	if eq == nil {
		eq = &endpointQueue{}
		q.m[endpointID] = eq
	}
	release = func() { q.release(endpointID, limit) }
	if eq.running < limit && len(eq.waiting) == 0 {
		eq.running++
		q.mu.Unlock()
		return release, nil
	}
	t := &ticket{granted: make(chan struct{}), ahead: ahead}
	eq.waiting = append(eq.waiting, t)
	ahead(len(eq.waiting) - 1)
	q.mu.Unlock()

	select {
	case <-t.granted:
		return release, nil
	case <-ctx.Done():
	}
	q.mu.Lock()
	select {
	case <-t.granted:
		// Granted just as ctx ended: hand the slot on.
		q.mu.Unlock()
		release()
		return nil, context.Cause(ctx)
	default:
	}
	for i, w := range eq.waiting {
		if w == t {
			eq.waiting = append(eq.waiting[:i], eq.waiting[i+1:]...)
			break
		}
	}
	tellPlacesLocked(eq)
	q.mu.Unlock()
	return nil, context.Cause(ctx)
}

// release frees a slot and grants it, and any others the limit allows, to
// the answers waiting longest.
func (q *queues) release(endpointID string, limit int) {
	q.mu.Lock()
	eq := q.m[endpointID]
	eq.running--
	for eq.running < limit && len(eq.waiting) > 0 {
		next := eq.waiting[0]
		eq.waiting = eq.waiting[1:]
		eq.running++
		close(next.granted)
	}
	tellPlacesLocked(eq)
	if eq.running == 0 && len(eq.waiting) == 0 {
		delete(q.m, endpointID)
	}
	q.mu.Unlock()
}

// tellPlacesLocked tells every waiting answer its place. It runs under the
// lock so that places are told in order; ahead only records the number.
func tellPlacesLocked(eq *endpointQueue) {
	for i, w := range eq.waiting {
		w.ahead(i)
	}
}

// waitingCount returns how many answers wait for endpointID (tests).
func (q *queues) waitingCount(endpointID string) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	if eq := q.m[endpointID]; eq != nil {
		return len(eq.waiting)
	}
	return 0
}
