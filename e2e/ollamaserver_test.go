package e2e

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"brook/backend/ollamaserver"
	"brook/tests/realollama"
)

// TestRealWindowStartsTheInstalledOllama: Ollama is installed (the real
// v0.17.4 on PATH, the tiny model in OLLAMA_MODELS) and not running. The
// window opens, Brook starts Ollama, the model list fills and a question is
// answered; once Brook has quit, no Ollama process is left and nothing
// answers at its address.
func TestRealWindowStartsTheInstalledOllama(t *testing.T) {
	in := realollama.Install(t)
	host := freeAddr(t)
	app := start(t, launch{ollamaHost: host, scenario: "ollamaStarted", extraEnv: []string{
		"PATH=" + in.PathDir + string(os.PathListSeparator) + os.Getenv("PATH"),
		"OLLAMA_MODELS=" + in.Models, "OLLAMA_NO_CLOUD=1",
	}})
	var r struct {
		OK             bool     `json:"ok"`
		Error          string   `json:"error"`
		StartedByBrook bool     `json:"startedByBrook"`
		Version        string   `json:"version"`
		Listed         []string `json:"listed"`
		State          string   `json:"state"`
		AnswerPlain    string   `json:"answerPlain"`
	}
	app.waitReport(120*time.Second, &r)
	if !r.OK {
		t.Fatalf("scenario failed: %s", r.Error)
	}
	if !r.StartedByBrook || r.Version != "0.17.4" || !slices.Contains(r.Listed, realollama.ModelName+":latest") {
		t.Fatalf("the window was told: started by Brook %v, version %q, models %q", r.StartedByBrook, r.Version, r.Listed)
	}
	if r.State != "complete" || strings.TrimSpace(r.AnswerPlain) == "" {
		t.Fatalf("the answer: %s %q", r.State, r.AnswerPlain)
	}
	if pids := in.Processes(); len(pids) != 0 {
		t.Fatalf("Ollama processes left after Brook quit: %v", pids)
	}
	if resp, err := http.Get("http://" + host + "/api/version"); err == nil {
		resp.Body.Close()
		t.Fatal("something still answers at Ollama's address after Brook quit")
	}
	logged, err := os.ReadFile(filepath.Join(app.dataHome, "brook", "logs", ollamaserver.LogName))
	if err != nil || len(logged) == 0 {
		t.Fatalf("Ollama's output is not beside Brook's log: %v", err)
	}
}

// TestASecondBrookLeavesTheFirstOnesOllamaAlone: a Brook (another data
// folder, so another instance) finds the Ollama the first one started
// running, uses it, and leaves it running when it quits; the first one
// stops it.
func TestASecondBrookLeavesTheFirstOnesOllamaAlone(t *testing.T) {
	in := realollama.Install(t)
	host := freeAddr(t)
	env := []string{"PATH=" + in.PathDir + string(os.PathListSeparator) + os.Getenv("PATH"), "OLLAMA_MODELS=" + in.Models, "OLLAMA_NO_CLOUD=1"}
	first := start(t, launch{ollamaHost: host, scenario: "pose:ollama-running", extraEnv: env})
	first.waitPose(90 * time.Second)
	running := in.Processes()

	second := start(t, launch{ollamaHost: host, scenario: "ollamaStarted", extraEnv: env})
	var r struct {
		OK             bool   `json:"ok"`
		Error          string `json:"error"`
		StartedByBrook bool   `json:"startedByBrook"`
		State          string `json:"state"`
	}
	second.waitReport(120*time.Second, &r)
	if !r.OK || r.StartedByBrook || r.State != "complete" {
		t.Fatalf("the second Brook: %+v", r)
	}
	if after := in.Processes(); len(running) == 0 || !slices.Contains(after, running[0]) {
		t.Fatalf("the second Brook stopped the first one's Ollama: %v, then %v", running, after)
	}
	first.quit()
	if pids := in.Processes(); len(pids) != 0 {
		t.Fatalf("Ollama processes left after the first Brook quit: %v", pids)
	}
}

// TestFirstRunWithoutOllamaSaysHowToInstallIt poses the first-run screen
// with no Ollama installed and nothing answering, and photographs it
// (docs/screenshots/no-ollama.png with make screenshots).
func TestFirstRunWithoutOllamaSaysHowToInstallIt(t *testing.T) {
	dataHome := t.TempDir()
	// Brook looks in PATH and the install places; the test's HOME is its own.
	finder := ollamaserver.SystemFinder()
	finder.Home = dataHome
	if bin, err := finder.Find(); err == nil {
		t.Skipf("Ollama is installed on this machine (%s): the first run without it cannot be shown", bin)
	}
	dir := os.Getenv("BROOK_SCREENSHOTS")
	if dir == "" {
		dir = artifacts
	}
	app := start(t, launch{ollamaHost: freeAddr(t), dataHome: dataHome, scenario: "pose:no-ollama"})
	app.waitPose(90 * time.Second)
	path := app.screenshotTo(dir, "no-ollama")
	if fi, err := os.Stat(path); err != nil || fi.Size() < 10_000 {
		t.Fatalf("no usable screenshot at %s: %v", path, err)
	}
	app.quit()
}

// freeAddr is a loopback host:port nothing listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
