package app

import (
	"regexp"
	"strings"
	"testing"

	"brook/backend/window"
)

// TestInstanceID: one lock per data folder, and a name D-Bus accepts once
// Wails has turned "." and "-" into "_" (letters, digits and "_" only, not
// starting with a digit).
func TestInstanceID(t *testing.T) {
	a, b := instanceID("/home/ann/.local/share/brook"), instanceID("/tmp/TestX 12/brook-ü")
	if a == b || a != instanceID("/home/ann/.local/share/brook") {
		t.Fatalf("ids %q and %q", a, b)
	}
	element := regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	for _, id := range []string{a, b} {
		if !strings.HasPrefix(id, AppID+".") {
			t.Fatalf("%q does not start with %s", id, AppID)
		}
		name := "org.wails_app_" + strings.ReplaceAll(strings.ReplaceAll(id, "-", "_"), ".", "_") + ".SingleInstance"
		for _, e := range strings.Split(name, ".") {
			if !element.MatchString(e) {
				t.Fatalf("D-Bus name %q has a bad element %q", name, e)
			}
		}
		if len(name) > 255 {
			t.Fatalf("D-Bus name %q is too long", name)
		}
	}
}

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
