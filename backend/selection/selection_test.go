package selection

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/zalando/go-keyring"

	"brook/backend/chat"
	"brook/backend/endpoints"
	_ "brook/backend/endpoints/allkinds"
	"brook/backend/endpoints/kind/ollamakind"
	"brook/backend/events"
	"brook/backend/providertest"
	"brook/backend/secrets"
	"brook/backend/store"
)

// world is Brook's backend without a window: a store, one Ollama endpoint
// offering two models, the registry and the engine.
type world struct {
	t        *testing.T
	store    *store.Store
	registry *endpoints.Registry
	engine   *chat.Engine
	chooser  Chooser
	server   *providertest.Server
	endpoint store.Endpoint
}

func newWorld(t *testing.T) *world {
	t.Helper()
	keyring.MockInit()
	srv := providertest.NewOllama(providertest.Script{Models: []string{"alpha:latest", "beta:latest"}})
	t.Cleanup(srv.Close)
	st, err := store.Open(filepath.Join(t.TempDir(), "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	ep, err := st.SaveEndpoint(context.Background(), store.Endpoint{Name: "Local", Kind: ollamakind.ID, BaseURL: srv.URL, Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	reg := endpoints.New(st, secrets.New("BrookSelectionTest"))
	eng := chat.New(chat.Config{Store: st, Providers: reg, Emitter: &events.Recorder{}})
	t.Cleanup(func() {
		eng.Close()
		st.Close()
	})
	return &world{t: t, store: st, registry: reg, engine: eng, chooser: Chooser{Survey: reg, Store: st}, server: srv, endpoint: ep}
}

func (w *world) setDefault(model string) {
	w.t.Helper()
	s, err := w.store.LoadSettings(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	s.DefaultEndpointID, s.DefaultModel = w.endpoint.ID, model
	if model == "" {
		s.DefaultEndpointID = ""
	}
	if err := w.store.SaveSettings(context.Background(), s); err != nil {
		w.t.Fatal(err)
	}
}

func TestOverviewPicksTheDefaultThenTheLastUsedThenTheFirst(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	sel := func(model string) endpoints.Selection {
		return endpoints.Selection{EndpointID: w.endpoint.ID, Model: model}
	}

	// Nothing set: the first model offered.
	o, err := w.chooser.Overview(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Endpoints) != 1 || !o.Endpoints[0].Reachable || len(o.Endpoints[0].Models) != 2 {
		t.Fatalf("survey = %+v", o.Endpoints)
	}
	if o.Selection != sel("alpha:latest") || o.Source != FromFirst || o.Default != (endpoints.Selection{}) {
		t.Fatalf("nothing set: %+v", o)
	}

	if err := w.store.SetLastModel(ctx, w.endpoint.ID, "beta:latest"); err != nil {
		t.Fatal(err)
	}
	if o, _ = w.chooser.Overview(ctx); o.Selection != sel("beta:latest") || o.Source != FromLastUsed {
		t.Fatalf("last used: %+v", o)
	}

	w.setDefault("alpha:latest")
	if o, _ = w.chooser.Overview(ctx); o.Selection != sel("alpha:latest") || o.Source != FromDefault || !o.DefaultOffered {
		t.Fatalf("default set: %+v", o)
	}

	// The default model was removed from the server: the last used, and the UI is told.
	w.setDefault("gone:latest")
	if o, _ = w.chooser.Overview(ctx); o.Selection != sel("beta:latest") || o.Source != FromLastUsed || o.DefaultOffered ||
		o.Default != sel("gone:latest") {
		t.Fatalf("default gone: %+v", o)
	}
	if d, err := w.chooser.Default(ctx); err != nil || d != sel("beta:latest") {
		t.Fatalf("Default = %+v, %v", d, err)
	}
}

// TestNewConversationUsesTheDefaultModel: a message sent to a new
// conversation without a model goes to the Default model, and is answered
// by it; an explicit model still wins.
func TestNewConversationUsesTheDefaultModel(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	if err := w.store.SetLastModel(ctx, w.endpoint.ID, "alpha:latest"); err != nil {
		t.Fatal(err)
	}
	w.setDefault("beta:latest")

	send := func(req chat.SendRequest) chat.SendResult {
		t.Helper()
		req, err := w.chooser.Complete(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		res, err := w.engine.Send(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		w.engine.Wait(res.Answer.ID)
		return res
	}

	res := send(chat.SendRequest{Text: "Which model are you?"})
	if res.Conversation.EndpointID != w.endpoint.ID || res.Conversation.Model != "beta:latest" {
		t.Fatalf("new conversation = %s/%s, want the default beta:latest", res.Conversation.EndpointID, res.Conversation.Model)
	}
	answer, err := w.store.GetMessage(ctx, res.Answer.ID)
	if err != nil || answer.State != store.StateComplete || answer.Model != "beta:latest" {
		t.Fatalf("answer = %+v, %v", answer, err)
	}
	asked := false
	for _, r := range w.server.Requests() {
		if r.Path == "/api/chat" {
			asked = true
			if r.Body["model"] != "beta:latest" {
				t.Fatalf("the server was asked for %v, want the default", r.Body["model"])
			}
		}
	}
	if !asked {
		t.Fatal("the server was never asked")
	}

	// An explicit model is kept, and becomes the model used last; the
	// default still wins for the next new conversation.
	res = send(chat.SendRequest{Text: "And you?", EndpointID: w.endpoint.ID, Model: "alpha:latest"})
	if res.Conversation.Model != "alpha:latest" {
		t.Fatalf("explicit model replaced: %+v", res.Conversation)
	}
	if st, _ := w.store.AppState(ctx); st.LastModel != "alpha:latest" {
		t.Fatalf("last used = %+v", st)
	}
	if res = send(chat.SendRequest{Text: "Third"}); res.Conversation.Model != "beta:latest" {
		t.Fatalf("the default was not used: %+v", res.Conversation)
	}

	// An existing conversation keeps its own model.
	req, err := w.chooser.Complete(ctx, chat.SendRequest{ConversationID: res.Conversation.ID, Text: "more"})
	if err != nil || req.Model != "" {
		t.Fatalf("Complete changed a request to an existing conversation: %+v, %v", req, err)
	}

	// With "Last used" as the default, the model used last.
	w.setDefault("")
	if res = send(chat.SendRequest{Text: "Fourth"}); res.Conversation.Model != "beta:latest" {
		t.Fatalf("last used (beta, from the previous send) not used: %+v", res.Conversation)
	}
}

// TestNoModelOfferedAsksToChooseOne: with no endpoint reachable, a message
// to a new conversation without a model is refused plainly and stores nothing.
func TestNoModelOfferedAsksToChooseOne(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.server.Close()
	w.registry.Changed()
	req, err := w.chooser.Complete(ctx, chat.SendRequest{Text: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.engine.Send(ctx, req); err != chat.ErrNoModel {
		t.Fatalf("Send = %v, want ErrNoModel", err)
	}
	if list, _ := w.store.ListConversations(ctx, store.ListOptions{}); len(list) != 0 {
		t.Fatalf("conversations stored: %+v", list)
	}
}
