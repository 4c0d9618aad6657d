package linkopen

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeOpener puts an executable called name on a fresh $PATH that writes its
// argument and environment to the returned file.
func fakeOpener(t *testing.T, name string) string {
	t.Helper()
	dir := t.TempDir()
	out := filepath.Join(dir, "opened")
	script := "#!/bin/sh\n{ echo \"$1\"; /usr/bin/env; } > " + out + ".tmp && /bin/mv " + out + ".tmp " + out + "\n"
	if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	return out
}

func waitFile(t *testing.T, path string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if data, err := os.ReadFile(path); err == nil {
			return string(data)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the opener never wrote %s", path)
	return ""
}

func TestOpenPassesTheLinkAndOnlyTheGivenEnvironment(t *testing.T) {
	for _, name := range openers {
		t.Run(name, func(t *testing.T) {
			out := fakeOpener(t, name)
			if err := Open("https://example.com/a?b=c", []string{"KEPT=yes", "PATH=" + os.Getenv("PATH")}); err != nil {
				t.Fatal(err)
			}
			got := waitFile(t, out)
			lines := strings.Split(got, "\n")
			if lines[0] != "https://example.com/a?b=c" {
				t.Errorf("the opener got %q, want the link", lines[0])
			}
			if !strings.Contains(got, "KEPT=yes") {
				t.Errorf("the opener's environment lacks KEPT=yes:\n%s", got)
			}
			if strings.Contains(got, "HOME=") {
				t.Errorf("the opener inherited Brook's environment instead of the one given:\n%s", got)
			}
		})
	}
}

func TestOpenWithoutAnOpener(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	if err := Open("https://example.com", nil); !errors.Is(err, ErrNoOpener) {
		t.Fatalf("Open = %v, want ErrNoOpener", err)
	}
}
