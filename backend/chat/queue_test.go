package chat

import (
	"context"
	"errors"
	"sync"
	"testing"
)

func TestQueueRunsAtMostTheLimitInOrder(t *testing.T) {
	var q queues
	var mu sync.Mutex
	places := map[int][]int{}
	ahead := func(i int) func(int) {
		return func(n int) { mu.Lock(); places[i] = append(places[i], n); mu.Unlock() }
	}
	r1, err := q.acquire(context.Background(), "ep", 2, ahead(1))
	if err != nil {
		t.Fatal(err)
	}
	r2, _ := q.acquire(context.Background(), "ep", 2, ahead(2))
	got := make(chan int, 3)
	var releases sync.Map
	for i := 3; i <= 5; i++ {
		go func() {
			r, err := q.acquire(context.Background(), "ep", 2, ahead(i))
			if err != nil {
				t.Error(err)
				return
			}
			releases.Store(i, r)
			got <- i
		}()
		waitFor(t, func() bool { return q.waitingCount("ep") == i-2 })
	}
	if len(got) != 0 {
		t.Fatal("a third answer ran while two held the endpoint")
	}
	r1()
	if first := <-got; first != 3 {
		t.Fatalf("answer %d went before answer 3, which waited longest", first)
	}
	r2()
	if next := <-got; next != 4 {
		t.Fatalf("answer %d went before answer 4", next)
	}
	mu.Lock()
	if p := places[5]; len(p) < 3 || p[0] != 2 || p[len(p)-1] != 0 {
		t.Fatalf("answer 5 was told places %v, want 2 … 0", p)
	}
	if len(places[1]) != 0 {
		t.Fatal("an answer that did not wait was told a place")
	}
	mu.Unlock()
	for i := 3; i <= 4; i++ {
		r, _ := releases.Load(i)
		r.(func())()
	}
	<-got
	r, _ := releases.Load(5)
	r.(func())()
	if q.waitingCount("ep") != 0 || len(q.m) != 0 {
		t.Fatal("the queue is not empty after every answer left")
	}
}

func TestQueueStopLeavesTheQueue(t *testing.T) {
	var q queues
	release, _ := q.acquire(context.Background(), "ep", 1, func(int) {})
	ctx, cancel := context.WithCancelCause(context.Background())
	stopped := errors.New("stopped")
	done := make(chan error)
	go func() {
		_, err := q.acquire(ctx, "ep", 1, func(int) {})
		done <- err
	}()
	waitFor(t, func() bool { return q.waitingCount("ep") == 1 })
	var behindPlaces []int
	var mu sync.Mutex
	go q.acquire(context.Background(), "ep", 1, func(n int) { mu.Lock(); behindPlaces = append(behindPlaces, n); mu.Unlock() })
	waitFor(t, func() bool { return q.waitingCount("ep") == 2 })
	cancel(stopped)
	if err := <-done; !errors.Is(err, stopped) {
		t.Fatalf("a stopped wait returned %v", err)
	}
	if n := q.waitingCount("ep"); n != 1 {
		t.Fatalf("%d waiting after one was stopped, want 1", n)
	}
	mu.Lock()
	if behindPlaces[len(behindPlaces)-1] != 0 {
		t.Fatalf("the answer behind was told %v, want to end at 0", behindPlaces)
	}
	mu.Unlock()
	release()
	waitFor(t, func() bool { return q.waitingCount("ep") == 0 })
}
