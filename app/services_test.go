package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/zalando/go-keyring"

	"brook/backend/applog"
	"brook/backend/chat"
	"brook/backend/guard"
	"brook/backend/providertest"
	"brook/backend/store"
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

func (ta *testApp) sendAndWait(t *testing.T, conversationID int64, text, endpointID, model string) chat.SendResult {
	t.Helper()
	res, err := ta.chat.Send(conversationID, text, endpointID, model)
	if err != nil {
		t.Fatal(err)
	}
	ta.a.engine.Wait(res.Answer.ID)
	return res
}

// TestHostileInputIsRefusedAndChangesNothing calls every bound method that
// takes input with hostile input: a 10 MB paste, invalid UTF-8, unknown and
// negative ids, enum values Brook does not know, links it must not open,
// and a restore from outside the backups folder. Each returns a plain error,
// and nothing is changed.
func TestHostileInputIsRefusedAndChangesNothing(t *testing.T) {
	ta := newTestApp(t)
	eps, _ := ta.sets.Endpoints()
	if len(eps) != 1 {
		t.Fatalf("endpoints = %+v", eps)
	}
	epID := eps[0].ID
	res := ta.sendAndWait(t, 0, "A first question", epID, "alpha:latest")
	conv, user := res.Conversation.ID, res.User.ID
	outside := filepath.Join(t.TempDir(), "brook-20240101.db")
	if err := ta.a.store.BackupTo(context.Background(), outside); err != nil {
		t.Fatal(err)
	}
	before := ta.snapshot(t)

	tenMB := strings.Repeat("x", 10<<20)
	const bad = "caf\xe9 \xff"
	const unknown = int64(1) << 40
	saveSettings := func(change func(*store.Settings)) error {
		s := store.DefaultSettings()
		change(&s)
		return ta.sets.Save(s)
	}
	endpoint := func(change func(*store.Endpoint)) store.Endpoint {
		e := eps[0].Endpoint
		change(&e)
		return e
	}
	errOf := func(_ any, err error) error { return err }

	tests := []struct {
		name string
		err  error
		want error  // errors.Is target
		says string // a piece of the message
	}{
		{"send a 10 MB paste", errOf(ta.chat.Send(0, tenMB, epID, "alpha:latest")), guard.ErrInvalid, "That message is 10 MB; Brook sends at most 1 MB at once"},
		{"send a 10 MB paste to a conversation", errOf(ta.chat.Send(conv, tenMB, "", "")), guard.ErrInvalid, "at most 1 MB"},
		{"send invalid UTF-8", errOf(ta.chat.Send(conv, bad, "", "")), guard.ErrInvalid, "not valid text"},
		{"send to a negative conversation", errOf(ta.chat.Send(-1, "hi", "", "")), guard.ErrInvalid, "id -1"},
		{"send to an unknown conversation", errOf(ta.chat.Send(unknown, "hi", "", "")), store.ErrNotFound, "not found"},
		{"send with a hostile model name", errOf(ta.chat.Send(0, "hi", epID, tenMB)), guard.ErrInvalid, "model name"},
		{"send with a hostile endpoint id", errOf(ta.chat.Send(0, "hi", "ep\n", "m")), guard.ErrInvalid, "no endpoint"},
		{"stop answer 0", ta.chat.Stop(0), guard.ErrInvalid, "id 0"},
		{"stop an unknown answer", ta.chat.Stop(unknown), store.ErrNotFound, "not found"},
		{"ask now for -1", ta.chat.AskNow(-1), guard.ErrInvalid, "id -1"},
		{"retry 0", errOf(ta.chat.Retry(0)), guard.ErrInvalid, "id 0"},
		{"retry an unknown answer", errOf(ta.chat.Retry(unknown)), store.ErrNotFound, "not found"},
		{"continue -1", errOf(ta.chat.Continue(-1)), guard.ErrInvalid, "id -1"},
		{"regenerate 0", errOf(ta.chat.Regenerate(0)), guard.ErrInvalid, "id 0"},
		{"edit message -1", errOf(ta.chat.EditAndResend(-1, "x")), guard.ErrInvalid, "id -1"},
		{"edit with a 10 MB paste", errOf(ta.chat.EditAndResend(user, tenMB)), guard.ErrInvalid, "at most 1 MB"},
		{"edit with invalid UTF-8", errOf(ta.chat.EditAndResend(user, bad)), guard.ErrInvalid, "not valid text"},

		{"list with a negative limit", errOf(ta.convs.List(false, -1, 0)), guard.ErrInvalid, "limit -1"},
		{"list with a negative offset", errOf(ta.convs.List(false, 10, -5)), guard.ErrInvalid, "offset -5"},
		{"list a million", errOf(ta.convs.List(false, 1_000_000, 0)), guard.ErrInvalid, "at most 1000"},
		{"open 0", errOf(ta.convs.Open(0)), guard.ErrInvalid, "id 0"},
		{"open an unknown conversation", errOf(ta.convs.Open(unknown)), store.ErrNotFound, "not found"},
		{"get message -1", errOf(ta.convs.GetMessage(-1)), guard.ErrInvalid, "id -1"},
		{"rename to 10 MB", ta.convs.Rename(conv, tenMB), guard.ErrInvalid, "at most 500 characters"},
		{"rename to invalid UTF-8", ta.convs.Rename(conv, bad), guard.ErrInvalid, "not UTF-8"},
		{"rename 0", ta.convs.Rename(0, "x"), guard.ErrInvalid, "id 0"},
		{"rename an unknown conversation", ta.convs.Rename(unknown, "x"), store.ErrNotFound, "not found"},
		{"pin -1", ta.convs.SetPinned(-1, true), guard.ErrInvalid, "id -1"},
		{"archive 0", ta.convs.SetArchived(0, true), guard.ErrInvalid, "id 0"},
		{"delete -1", ta.convs.Delete(-1), guard.ErrInvalid, "id -1"},
		{"delete an unknown conversation", ta.convs.Delete(unknown), store.ErrNotFound, "not found"},
		{"restore 0", ta.convs.Restore(0), guard.ErrInvalid, "id 0"},
		{"restore a live conversation", ta.convs.Restore(conv), store.ErrNotFound, "not found"},
		{"half a model", ta.convs.SetModel(conv, epID, ""), guard.ErrInvalid, "both or neither"},
		{"a 10 MB system prompt", ta.convs.SetSystemPrompt(conv, tenMB), guard.ErrInvalid, "at most 256 KB"},
		{"unknown thinking", ta.convs.SetParams(conv, store.Params{Think: "max"}), store.ErrInvalid, "thinking"},
		{"params of -1", ta.convs.SetParams(-1, store.Params{}), guard.ErrInvalid, "id -1"},
		{"a 10 MB draft", ta.convs.SaveDraft(conv, tenMB), guard.ErrInvalid, "That draft is 10 MB"},
		{"an invalid UTF-8 draft", ta.convs.SaveDraft(conv, bad), guard.ErrInvalid, "not valid text"},
		{"a draft for -1", ta.convs.SaveDraft(-1, "x"), guard.ErrInvalid, "id -1"},
		{"delete message 0", errOf(ta.convs.DeleteMessage(0)), guard.ErrInvalid, "id 0"},
		{"delete an unknown message", errOf(ta.convs.DeleteMessage(unknown)), store.ErrNotFound, "not found"},
		{"delete version -1", errOf(ta.convs.DeleteVersion(-1)), guard.ErrInvalid, "id -1"},
		{"show version 0", errOf(ta.convs.ShowVersion(0)), guard.ErrInvalid, "id 0"},
		{"show an unknown version", errOf(ta.convs.ShowVersion(unknown)), store.ErrNotFound, "not found"},
		{"search 10 MB", errOf(ta.convs.Search(tenMB)), guard.ErrInvalid, "at most 4 KB"},
		{"search invalid UTF-8", errOf(ta.convs.Search(bad)), guard.ErrInvalid, "not valid text"},

		{"theme neon", saveSettings(func(s *store.Settings) { s.Theme = "neon" }), guard.ErrInvalid, `theme "neon"`},
		{"timeout 0", saveSettings(func(s *store.Settings) { s.IdleTimeoutSeconds = 0 }), store.ErrInvalid, "from 1 to 3600 seconds"},
		{"default prompt 10 MB", saveSettings(func(s *store.Settings) { s.SystemPrompt = tenMB }), guard.ErrInvalid, "at most 256 KB"},
		{"default model alone", saveSettings(func(s *store.Settings) { s.DefaultModel = "m" }), guard.ErrInvalid, "both or neither"},
		{"save an unknown endpoint", errOf(ta.sets.SaveEndpoint(endpoint(func(e *store.Endpoint) { e.ID = "gone" }), "", false)), nil, "no longer exists"},
		{"endpoint kind grpc", errOf(ta.sets.SaveEndpoint(endpoint(func(e *store.Endpoint) { e.Kind = "grpc" }), "", false)), guard.ErrInvalid, `endpoint kind "grpc"`},
		{"endpoint name 10 MB", errOf(ta.sets.SaveEndpoint(endpoint(func(e *store.Endpoint) { e.Name = tenMB }), "", false)), guard.ErrInvalid, "at most 200"},
		{"endpoint base URL ftp", errOf(ta.sets.SaveEndpoint(endpoint(func(e *store.Endpoint) { e.BaseURL = "ftp://host" }), "", false)), store.ErrInvalid, "http"},
		{"endpoint server kind", errOf(ta.sets.SaveEndpoint(endpoint(func(e *store.Endpoint) { e.ServerKind = "lmstudio" }), "", false)), guard.ErrInvalid, "lmstudio"},
		{"endpoint parallel -3", errOf(ta.sets.SaveEndpoint(endpoint(func(e *store.Endpoint) { e.MaxParallel = -3 }), "", false)), store.ErrInvalid, "max parallel"},
		{"api key with a space", errOf(ta.sets.SaveEndpoint(eps[0].Endpoint, "sk abc", false)), guard.ErrInvalid, "Paste the key alone"},
		{"new key and clear key", errOf(ta.sets.SaveEndpoint(eps[0].Endpoint, "sk-abc", true)), nil, "not both"},
		{"delete no endpoint", ta.sets.DeleteEndpoint(""), guard.ErrInvalid, "No endpoint"},
		{"delete an unknown endpoint", ta.sets.DeleteEndpoint("nope"), store.ErrNotFound, "not found"},
		{"restore from outside the backups", ta.sets.RestoreBackup(outside), store.ErrInvalid, "not one of Brook's backups"},
		{"restore the database itself", ta.sets.RestoreBackup(ta.a.layout.Database), store.ErrInvalid, "not one of Brook's backups"},
		{"restore through ..", ta.sets.RestoreBackup(filepath.Join(ta.a.layout.Backups, "..", "brook.db")), store.ErrInvalid, "not one of Brook's backups"},
		{"restore a relative path", ta.sets.RestoreBackup("backups/brook-20240101.db"), guard.ErrInvalid, "not a full path"},

		{"export id 0", errOf(ta.trans.Export([]int64{0}, "markdown", false)), guard.ErrInvalid, "id 0"},
		{"export pdf", errOf(ta.trans.Export(nil, "pdf", true)), guard.ErrInvalid, `"pdf" is not one of markdown, json, html`},
		{"export an unknown conversation", errOf(ta.trans.Export([]int64{unknown}, "json", false)), store.ErrNotFound, "not found"},
		{"open a file link", ta.sys.OpenURL("file:///etc/passwd"), guard.ErrInvalid, "only opens web and mail links"},
		{"open a javascript link", ta.sys.OpenURL("javascript:alert(1)"), guard.ErrInvalid, "only opens web and mail links"},
		{"open a link with a password", ta.sys.OpenURL("https://me:pw@example.com"), guard.ErrInvalid, "user name or password"},
		{"open a 10 MB link", ta.sys.OpenURL("https://example.com/" + tenMB), guard.ErrInvalid, "at most 8 KB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil {
				t.Fatal("accepted")
			}
			if tt.want != nil && !errors.Is(tt.err, tt.want) {
				t.Errorf("error %v is not %v", tt.err, tt.want)
			}
			if !strings.Contains(tt.err.Error(), tt.says) {
				t.Errorf("error %q does not say %q", tt.err, tt.says)
			}
			if len(tt.err.Error()) > 400 {
				t.Errorf("the error is %d bytes long", len(tt.err.Error()))
			}
		})
	}
	if after := ta.snapshot(t); after != before {
		t.Fatalf("refused calls changed something:\nbefore %.600s\nafter  %.600s", before, after)
	}
	if active := ta.a.engine.Active(); len(active) != 0 {
		t.Fatalf("answers started: %v", active)
	}
}

