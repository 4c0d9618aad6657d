package app

import (
	"strings"
	"testing"

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
