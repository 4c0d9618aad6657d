package chat

import (
	"sync/atomic"
	"testing"
	"time"

	"brook/backend/provider"
)

func TestFirstTokenBudget(t *testing.T) {
	c := Clocks{FirstTokenFloor: 20 * time.Second, FirstTokenCeiling: 300 * time.Second, LoadAllowance: 120 * time.Second, PromptPerToken: 5 * time.Millisecond}
	tests := []struct {
		name     string
		prompt   int
		perToken time.Duration
		load     time.Duration
		loading  bool
		want     time.Duration
	}{
		{"a loaded model and a short prompt", 50, 0, 0, false, 20*time.Second + 750*time.Millisecond},
		{"a learned slow prompt rate", 1000, 10 * time.Millisecond, 0, false, 50 * time.Second},
		{"a model to load", 50, time.Millisecond, 0, true, 20*time.Second + 150*time.Millisecond + 120*time.Second},
		{"a model known to load slowly", 50, time.Millisecond, 60 * time.Second, true, 20*time.Second + 150*time.Millisecond + 180*time.Second},
		{"never past the ceiling", 100000, 10 * time.Millisecond, 0, true, 300 * time.Second},
	}
	for _, tt := range tests {
		if got := c.firstTokenBudget(tt.prompt, tt.perToken, tt.load, tt.loading); got != tt.want {
			t.Errorf("%s: budget %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestPaceClockAllowsTheStreamsOwnRhythm(t *testing.T) {
	c := Clocks{StallFloor: 2 * time.Second, StallCeiling: 60 * time.Second, StallFactor: 10}
	p := &paceClock{clocks: c, firstBudget: 20 * time.Second, headersBudget: 300 * time.Second}
	if got := p.allowedLocked(); got != 300*time.Second {
		t.Fatalf("before headers: %v", got)
	}
	p.headers = true
	if got := p.allowedLocked(); got != 20*time.Second {
		t.Fatalf("before the first piece: %v", got)
	}
	t0 := time.Now()
	p.pieces, p.lastPiece = 1, t0
	if got := p.allowedLocked(); got != 20*time.Second {
		t.Fatalf("before any gap is known: %v", got)
	}
	// Fast tokens: the floor.
	p.timer = time.AfterFunc(time.Hour, func() {})
	defer p.timer.Stop()
	for i := 1; i <= 5; i++ {
		p.piece(t0.Add(time.Duration(i) * 20 * time.Millisecond))
	}
	if got := p.allowedLocked(); got != 2*time.Second {
		t.Fatalf("at 50 tokens/s: %v, want the floor", got)
	}
	// Slow tokens 3 s apart: ten times the gap.
	for i := 1; i <= 9; i++ {
		p.piece(t0.Add(time.Second + time.Duration(i)*3*time.Second))
	}
	if got := p.allowedLocked(); got != 30*time.Second {
		t.Fatalf("tokens 3 s apart: %v, want 30 s", got)
	}
	// 15 s apart: capped at the ceiling, which is still four gaps.
	for i := 1; i <= 9; i++ {
		p.piece(t0.Add(time.Minute + time.Duration(i)*15*time.Second))
	}
	if got := p.allowedLocked(); got != 60*time.Second {
		t.Fatalf("tokens 15 s apart: %v, want the ceiling", got)
	}
}

func TestPaceClockFiresOnSilenceOnlyAndSignsOfLifeResetIt(t *testing.T) {
	var fired atomic.Int32
	var afterPiece atomic.Bool
	c := Clocks{StallFloor: 100 * time.Millisecond, StallCeiling: time.Second, StallFactor: 10}
	p := startPaceClock(c, time.Second, time.Second, func(after bool) { afterPiece.Store(after); fired.Add(1) })
	defer p.stop()
	// Keep-alives every 100 ms for a second: alive, never cut.
	for range 10 {
		time.Sleep(100 * time.Millisecond)
		p.sign(provider.SignBytes)
	}
	if fired.Load() != 0 {
		t.Fatal("the clock fired while signs of life kept arriving")
	}
	p.piece(time.Now())
	waitFor(t, func() bool { return fired.Load() == 1 })
	if !afterPiece.Load() {
		t.Fatal("a silence after the first piece was not told as a stall")
	}
}

// TestPaceClockGivesAnOverloadedMachineOneMoreAllowance: when the machine is
// too busy to keep time, a silence gets one more allowance before it counts
// as a stall; a piece arriving meanwhile starts over.
func TestPaceClockGivesAnOverloadedMachineOneMoreAllowance(t *testing.T) {
	var fired atomic.Int32
	busy := atomic.Bool{}
	busy.Store(true)
	p := &paceClock{clocks: Clocks{StallFloor: time.Hour}, firstBudget: 50 * time.Millisecond, headersBudget: 50 * time.Millisecond,
		expire: func(bool) { fired.Add(1) }, overloaded: busy.Load}
	p.mu.Lock()
	p.timer = time.AfterFunc(time.Hour, p.fire)
	p.resetLocked()
	p.mu.Unlock()
	defer p.stop()
	waitFor(t, func() bool { p.mu.Lock(); defer p.mu.Unlock(); return p.grace })
	if fired.Load() != 0 {
		t.Fatal("the clock fired on an overloaded machine without a second allowance")
	}
	waitFor(t, func() bool { return fired.Load() == 1 })
}

// TestPaceClockIgnoresAFiringOvertakenByAPiece forces the interleaving of a
// busy machine: the timer fires and its goroutine waits for the lock while a
// piece arrives, moves the deadline on and re-arms the timer. When the stale
// firing then gets the lock, the stream is alive and must not be cut.
func TestPaceClockIgnoresAFiringOvertakenByAPiece(t *testing.T) {
	var fired atomic.Int32
	p := &paceClock{clocks: Clocks{StallFloor: time.Hour, StallCeiling: time.Hour, StallFactor: 10},
		firstBudget: time.Hour, headersBudget: time.Hour, expire: func(bool) { fired.Add(1) }}
	p.mu.Lock()
	p.timer = time.AfterFunc(time.Hour, p.fire)
	p.resetLocked()
	p.mu.Unlock()
	defer p.stop()

	p.sign(provider.SignHeaders)
	p.piece(time.Now()) // holds the lock the firing waits for, and re-arms the timer
	p.fire()            // the firing that was already under way gets the lock after it
	if fired.Load() != 0 {
		t.Fatal("a firing overtaken by a piece cut a live stream")
	}
	p.mu.Lock()
	stopped := p.stopped
	p.mu.Unlock()
	if stopped {
		t.Fatal("the clock stopped watching after a stale firing")
	}
}
