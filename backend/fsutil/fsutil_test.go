package fsutil

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}

// leftovers lists the files in dir other than the named ones.
func leftovers(t *testing.T, dir string, names ...string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		keep := false
		for _, n := range names {
			keep = keep || e.Name() == n
		}
		if !keep {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestWriteAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "export.md")
	if err := WriteAtomically(path, 0o600, writeString("first")); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "first" {
		t.Fatalf("content = %q", got)
	}
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
			t.Fatalf("mode = %v, want 0600", fi.Mode().Perm())
		}
	}
	// Replacing an existing file.
	if err := WriteAtomically(path, 0o644, writeString("second")); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "second" {
		t.Fatalf("content = %q", got)
	}
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
			t.Fatalf("mode = %v, want 0644", fi.Mode().Perm())
		}
	}
	if extra := leftovers(t, dir, "export.md"); len(extra) != 0 {
		t.Fatalf("temporary files left: %v", extra)
	}
}

func TestFailedWriteLeavesTheOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "export.json")
	if err := os.WriteFile(path, []byte("old and whole"), 0o600); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk full half way")
	err := WriteAtomically(path, 0o600, func(w io.Writer) error {
		io.WriteString(w, "half of the new")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the writer's error", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old and whole" {
		t.Fatalf("the old file changed: %q", got)
	}
	if extra := leftovers(t, dir, "export.json"); len(extra) != 0 {
		t.Fatalf("temporary files left: %v", extra)
	}
}

func TestWriteAtomicallyRefusesWhatIsNotAFile(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "a-folder")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := WriteAtomically(sub, 0o600, writeString("x")); err == nil {
		t.Fatal("writing over a folder succeeded")
	}
	if extra := leftovers(t, dir, "a-folder"); len(extra) != 0 {
		t.Fatalf("temporary files left: %v", extra)
	}
	if err := WriteAtomically(filepath.Join(dir, "missing", "x.md"), 0o600, writeString("x")); err == nil {
		t.Fatal("writing into a missing folder succeeded")
	}
	if err := WriteAtomically(dir+string(filepath.Separator), 0o600, writeString("x")); err == nil {
		t.Fatal("writing to a folder path succeeded")
	}
}

func TestConcurrentWritersLeaveOneWholeVersion(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state")
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := strings.Repeat(fmt.Sprintf("%02d", i), 50_000)
			if err := WriteAtomically(path, 0o600, writeString(body)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 100_000 || !bytes.Equal(got, bytes.Repeat(got[:2], 50_000)) {
		t.Fatalf("the file is a mix of writers: %d bytes starting %q", len(got), got[:10])
	}
	if extra := leftovers(t, dir, "state"); len(extra) != 0 {
		t.Fatalf("temporary files left: %v", extra)
	}
}
