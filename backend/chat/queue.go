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
	// changed is closed, and forgotten, whenever a slot frees or an answer
	// stops waiting, so background work waiting for a quiet endpoint looks again.
	changed chan struct{}
}

type endpointQueue struct {
	running int
	waiting []*ticket
	// yielding are the running slots held by background work that gives
	// them up as soon as an answer would wait ([queues.acquireIdle]).
	yielding []*yielder
}

// yielder is a slot held by background work: yield makes the work give it up.
type yielder struct {
	yield   func()
	yielded bool
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
	eq := q.queueLocked(endpointID)
	release = func() { q.release(endpointID, limit) }
	if eq.running < limit && len(eq.waiting) == 0 {
		eq.running++
		q.mu.Unlock()
		return release, nil
	}
	t := &ticket{granted: make(chan struct{}), ahead: ahead}
	eq.waiting = append(eq.waiting, t)
	ahead(len(eq.waiting) - 1)
	// Background work never keeps an answer waiting: it hands its slot on.
	for _, y := range eq.yielding {
		if !y.yielded {
			y.yielded = true
			y.yield()
		}
	}
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
	q.broadcastLocked()
	q.mu.Unlock()
	return nil, context.Cause(ctx)
}

// acquireIdle waits, for background work such as a title, until the
// endpoint is quiet and takes a slot there, and returns the function that
// frees it. Quiet is no answer waiting, no other background work running,
// and either nothing running or, on a server with slots to spare, a slot
// left free beside this one. The work is queued behind the user's answers
// and never delays one: when an answer would have to wait while the work
// holds its slot, yield is called (under the queue's lock: it must only
// cancel) and the work is to give the slot up by releasing it. It returns
// ctx's cause if ctx ends first.
func (q *queues) acquireIdle(ctx context.Context, endpointID string, limit int, yield func()) (release func(), err error) {
	limit = max(limit, 1)
	for {
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		q.mu.Lock()
		if eq := q.m[endpointID]; eq == nil || quietLocked(eq, limit) {
			eq = q.queueLocked(endpointID)
			eq.running++
			y := &yielder{yield: yield}
			eq.yielding = append(eq.yielding, y)
			q.mu.Unlock()
			return func() { q.releaseYielder(endpointID, limit, y) }, nil
		}
		if q.changed == nil {
			q.changed = make(chan struct{})
		}
		changed := q.changed
		q.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		}
	}
}

// quietLocked says whether background work may take a slot of eq.
func quietLocked(eq *endpointQueue, limit int) bool {
	return len(eq.waiting) == 0 && len(eq.yielding) == 0 && (eq.running == 0 || eq.running < limit-1)
}

func (q *queues) queueLocked(endpointID string) *endpointQueue {
	if q.m == nil {
		q.m = map[string]*endpointQueue{}
	}
	eq := q.m[endpointID]
	if eq == nil {
		eq = &endpointQueue{}
		q.m[endpointID] = eq
	}
	return eq
}

// releaseYielder frees a slot taken by [queues.acquireIdle].
func (q *queues) releaseYielder(endpointID string, limit int, y *yielder) {
	q.mu.Lock()
	eq := q.m[endpointID]
	for i, w := range eq.yielding {
		if w == y {
			eq.yielding = append(eq.yielding[:i], eq.yielding[i+1:]...)
			break
		}
	}
	q.mu.Unlock()
	q.release(endpointID, limit)
}

// broadcastLocked wakes the background work waiting for a quiet endpoint.
func (q *queues) broadcastLocked() {
	if q.changed != nil {
		close(q.changed)
		q.changed = nil
	}
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
	q.broadcastLocked()
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
