package localmodels

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestCloseWaitsForAPullBeingRegistered: a Pull holds m.mu from its check
// that the manager is open until its goroutine is counted. Close must not
// slip in between (cancel, find nothing to wait for and return), or that
// pull would run after Close returned, after Brook closed what it uses.
func TestCloseWaitsForAPullBeingRegistered(t *testing.T) {
	srv, _, _ := blockingServer(t)
	m, _ := newManager(t, srv.URL, Config{})
	m.mu.Lock() // as a Pull does between its check and its registration
	closed := make(chan struct{})
	go func() {
		m.Close()
		close(closed)
	}()
	// The wait only gives a Close that does not wait the time to show it; a
	// Close that waits passes whatever the machine's speed.
	select {
	case <-closed:
		m.mu.Unlock()
		t.Fatal("Close returned while a Pull was registering; that pull would run after Close")
	case <-time.After(200 * time.Millisecond):
	}
	m.mu.Unlock()
	<-closed
	if err := m.Pull(t.Context(), "ollama", "late"); !errors.Is(err, ErrClosing) {
		t.Fatalf("Pull after Close = %v, want ErrClosing", err)
	}
}

// TestPullsRacingClose starts pulls on many goroutines while the manager
// closes (run it with -race). Every pull is either refused with ErrClosing
// or has ended, with its last event sent, before Close returns; nothing
// happens after.
func TestPullsRacingClose(t *testing.T) {
	for round := range 20 {
		srv, _, _ := blockingServer(t)
		m, rec := newManager(t, srv.URL, Config{})
		var wg sync.WaitGroup
		accepted := make(chan string, 64)
		for i := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				model := fmt.Sprintf("model-%d", i)
				switch err := m.Pull(t.Context(), "ollama", model); {
				case err == nil:
					accepted <- model
				case !errors.Is(err, ErrClosing):
					t.Errorf("Pull(%s) = %v", model, err)
				}
			}()
		}
		m.Close()
		atClose := len(rec.Events())
		wg.Wait()
		close(accepted)
		ended := map[string]bool{}
		for _, p := range pullEvents(rec) {
			if p.State != StateRunning {
				ended[p.Model] = true
			}
		}
		for model := range accepted {
			if !ended[model] {
				// Accepted after Close returned: it must not have been.
				t.Fatalf("round %d: %s was accepted but had not ended when Close returned", round, model)
			}
		}
		if n := len(rec.Events()); n != atClose {
			t.Fatalf("round %d: %d events after Close returned", round, n-atClose)
		}
	}
}