// TestNewChatWithoutAModelUsesTheDefaultModel: ChatService.Send to a new
// conversation with no model uses the Default model setting; the overview
// says so in one call.
func TestNewChatWithoutAModelUsesTheDefaultModel(t *testing.T) {
	ta := newTestApp(t)
	o, err := ta.model.Overview()
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Endpoints) != 1 || o.Selection.Model != "alpha:latest" || o.Source != "first" {
		t.Fatalf("overview with nothing set = %+v", o)
	}
	epID := o.Endpoints[0].Endpoint.ID
	s, _ := ta.sets.Get()
	s.DefaultEndpointID, s.DefaultModel = epID, "beta:latest"
	if err := ta.sets.Save(s); err != nil {
		t.Fatal(err)
	}
	if o, _ = ta.model.Overview(); o.Selection.Model != "beta:latest" || o.Source != "default" || !o.DefaultOffered {
		t.Fatalf("overview with a default = %+v", o)
	}
	res := ta.sendAndWait(t, 0, "Hello there", "", "")
	if res.Conversation.EndpointID != epID || res.Conversation.Model != "beta:latest" {
		t.Fatalf("new conversation = %s/%s, want the default", res.Conversation.EndpointID, res.Conversation.Model)
	}
	if m, err := ta.convs.GetMessage(res.Answer.ID); err != nil || m.Model != "beta:latest" || m.State != store.StateComplete {
		t.Fatalf("answer = %+v, %v", m, err)
	}
	// Sending the model used last (the UI's selection) leaves Settings alone.
	ta.sendAndWait(t, 0, "Explicit", epID, "alpha:latest")
	if got, _ := ta.sets.Get(); got != s {
		t.Fatalf("sending changed the settings: %+v", got)
	}
}

