package chat

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"brook/backend/events"
	"brook/backend/provider"
	"brook/backend/provider/ollama"
	"brook/backend/providertest"
	"brook/backend/store"
)

func titlesOn(c *Config) { c.Titles = true }

// gatedClient holds every non-streaming request until gate closes, and
// tells started each time one begins.
type gatedClient struct {
	provider.Client
	started chan struct{}
	gate    chan struct{}
}

func newGatedClient(c provider.Client) *gatedClient {
	return &gatedClient{Client: c, started: make(chan struct{}, 10), gate: make(chan struct{})}
}

func (g *gatedClient) Complete(ctx context.Context, req provider.Request) (provider.Completion, error) {
	g.started <- struct{}{}
	select {
	case <-g.gate:
	case <-ctx.Done():
		return provider.Completion{}, context.Cause(ctx)
	}
	return g.Client.Complete(ctx, req)
}

func (h *harness) conversation(id int64) store.Conversation {
	h.t.Helper()
	c, err := h.store.GetConversation(context.Background(), id)
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

// listChanges counts the conversations-changed events about conversation id.
func (h *harness) listChanges(id int64) int {
	n := 0
	for _, ev := range h.recorder.Events() {
		if ev.Name == events.ConversationsChangedName && ev.Payload == id {
			n++
		}
	}
	return n
}

const titledAnswer = "**“Rivers of the World.”**\n\nRivers carry the mountains down to the sea."

func TestATitleReplacesTheFirstWords(t *testing.T) {
	for _, proto := range protocols {
		t.Run(proto.name, func(t *testing.T) {
			srv := proto.newServer(providertest.Script{Answer: titledAnswer})
			defer srv.Close()
			h := newHarnessWith(t, fixedProviders{"ep": proto.newClient(srv.URL)}, titlesOn)
			answer := h.send("tell me about rivers please")
			h.engine.titling.Wait()
			conv := h.conversation(answer.ConversationID)
			if conv.Title != "Rivers of the World" || !conv.TitleIsAuto {
				t.Fatalf("title %q (auto %v), want the model's, cleaned", conv.Title, conv.TitleIsAuto)
			}
			if n := h.listChanges(conv.ID); n != 2 {
				t.Fatalf("the list was told of %d changes, want the send's and the title's", n)
			}
			reqs := srv.ChatRequests(false)
			if len(reqs) != 1 {
				t.Fatalf("%d requests without streaming, want the one title request", len(reqs))
			}
			body := reqs[0].Body
			if reqs[0].Stream || requestLimit(body) != titleMaxTokens || reqs[0].LastMessage() != TitlePrompt || body["model"] != "tiny" {
				t.Fatalf("title request %s", fmtBody(body))
			}
			if proto.name == "ollama" && body["think"] != false {
				t.Fatalf("a title request lets the model think: %s", fmtBody(body))
			}
			// Later answers leave the title alone.
			res, err := h.engine.Send(context.Background(), SendRequest{ConversationID: conv.ID, Text: "and lakes?"})
			if err != nil {
				t.Fatal(err)
			}
			h.engine.Wait(res.Answer.ID)
			h.engine.titling.Wait()
			if n := len(srv.ChatRequests(false)); n != 1 || len(srv.ChatRequestsBut(false, TitlePrompt)) != 0 {
				t.Fatalf("a second answer asked for a title again (%d requests)", n)
			}
		})
	}
}

func TestARenameBeforeTheTitleArrivesIsKept(t *testing.T) {
	srv := providertest.NewOllama(providertest.Script{Answer: titledAnswer})
	defer srv.Close()
	client := newGatedClient(ollama.New(srv.URL))
	h := newHarnessWith(t, fixedProviders{"ep": client}, titlesOn)
	answer := h.send("tell me about rivers please")
	<-client.started
	if err := h.store.RenameConversation(context.Background(), answer.ConversationID, "My rivers"); err != nil {
		t.Fatal(err)
	}
	close(client.gate)
	h.engine.titling.Wait()
	if reqs := srv.ChatRequests(false); len(reqs) != 1 || reqs[0].Generated == "" {
		t.Fatalf("the title request was not answered: %d requests", len(reqs))
	}
	if conv := h.conversation(answer.ConversationID); conv.Title != "My rivers" || conv.TitleIsAuto {
		t.Fatalf("the user's title became %q (auto %v)", conv.Title, conv.TitleIsAuto)
	}
}

func TestAFailedTitleKeepsTheFirstWordsAndIsTriedOnce(t *testing.T) {
	srv := providertest.NewOllama(providertest.Script{Answer: titledAnswer, NonStreamFailures: 1})
	defer srv.Close()
	h := newHarnessWith(t, fixedProviders{"ep": ollama.New(srv.URL)}, titlesOn)
	answer := h.send("tell me about rivers please")
	h.engine.titling.Wait()
	if n := len(srv.ChatRequests(false)); n != 1 {
		t.Fatalf("%d title requests, want one", n)
	}
	if conv := h.conversation(answer.ConversationID); conv.Title != "tell me about rivers please" {
		t.Fatalf("a failed title request changed the title to %q", conv.Title)
	}
	// Another first answer in this run does not ask again.
	version, err := h.engine.Regenerate(context.Background(), answer.ID)
	if err != nil {
		t.Fatal(err)
	}
	h.engine.Wait(version.ID)
	if got := h.answer(version.ID); got.State != store.StateComplete {
		t.Fatalf("the new version is %s", got.State)
	}
	h.engine.titling.Wait()
	if n := len(srv.ChatRequests(false)); n != 1 {
		t.Fatalf("the title was asked for %d times, want once", n)
	}
	if conv := h.conversation(answer.ConversationID); conv.Title != "tell me about rivers please" {
		t.Fatalf("title %q", conv.Title)
	}
}

func TestNoTitleWhenTitlesAreOff(t *testing.T) {
	srv := providertest.NewOllama(providertest.Script{Answer: titledAnswer})
	defer srv.Close()
	h := newHarnessWith(t, fixedProviders{"ep": ollama.New(srv.URL)}, titlesOn)
	s := store.DefaultSettings()
	s.AutoTitles = false
	if err := h.store.SaveSettings(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	answer := h.send("tell me about rivers please")
	h.engine.titling.Wait()
	if n := len(srv.ChatRequests(false)); n != 0 || h.conversation(answer.ConversationID).Title != "tell me about rivers please" {
		t.Fatalf("titles are off, yet %d title requests were made", n)
	}
}

// TestATitleWaitsWhileAnotherAnswerStreamsOnASingleSlotServer: titles are
// written by a small model on a single-slot server; the title of one
// conversation is not sent while another conversation's answer streams there.
func TestATitleWaitsWhileAnotherAnswerStreamsOnASingleSlotServer(t *testing.T) {
	big := providertest.NewOllama(providertest.Script{Answer: titledAnswer})
	defer big.Close()
	long := "Small rivers\n" + strings.Repeat("More words to stream. ", 100)
	small := providertest.NewOllama(providertest.Script{Tokens: providertest.SplitTokens(long, 3), TokenDelay: 20 * time.Millisecond})
	defer small.Close()
	h := newHarnessWith(t, profiledProviders{
		fixedProviders{"ep": ollama.New(big.URL), "small": ollama.New(small.URL)},
		map[string]provider.ServerProfile{
			"ep":    {Kind: provider.ServerOllama, MaxParallel: 4},
			"small": {Kind: provider.ServerOllama, MaxParallel: 1},
		},
	}, titlesOn)
	s := store.DefaultSettings()
	s.TitleEndpointID, s.TitleModel = "small", "tiny"
	if err := h.store.SaveSettings(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	other, err := h.engine.Send(context.Background(), SendRequest{Text: "a long one", EndpointID: "small", Model: "tiny"})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(small.ChatRequests(true)) == 1 })

	answer := h.send("tell me about rivers please")
	waitFor(t, h.engine.queues.idleWaiting)
	if n := len(small.ChatRequests(false)); n != 0 {
		t.Fatalf("the title was sent while another answer streamed on the single-slot server (%d requests)", n)
	}
	if !slices.Contains(h.engine.Active(), other.Answer.ID) {
		t.Fatal("the other answer ended before the check; make it longer")
	}
	h.engine.Stop(other.Answer.ID)
	h.engine.titling.Wait()
	if conv := h.conversation(answer.ConversationID); conv.Title != "Small rivers" {
		t.Fatalf("title %q, want the small model's", conv.Title)
	}
	if n := len(big.ChatRequests(false)); n != 0 {
		t.Fatalf("the conversation's own server was asked for the title (%d requests)", n)
	}
}

// TestATitleGivesWayToTheUsersNextAnswer: a title request holding a
// single-slot server's slot gives it up at once when the user sends, and
// is asked again once the server is quiet.
func TestATitleGivesWayToTheUsersNextAnswer(t *testing.T) {
	srv := providertest.NewOllama(providertest.Script{Answer: titledAnswer})
	defer srv.Close()
	client := newGatedClient(ollama.New(srv.URL))
	h := newHarnessWith(t, profiledProviders{
		fixedProviders{"ep": client},
		map[string]provider.ServerProfile{"ep": {Kind: provider.ServerOllama, MaxParallel: 1}},
	}, titlesOn)
	answer := h.send("tell me about rivers please")
	<-client.started // the title request holds the only slot, and its gate is shut
	res, err := h.engine.Send(context.Background(), SendRequest{ConversationID: answer.ConversationID, Text: "and lakes?"})
	if err != nil {
		t.Fatal(err)
	}
	h.engine.Wait(res.Answer.ID)
	if got := h.answer(res.Answer.ID); got.State != store.StateComplete {
		t.Fatalf("the user's answer behind a title request is %s", got.State)
	}
	close(client.gate)
	h.engine.titling.Wait()
	if len(client.started) != 1 {
		t.Fatalf("the title was asked for %d more times after giving way, want once", len(client.started))
	}
	if conv := h.conversation(answer.ConversationID); conv.Title != "Rivers of the World" {
		t.Fatalf("title %q after giving way", conv.Title)
	}
}

func TestCleanTitle(t *testing.T) {
	for _, tc := range []struct{ reply, want string }{
		{"Rivers of the World", "Rivers of the World"},
		{`"Rivers of the World."`, "Rivers of the World"},
		{"“Rivers of the World!”", "Rivers of the World"},
		{"**Title:** _Rivers_ of the `World`", "Rivers of the World"},
		{"## Rivers of the world\n\nA title for a talk about rivers.", "Rivers of the world"},
		{"Title: 'Rivers' ...", "Rivers"},
		{"\n\n  - Rivers and lakes;  \n", "Rivers and lakes"},
		{"<think>\nThe user asks about rivers.\n</think>\n\nRivers explained", "Rivers explained"},
		{"<think>The user asks about rivers and I", ""},
		{"How do rivers form?", "How do rivers form"},
		{"Renaming my_var in Go", "Renaming my_var in Go"},
		{"! rivers, lakes and seas", "rivers, lakes and seas"},
		{`""`, ""},
		{"", ""},
		{strings.Repeat("river ", 20), "river river river river river river river river river river"},
		{strings.Repeat("é", 70), strings.Repeat("é", 60)},
	} {
		got := cleanTitle(tc.reply)
		if got != tc.want {
			t.Errorf("cleanTitle(%q) = %q, want %q", tc.reply, got, tc.want)
		}
		if n := len([]rune(got)); n > titleMaxRunes {
			t.Errorf("cleanTitle(%q) is %d characters long", tc.reply, n)
		}
	}
}

// A title asked of a model uses the window an answer last asked of it: any
// other num_ctx makes Ollama load the model again, and a window raised for
// the conversation would be gone before its next turn.
func TestATitleKeepsTheAnswersWindow(t *testing.T) {
	srv := providertest.NewOllama(providertest.Script{Answer: titledAnswer})
	defer srv.Close()
	h := newHarnessWith(t, fixedProviders{"ep": ollama.New(srv.URL)}, titlesOn)
	ctx := context.Background()
	settings, err := h.store.LoadSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	settings.Params.ContextLength = 8192
	if err := h.store.SaveSettings(ctx, settings); err != nil {
		t.Fatal(err)
	}
	h.send("tell me about rivers please")
	h.engine.titling.Wait()
	numCtx := func(r providertest.Request) any {
		opts, _ := r.Body["options"].(map[string]any)
		return opts["num_ctx"]
	}
	streamed, titles := srv.ChatRequests(true), srv.ChatRequests(false)
	if len(streamed) != 1 || len(titles) != 1 {
		t.Fatalf("%d streamed and %d title requests, want 1 and 1", len(streamed), len(titles))
	}
	if numCtx(streamed[0]) != 8192.0 || numCtx(titles[0]) != 8192.0 {
		t.Fatalf("num_ctx: answer %v, title %v; want 8192 for both", numCtx(streamed[0]), numCtx(titles[0]))
	}
}
