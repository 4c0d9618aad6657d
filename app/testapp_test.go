package app

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"brook/backend/applog"
	"brook/backend/chat"
	_ "brook/backend/endpoints/allkinds"
	"brook/backend/providertest"
)

// testApp starts the backend as the window does, in a temporary data folder,
// with Ollama (a test server offering two models) at $OLLAMA_HOST, and
// returns the bound services. There is no window: events are dropped.
type testApp struct {
	a     *App
	chat  *ChatService
	convs *ConversationService
	model *ModelService
	sets  *SettingsService
	trans *TransferService
	sys   *SystemService
}

// startBackend starts the backend as the window does, with its data in
// dataHome and a fake Ollama serving models; the caller stops it.
func startBackend(t *testing.T, dataHome string, models ...string) *App {
	t.Helper()
	srv := providertest.NewOllama(providertest.Script{Models: models})
	t.Cleanup(srv.Close)
	t.Setenv("XDG_DATA_HOME", dataHome)
	t.Setenv("OLLAMA_HOST", srv.URL)
	t.Setenv("OPENAI_BASE_URL", "")
	t.Setenv("OPENAI_API_KEY", "")
	a := &App{emitter: &wailsEmitter{}, up: make(chan struct{}), log: applog.Discard}
	a.ctx, a.cancel = context.WithCancel(context.Background())
	err := a.open()
	close(a.up)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func newTestApp(t *testing.T) *testApp {
	t.Helper()
	keyring.MockInit()
	a := startBackend(t, t.TempDir(), "alpha:latest", "beta:latest")
	t.Cleanup(func() { a.shutdown(context.Background()) })
	return &testApp{a: a, chat: &ChatService{a}, convs: &ConversationService{a}, model: &ModelService{a},
		sets: &SettingsService{a}, trans: &TransferService{a}, sys: &SystemService{a}}
}

// snapshot is everything a call could change, as JSON.
func (ta *testApp) snapshot(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	bundles, err := ta.a.store.Bundles(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	settings, err := ta.a.store.LoadSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	state, err := ta.a.store.AppState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	eps, err := ta.a.store.ListEndpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, restoreErr := os.Stat(ta.a.layout.Database + ".restore-pending")
	b, err := json.Marshal(map[string]any{"bundles": bundles, "settings": settings, "state": state, "endpoints": eps,
		"restore scheduled": restoreErr == nil})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// waitTitle waits until conversation id has the title want, which the app
// asks the model for after a first answer.
func (ta *testApp) waitTitle(t *testing.T, id int64, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := ta.a.store.GetConversation(context.Background(), id)
		if err == nil && c.Title == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("conversation %d is titled %q (%v), want %q", id, c.Title, err, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (ta *testApp) sendAndWait(t *testing.T, conversationID int64, text, endpointID, model string) chat.SendResult {
	t.Helper()
	res, err := ta.chat.Send(conversationID, text, endpointID, model)
	if err != nil {
		t.Fatal(err)
	}
	ta.a.engine.Wait(res.Answer.ID)
	return res
}