// TestManyConcurrentBoundCalls: 50 bound calls at once (Wails runs each on
// its own goroutine) leave a consistent backend.
func TestManyConcurrentBoundCalls(t *testing.T) {
	ta := newTestApp(t)
	eps, _ := ta.sets.Endpoints()
	epID := eps[0].ID
	first := ta.sendAndWait(t, 0, "seed", epID, "alpha:latest")
	var wg sync.WaitGroup
	var mu sync.Mutex
	var answers []int64
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch i % 5 {
			case 0:
				res, err := ta.chat.Send(0, fmt.Sprintf("q %d", i), "", "")
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				answers = append(answers, res.Answer.ID)
				mu.Unlock()
			case 1:
				res, err := ta.chat.Send(first.Conversation.ID, fmt.Sprintf("more %d", i), "", "")
				if err != nil && !errors.Is(err, chat.ErrBusy) {
					t.Error(err)
				}
				if err == nil {
					mu.Lock()
					answers = append(answers, res.Answer.ID)
					mu.Unlock()
				}
			case 2:
				s := store.DefaultSettings()
				s.SystemPrompt = fmt.Sprintf("p %d", i)
				if err := ta.sets.Save(s); err != nil {
					t.Error(err)
				}
			case 3:
				if err := ta.convs.Rename(first.Conversation.ID, fmt.Sprintf("t %d", i)); err != nil {
					t.Error(err)
				}
			case 4:
				if _, err := ta.chat.Send(0, strings.Repeat("y", 2<<20), "", ""); !errors.Is(err, guard.ErrInvalid) {
					t.Errorf("a 2 MB send: %v", err)
				}
				if _, err := ta.convs.List(false, 100, 0); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	for _, id := range answers {
		ta.a.engine.Wait(id)
	}
	list, err := ta.convs.List(false, 0, 0)
	if err != nil || len(list) != 11 {
		t.Fatalf("%d conversations, %v; want 11", len(list), err)
	}
	for _, c := range list {
		v, err := ta.convs.Open(c.ID)
		if err != nil || len(v.Messages)%2 != 0 {
			t.Fatalf("conversation %d: %d messages, %v", c.ID, len(v.Messages), err)
		}
		for _, m := range v.Messages {
			if m.Role == store.RoleAssistant && m.State != store.StateComplete {
				t.Fatalf("answer %d is %s", m.ID, m.State)
			}
		}
	}
	if err := ta.a.store.QuickCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestDiagnosticsHoldNoKeys: Copy diagnostics, with a key in the keyring.
func TestDiagnosticsHoldNoKeys(t *testing.T) {
	ta := newTestApp(t)
	const key = "sk-app-diag-SECRET-55"
	e, err := ta.sets.SaveEndpoint(store.Endpoint{Name: "Cloud", Kind: store.KindOpenAI, BaseURL: "http://127.0.0.1:1/v1", Enabled: true}, key, false)
	if err != nil {
		t.Fatal(err)
	}
	ta.a.log.Error("a careless line", "err", "refused "+key)
	text := ta.sys.Diagnostics()
	if strings.Contains(text, key) {
		t.Fatalf("the diagnostics hold the key:\n%s", text)
	}
	for _, want := range []string{"Brook: ", "Endpoints (2)", "Cloud (id " + e.ID + ")", "API key: stored (not shown)", "Logs: " + ta.a.layout.Logs} {
		if !strings.Contains(text, want) {
			t.Errorf("the diagnostics lack %q:\n%s", want, text)
		}
	}
}
