package app

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/zalando/go-keyring"

	"brook/backend/store"
)

// boundMethods returns every method the window can call, as "Service.Method".
func boundMethods(a *App) map[string]reflect.Value {
	methods := map[string]reflect.Value{}
	for _, service := range newServices(a) {
		v := reflect.ValueOf(service)
		for i := range v.NumMethod() {
			name := v.Type().Elem().Name() + "." + v.Type().Method(i).Name
			methods[name] = v.Method(i)
		}
	}
	return methods
}

// callWithZeroArguments calls m with the zero value of each argument and
// returns its error result, if it has one.
func callWithZeroArguments(m reflect.Value) (err error, hasErr bool) {
	args := make([]reflect.Value, m.Type().NumIn())
	for i := range args {
		args[i] = reflect.Zero(m.Type().In(i))
	}
	out := m.Call(args)
	errType := reflect.TypeFor[error]()
	if n := len(out); n > 0 && out[n-1].Type() == errType {
		err, _ = out[n-1].Interface().(error)
		return err, true
	}
	return nil, false
}

// TestEveryBoundCallAfterShutdownSaysBrookIsClosing: once shutdown has
// started, a bound call touches nothing of the closed backend and says why.
func TestEveryBoundCallAfterShutdownSaysBrookIsClosing(t *testing.T) {
	keyring.MockInit()
	a := startBackend(t, t.TempDir(), "alpha:latest")
	c, err := a.store.CreateConversation(context.Background(), store.Conversation{Title: "kept"})
	if err != nil {
		t.Fatal(err)
	}
	a.shutdown(context.Background())

	methods := boundMethods(a)
	if len(methods) < 40 {
		t.Fatalf("found only %d bound methods", len(methods))
	}
	for name, m := range methods {
		t.Run(name, func(t *testing.T) {
			err, hasErr := callWithZeroArguments(m)
			if hasErr && !errors.Is(err, errClosing) {
				t.Fatalf("%s after shutdown = %v, want %q", name, err, errClosing)
			}
		})
	}
	if got := (&SystemService{a}).Diagnostics(); got != "Brook is closing." {
		t.Fatalf("Diagnostics after shutdown = %q", got)
	}
	if _, err := (&ConversationService{a}).Open(c.ID); !errors.Is(err, errClosing) {
		t.Fatalf("Open after shutdown = %v", err)
	}
}

// TestBoundCallsRacingShutdown runs bound calls on many goroutines while
// the backend shuts down (run it with -race): none panics or races the
// closing store, and every call made after shutdown returned says Brook is
// closing.
func TestBoundCallsRacingShutdown(t *testing.T) {
	keyring.MockInit()
	a := startBackend(t, t.TempDir(), "alpha:latest")
	c, err := a.store.CreateConversation(context.Background(), store.Conversation{Title: "busy"})
	if err != nil {
		t.Fatal(err)
	}
	convs, sets, models := &ConversationService{a}, &SettingsService{a}, &LocalModelsService{a}
	calls := []func() error{
		func() error { _, err := convs.List(false, 0, 0); return err },
		func() error { _, err := convs.Open(c.ID); return err },
		func() error { return convs.SaveDraft(c.ID, "typed while closing") },
		func() error { return convs.Rename(c.ID, "renamed while closing") },
		func() error { _, err := convs.Search("busy"); return err },
		func() error { _, err := sets.Get(); return err },
		func() error { _, err := sets.Backups(); return err },
		func() error { _, err := models.Installed("ollama"); return err },
	}
	var (
		wg      sync.WaitGroup
		stopped atomic.Bool
		during  atomic.Int64
		after   = make(chan error, 100*len(calls))
	)
	started := make(chan struct{}, len(calls))
	for _, call := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			started <- struct{}{}
			for !stopped.Load() {
				_ = call()
				during.Add(1)
			}
			// Shutdown has returned: every call now refuses.
			for range 100 {
				after <- call()
			}
		}()
	}
	for range calls {
		<-started
	}
	a.shutdown(context.Background())
	stopped.Store(true)
	wg.Wait()
	close(after)
	for err := range after {
		if !errors.Is(err, errClosing) {
			t.Fatalf("a call after shutdown returned %v", err)
		}
	}
	if during.Load() == 0 {
		t.Fatal("no call ran while shutting down")
	}
	t.Logf("%d calls ran while shutting down", during.Load())
}
