package applog

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestRotatesBySizeWhileRunning(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "brook.log")
	f, err := OpenRotating(path, 1000, 3)
	if err != nil {
		t.Fatal(err)
	}
	log := New(f, nil, Options{})
	for i := range 200 {
		log.Info("tick", "n", i)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"brook.log", "brook.log.1", "brook.log.2", "brook.log.3"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(data) == 0 || len(data) > 1000 {
			t.Fatalf("%s is %d bytes; the limit is 1000", name, len(data))
		}
		for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			if !strings.HasPrefix(line, "time=") || !strings.Contains(line, "msg=tick n=") {
				t.Fatalf("%s holds a broken line %q", name, line)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "brook.log.4")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("more than 3 old files kept: %v", err)
	}
	newest, _ := os.ReadFile(path)
	if !strings.Contains(string(newest), "n=199\n") {
		t.Fatalf("the newest line is not in brook.log:\n%s", newest)
	}
	older, _ := os.ReadFile(path + ".1")
	if strings.Contains(string(older), "n=199\n") {
		t.Fatal("the newest line went to brook.log.1")
	}
}

func TestOversizedLogRotatesAtOpen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "brook.log")
	if err := os.WriteFile(path, bytes.Repeat([]byte("old line\n"), 200), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := OpenRotating(path, 1000, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write([]byte("new\n")); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); string(data) != "new\n" {
		t.Fatalf("brook.log = %q", data)
	}
	if fi, err := os.Stat(path + ".1"); err != nil || fi.Size() != 1800 {
		t.Fatalf("the old log was not kept as brook.log.1: %v", err)
	}
	// A record bigger than the limit still goes in whole.
	big := strings.Repeat("x", 3000) + "\n"
	if n, err := f.Write([]byte(big)); err != nil || n != len(big) {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if data, _ := os.ReadFile(path); string(data) != big {
		t.Fatalf("the big record was split or lost: %d bytes", len(data))
	}
	if _, err := OpenRotating(path, 0, 1); err == nil {
		t.Fatal("a zero limit was accepted")
	}
}

func TestConcurrentLoggingKeepsLinesWhole(t *testing.T) {
	dir := t.TempDir()
	f, err := OpenRotating(filepath.Join(dir, "brook.log"), 4096, 50)
	if err != nil {
		t.Fatal(err)
	}
	recent := NewRecent(20)
	log := New(f, recent, Options{})
	var wg sync.WaitGroup
	for g := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				log.Warn("busy", "g", g, "i", i)
			}
		}()
	}
	wg.Wait()
	f.Close()
	entries, _ := os.ReadDir(dir)
	lines := 0
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			if !strings.HasPrefix(line, "time=") || !strings.Contains(line, "level=WARN msg=busy g=") {
				t.Fatalf("%s: broken line %q", e.Name(), line)
			}
			lines++
		}
	}
	if lines != 1000 {
		t.Fatalf("%d lines logged, want 1000", lines)
	}
	if n := len(recent.Lines()); n != 20 {
		t.Fatalf("recent keeps %d lines, want 20", n)
	}
}

func TestLogHoldsNoContentOrSecrets(t *testing.T) {
	const (
		prompt = "my secret diary entry about Tokyo"
		apiKey = "sk-live-0123456789abcdef"
	)
	var buf bytes.Buffer
	log := New(&buf, nil, Options{})
	log.Info("sent", "conversation", 42, "content", prompt, "prompt", prompt, "reasoning", prompt, "text", prompt)
	log.Info("endpoint", "api_key", apiKey, "openai_api_key", apiKey, "Authorization", "Bearer "+apiKey, "token", apiKey)
	log.Warn("failed", "err", fmt.Errorf(`Get "https://api.example.com/v1/models?api-key=%s": dial tcp: refused`, apiKey))
	log.Error("grouped", slog.Group("req", "content", prompt, "model", "llama3"))
	log.Error("long", "err", errors.New(strings.Repeat("e", 10<<20)))
	out := buf.String()
	for _, secret := range []string{prompt, apiKey} {
		if strings.Contains(out, secret) {
			t.Fatalf("the log holds %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{
		"conversation=42", `content="[33 bytes, not logged]"`, `api_key="[not logged]"`,
		`https://api.example.com/v1/models?…`, "req.model=llama3", "(10485760 bytes)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %q:\n%.2000s", want, out)
		}
	}
	if len(out) > 10_000 {
		t.Fatalf("a 10 MB error made the log %d bytes", len(out))
	}

	// With content logging on, content comes through; secrets never do.
	buf.Reset()
	log = New(&buf, nil, Options{Content: true})
	log.Info("sent", "content", prompt, "api_key", apiKey)
	if out := buf.String(); !strings.Contains(out, prompt) || strings.Contains(out, apiKey) {
		t.Fatalf("with content logging: %s", out)
	}
}

func TestRecentKeepsTheLastWarningsAndErrors(t *testing.T) {
	recent := NewRecent(3)
	log := New(&bytes.Buffer{}, recent, Options{})
	if got := recent.Lines(); len(got) != 0 {
		t.Fatalf("a new Recent holds %q", got)
	}
	log.Info("fine")
	log.Warn("first", "n", 1)
	log.With("endpoint", "ep-1").Error("second", "content", "what the user wrote")
	if got := recent.Lines(); len(got) != 2 || !strings.Contains(got[0], "msg=first n=1") ||
		!strings.Contains(got[1], "endpoint=ep-1") || strings.Contains(got[1], "what the user wrote") {
		t.Fatalf("recent = %q", got)
	}
	for i := range 5 {
		log.Error("again", "i", i)
	}
	got := recent.Lines()
	if len(got) != 3 || !strings.HasSuffix(got[0], "i=2") || !strings.HasSuffix(got[2], "i=4") {
		t.Fatalf("recent = %q; want the last three, oldest first", got)
	}
	for _, line := range got {
		if strings.Contains(line, "level=INFO") || strings.HasSuffix(line, "\n") {
			t.Fatalf("recent line %q", line)
		}
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	var echo bytes.Buffer
	l, err := Open(dir, &echo, Options{})
	if err != nil {
		t.Fatal(err)
	}
	l.Logger.Warn("hello", "n", 1)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, FileName))
	if !strings.Contains(string(data), "msg=hello n=1") || echo.String() != string(data) {
		t.Fatalf("file %q, echo %q", data, echo.String())
	}
	if len(l.Recent.Lines()) != 1 {
		t.Fatalf("recent = %q", l.Recent.Lines())
	}
	if _, err := Open(filepath.Join(dir, "missing", "deeper"), nil, Options{}); err == nil {
		t.Fatal("opened a log in a missing folder")
	}
}
