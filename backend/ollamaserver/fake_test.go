package ollamaserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as a fake `ollama`: a script named ollama runs it
// with FAKE_OLLAMA set to how it should behave. Each run leaves its
// environment in $FAKE_OLLAMA_RAN, so a test can tell whether, and how, it
// was started.
func TestMain(m *testing.M) {
	if mode := os.Getenv("FAKE_OLLAMA"); mode != "" {
		os.Exit(fakeOllama(mode))
	}
	os.Exit(m.Run())
}

func fakeOllama(mode string) int {
	if ran := os.Getenv("FAKE_OLLAMA_RAN"); ran != "" {
		_ = os.WriteFile(ran, []byte(strings.Join(append(os.Args, os.Environ()...), "\n")), 0o600)
	}
	fmt.Fprintln(os.Stderr, "fake ollama: starting", mode)
	switch mode {
	case "exit": // a crash on start
		fmt.Fprintln(os.Stderr, "Error: listen tcp: bind: something went wrong")
		return 1
	case "hang": // runs, never answers
		time.Sleep(time.Hour)
		return 0
	case "serve": // answers like Ollama until SIGTERM
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, syscall.SIGTERM)
		mux := http.NewServeMux()
		mux.HandleFunc("GET /api/version", func(w http.ResponseWriter, r *http.Request) {
			json.NewEncoder(w).Encode(map[string]string{"version": "0.17.4"})
		})
		mux.HandleFunc("GET /api/tags", func(w http.ResponseWriter, r *http.Request) {
			json.NewEncoder(w).Encode(map[string]any{"models": []any{}})
		})
		srv := &http.Server{Addr: os.Getenv("OLLAMA_HOST"), Handler: mux}
		go func() {
			<-stop
			fmt.Fprintln(os.Stderr, "fake ollama: stopping")
			srv.Close()
		}()
		if err := srv.ListenAndServe(); err != http.ErrServerClosed {
			fmt.Fprintln(os.Stderr, "fake ollama:", err)
			return 1
		}
		return 0
	}
	return 2
}

// fake is a fake Ollama install for a test: a script named ollama in a
// folder of its own, and where it reports that it ran.
type fake struct {
	bin string
	ran string
}

func newFake(t *testing.T, mode string) fake {
	t.Helper()
	dir := t.TempDir()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f := fake{bin: filepath.Join(dir, "ollama"), ran: filepath.Join(dir, "ran")}
	script := fmt.Sprintf("#!/bin/sh\nFAKE_OLLAMA=%s FAKE_OLLAMA_RAN=%s exec %q \"$@\"\n", mode, f.ran, self)
	if err := os.WriteFile(f.bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return f
}

// started reports whether the fake ran, and with which arguments and environment.
func (f fake) started() (bool, []string) {
	data, err := os.ReadFile(f.ran)
	if err != nil {
		return false, nil
	}
	return true, strings.Split(string(data), "\n")
}

// answers reports whether something answers HTTP at url now.
func answers(url string) bool {
	resp, err := http.Get(url + "/api/version")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return true
}
