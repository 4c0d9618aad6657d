//go:build linux

package realollama

import (
	"context"
	"net"
	"os"
	"strings"
	"testing"

	"brook/backend/endpoints/kind/ollamakind"
	"brook/backend/ollamaserver"
	"brook/backend/provider/ollama"
	"brook/backend/store"
)

// serverManager is Brook's manager of the local Ollama for an endpoint at
// url, finding Ollama as Brook does, with the environment env.
func serverManager(t *testing.T, url string, env []string) *ollamaserver.Manager {
	t.Helper()
	return ollamaserver.New(ollamaserver.Config{
		Endpoints: func(context.Context) ([]store.Endpoint, error) {
			return []store.Endpoint{{ID: "ollama", Kind: ollamakind.ID, BaseURL: url, Enabled: true}}, nil
		},
		LogDir:  t.TempDir(),
		Environ: env,
	})
}

// TestBrookStartsTheInstalledOllama: with Ollama installed (on $PATH, its
// models in OLLAMA_MODELS) and not running, Brook's backend starts it; the
// model list fills and a question is answered. A second Brook sees it
// running and leaves it alone; when the first quits, the server is gone.
func TestBrookStartsTheInstalledOllama(t *testing.T) {
	in := Install(t)
	url := "http://" + freeAddr(t)
	env := in.Env()
	t.Setenv("PATH", in.PathDir+":"+os.Getenv("PATH")) // where Brook looks first
	m := serverManager(t, url, env)
	t.Cleanup(func() { m.Quit("") })

	st := m.Ensure(context.Background())
	if st.State != ollamaserver.StateRunning || !st.StartedByBrook || st.Version != "0.17.4" || st.Binary != in.Bin {
		t.Fatalf("after Ensure: %+v", st)
	}
	if pids := in.Processes(); len(pids) == 0 {
		t.Fatal("no process of the installed binary runs")
	}
	client := ollama.New(url)
	models, err := client.ListModels(context.Background())
	if err != nil || len(models) != 1 || !strings.HasPrefix(models[0].Name, ModelName) {
		t.Fatalf("models %+v %v", models, err)
	}
	r := newEngineAt(t, url, 16)
	answer := r.wait(t, r.send(t, ModelName).ID)
	if answer.State != store.StateComplete || strings.TrimSpace(answer.Content) == "" {
		t.Fatalf("answer %+v", answer)
	}

	second := serverManager(t, url, env)
	if st := second.Ensure(context.Background()); st.State != ollamaserver.StateRunning || st.StartedByBrook {
		t.Fatalf("the second Brook sees %+v", st)
	}
	second.Quit("")
	if _, err := client.Version(context.Background()); err != nil {
		t.Fatalf("the second Brook stopped the first one's Ollama: %v", err)
	}

	m.Quit("")
	if _, err := client.Version(context.Background()); err == nil {
		t.Fatal("Ollama still answers after the Brook that started it quit")
	}
	if pids := in.Processes(); len(pids) != 0 {
		t.Fatalf("processes of Ollama left running: %v", pids)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
