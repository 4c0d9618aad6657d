//go:build linux

package realollama

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ollama/ollama/api"

	_ "brook/backend/endpoints/allkinds"
	"brook/backend/endpoints/kind/ollamakind"
	"brook/backend/events"
	"brook/backend/localmodels"
	"brook/backend/store"
	"brook/tools/tinygguf/gguf"
)

type endpointList []store.Endpoint

func (l endpointList) ListEndpoints(context.Context) ([]store.Endpoint, error) { return l, nil }

// createWithProgress registers the tiny model under name with a streaming
// Create, as `ollama create` does, and returns the statuses it reported.
func createWithProgress(ctx context.Context, srv *Server, name string) ([]string, error) {
	var buf bytes.Buffer
	if _, err := gguf.WriteTiny(&buf, gguf.DefaultTiny); err != nil {
		return nil, err
	}
	digest := fmt.Sprintf("sha256:%x", sha256.Sum256(buf.Bytes()))
	c := srv.API()
	if err := c.CreateBlob(ctx, digest, bytes.NewReader(buf.Bytes())); err != nil {
		return nil, err
	}
	var statuses []string
	stream := true
	err := c.Create(ctx, &api.CreateRequest{
		Model: name, Stream: &stream, Files: map[string]string{"tiny.gguf": digest},
		Template: Template, System: "You are a river.", Parameters: map[string]any{"num_predict": 8, "temperature": 0},
	}, func(p api.ProgressResponse) error {
		statuses = append(statuses, p.Status)
		return nil
	})
	return statuses, err
}

// TestLocalModelsOnARealServer manages a real server's models: a variant
// created with progress is listed with its capabilities, described, loaded
// by a chat, unloaded and deleted.
func TestLocalModelsOnARealServer(t *testing.T) {
	srv := Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	const variant = "tiny-river:v1"
	statuses, err := createWithProgress(ctx, srv, variant)
	if err != nil {
		t.Fatalf("create %s: %v", variant, err)
	}
	if len(statuses) == 0 || statuses[len(statuses)-1] != "success" {
		t.Errorf("create progress = %q, want it to end in success", statuses)
	}

	rec := &events.Recorder{}
	changed := 0
	m := localmodels.New(ctx, localmodels.Config{
		Store:   endpointList{{ID: "local", Name: "Ollama", Kind: ollamakind.ID, BaseURL: srv.URL, Enabled: true}},
		Emitter: rec, Changed: func(string) { changed++ },
	})
	defer m.Close()

	installed, err := m.Installed(ctx, "local")
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(installed))
	for i, in := range installed {
		names[i] = in.Name
	}
	if !slices.Contains(names, variant) || !slices.Contains(names, srv.Model+":latest") {
		t.Fatalf("Installed names = %q, want %s and %s:latest", names, variant, srv.Model)
	}
	for _, in := range installed {
		if !slices.Contains(in.Capabilities, "completion") {
			t.Errorf("%s: capabilities %q lack completion", in.Name, in.Capabilities)
		}
		if in.Size <= 0 || in.ModifiedAt <= 0 || in.Family != "llama" {
			t.Errorf("%s: %+v", in.Name, in)
		}
	}

	d, err := m.Details(ctx, "local", variant)
	if err != nil {
		t.Fatal(err)
	}
	if d.Template != Template || !strings.Contains(d.Parameters, "num_predict") || d.System != "You are a river." ||
		d.ContextLength != gguf.DefaultTiny.ContextLength || d.Family != "llama" || !slices.Contains(d.Capabilities, "completion") {
		t.Errorf("Details = %+v", d)
	}
	if _, err := m.Details(ctx, "local", "no-such-model"); err == nil || !strings.Contains(err.Error(), "no model named") {
		t.Errorf("Details of an unknown model = %v", err)
	}

	loaded := func() []string {
		t.Helper()
		list, err := m.Loaded(ctx, "local")
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, l := range list {
			out = append(out, l.Name)
		}
		return out
	}
	if got := loaded(); slices.Contains(got, variant) {
		t.Fatalf("%s loaded before any chat: %q", variant, got)
	}
	stream := false
	if err := srv.API().Chat(ctx, &api.ChatRequest{Model: variant, Stream: &stream,
		Messages: []api.Message{{Role: "user", Content: "hello"}}}, func(api.ChatResponse) error { return nil }); err != nil {
		t.Fatalf("chat: %v", err)
	}
	list, err := m.Loaded(ctx, "local")
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(list, func(l localmodels.Loaded) bool { return l.Name == variant })
	if i < 0 {
		t.Fatalf("Loaded after a chat = %+v, want %s", list, variant)
	}
	if l := list[i]; l.Size <= 0 || l.ExpiresAt <= time.Now().UnixMilli() || l.ContextLength <= 0 {
		t.Errorf("Loaded = %+v", l)
	}

	if err := m.Unload(ctx, "local", variant); err != nil {
		t.Fatal(err)
	}
	// The server unloads shortly after it answers.
	for slices.Contains(loaded(), variant) {
		if ctx.Err() != nil {
			t.Fatalf("%s still loaded after Unload", variant)
		}
		time.Sleep(50 * time.Millisecond)
	}

	if err := m.Delete(ctx, "local", variant); err != nil {
		t.Fatal(err)
	}
	installed, err = m.Installed(ctx, "local")
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range installed {
		if in.Name == variant {
			t.Errorf("%s still installed after Delete", variant)
		}
	}
	if changed != 1 || len(rec.Events()) != 1 || rec.Events()[0].Name != localmodels.ModelsChangedName {
		t.Errorf("after Delete: Changed called %d times, events %+v", changed, rec.Events())
	}
	if err := m.Delete(ctx, "local", variant); err == nil || !strings.Contains(err.Error(), "no model named") {
		t.Errorf("Delete of a deleted model = %v", err)
	}
}

// TestPullOnARealServerWithoutRegistry: the real server cannot reach a
// registry (the name points it at a closed port), so the pull fails as
// offline, with the reason in words.
func TestPullOnARealServerWithoutRegistry(t *testing.T) {
	srv := Start(t)
	rec := &events.Recorder{}
	m := localmodels.New(context.Background(), localmodels.Config{
		Store:   endpointList{{ID: "local", Name: "Ollama", Kind: ollamakind.ID, BaseURL: srv.URL, Enabled: true}},
		Emitter: rec,
	})
	defer m.Close()
	if err := m.Pull(t.Context(), "local", "127.0.0.1:1/nobody/nothing:v1"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		ps := m.Pulls()
		if len(ps) == 1 && ps[0].State != localmodels.StateRunning {
			if ps[0].State != localmodels.StateFailed || ps[0].ErrorKind != localmodels.KindOffline || ps[0].Error == "" {
				t.Errorf("pull = %+v, want failed, offline, with a reason", ps[0])
			}
			t.Logf("kind %s: %s", ps[0].ErrorKind, ps[0].Error)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the pull did not end: %+v", ps)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
