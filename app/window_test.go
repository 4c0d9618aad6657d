package app

import (
	"strings"
	"testing"
	"time"

	"brook/backend/window"
)

func TestInitialSize(t *testing.T) {
	for _, tt := range []struct {
		saved window.Rect
		w, h  int
	}{
		{window.Rect{}, defaultWidth, defaultHeight},
		{window.Rect{Width: 1000, Height: 700}, 1000, 700},
		{window.Rect{Width: 100, Height: 700}, defaultWidth, defaultHeight},
	} {
		if w, h := initialSize(tt.saved); w != tt.w || h != tt.h {
			t.Errorf("initialSize(%+v) = %d×%d, want %d×%d", tt.saved, w, h, tt.w, tt.h)
		}
	}
}

func TestAboutBeforeStart(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	a := &App{up: make(chan struct{})}
	info := (&SystemService{a}).About()
	if info.Version == "" || info.Data == "" || !strings.HasSuffix(info.Database, "brook.db") || info.Logs == "" || len(info.Links) == 0 {
		t.Fatalf("About() = %+v", info)
	}
}

func TestRevealerShowsTheWindowOnce(t *testing.T) {
	shown := make(chan struct{}, 4)
	r := revealer{show: func() { shown <- struct{}{} }}
	r.reveal()
	r.reveal()
	r.revealBy(time.Millisecond)      // the deadline passes after the UI was ready
	time.Sleep(50 * time.Millisecond) // time for the deadline's timer to run
	if n := len(shown); n != 1 {
		t.Fatalf("the window was shown %d times, want once", n)
	}
}

func TestRevealerShowsTheWindowByTheDeadlineWithoutItsUI(t *testing.T) {
	shown := make(chan struct{}, 1)
	r := revealer{show: func() { shown <- struct{}{} }}
	r.revealBy(time.Millisecond) // UIReady never comes: the UI failed to start
	select {
	case <-shown:
	case <-time.After(10 * time.Second):
		t.Fatal("a window whose UI never said it was ready was never shown")
	}
}
