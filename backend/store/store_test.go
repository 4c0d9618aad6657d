package store

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestConversationLifecycle(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)

	c, err := s.CreateConversation(ctx, Conversation{})
	if err != nil {
		t.Fatal(err)
	}
	if c.ID == 0 || c.UID == "" || c.Title != DefaultTitle || !c.TitleIsAuto || c.CreatedAt == 0 {
		t.Fatalf("created conversation = %+v", c)
	}

	if err := s.SetAutoTitle(ctx, c.ID, "Trip to Tokyo"); err != nil {
		t.Fatal(err)
	}
	if err := s.RenameConversation(ctx, c.ID, "  My trip  "); err != nil {
		t.Fatal(err)
	}
	// The user's title wins over a late automatic one.
	if err := s.SetAutoTitle(ctx, c.ID, "Something else"); err != nil {
		t.Fatal(err)
	}
	temperature := 0.7
	steps := []error{
		s.SetPinned(ctx, c.ID, true),
		s.SetConversationModel(ctx, c.ID, "ep1", "llama3.2"),
		s.SetSystemPrompt(ctx, c.ID, "Be brief."),
		s.SetParams(ctx, c.ID, Params{Temperature: &temperature, ContextLength: 8192}),
		s.SaveDraft(ctx, c.ID, "half-typed"),
	}
	for i, err := range steps {
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	got, err := s.GetConversation(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := c
	want.Title, want.TitleIsAuto, want.Pinned = "My trip", false, true
	want.EndpointID, want.Model, want.SystemPrompt, want.Draft = "ep1", "llama3.2", "Be brief.", "half-typed"
	want.Params = Params{Temperature: &temperature, ContextLength: 8192}
	if got.Params.Temperature == nil || *got.Params.Temperature != 0.7 {
		t.Fatalf("temperature = %v", got.Params.Temperature)
	}
	got.Params.Temperature, want.Params.Temperature = nil, nil
	if got != want {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
}

func TestListConversationsOrder(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	clock := int64(1_000_000)
	s.now = func() int64 { clock++; return clock }

	a := mustConversation(t, s, "a")
	b := mustConversation(t, s, "b")
	c := mustConversation(t, s, "c")
	d := mustConversation(t, s, "d")
	e := mustConversation(t, s, "e")
	mustMessage(t, s, a.ID, RoleUser, "bump a") // a is now the most recent
	if err := s.SetPinned(ctx, c.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := s.SetArchived(ctx, d.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteConversation(ctx, e.ID); err != nil {
		t.Fatal(err)
	}

	titles := func(opts ListOptions) []string {
		t.Helper()
		list, err := s.ListConversations(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range list {
			out = append(out, c.Title)
		}
		return out
	}
	tests := []struct {
		name string
		opts ListOptions
		want []string
	}{
		{"all live", ListOptions{}, []string{"c", "a", "b"}},
		{"first page", ListOptions{Limit: 2}, []string{"c", "a"}},
		{"second page", ListOptions{Limit: 2, Offset: 2}, []string{"b"}},
		{"archived", ListOptions{Archived: true}, []string{"d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := titles(tt.opts); !slices.Equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
	_ = b
}

func TestSoftDeleteRestorePurge(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	s.now = func() int64 { return clock }

	c := mustConversation(t, s, "to delete")
	m := mustMessage(t, s, c.ID, RoleUser, "remember the milk carton")
	if err := s.DeleteConversation(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetConversation(ctx, c.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("GetConversation after delete: %v, want ErrNotFound", err)
	}
	if ids := searchIDs(t, s, "milk carton"); len(ids) != 0 {
		t.Fatalf("search finds deleted conversation: %v", ids)
	}
	if err := s.DeleteConversation(ctx, c.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v, want ErrNotFound", err)
	}
	if err := s.RestoreConversation(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if ids := searchIDs(t, s, "milk carton"); !slices.Equal(ids, []int64{m.ID}) {
		t.Fatalf("search after restore = %v", ids)
	}

	if err := s.DeleteConversation(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	clock += time.Hour.Milliseconds()
	if n, err := s.PurgeDeleted(ctx, 2*time.Hour); err != nil || n != 0 {
		t.Fatalf("PurgeDeleted(2h) = %d, %v; want nothing purged yet", n, err)
	}
	if n, err := s.PurgeDeleted(ctx, 30*time.Minute); err != nil || n != 1 {
		t.Fatalf("PurgeDeleted(30m) = %d, %v; want 1", n, err)
	}
	if _, err := s.GetMessage(ctx, m.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("message survives purge: %v", err)
	}
	if err := s.RestoreConversation(ctx, c.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("restore after purge: %v, want ErrNotFound", err)
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	c := mustConversation(t, s, "kept")
	user := mustMessage(t, s, c.ID, RoleUser, "hello")
	negative := -1.0

	tests := []struct {
		name    string
		call    func() error
		wantErr error
	}{
		{"rename empty", func() error { return s.RenameConversation(ctx, c.ID, "   ") }, ErrInvalid},
		{"auto title empty", func() error { return s.SetAutoTitle(ctx, c.ID, "") }, ErrInvalid},
		{"rename unknown", func() error { return s.RenameConversation(ctx, 9999, "x") }, ErrNotFound},
		{"pin unknown", func() error { return s.SetPinned(ctx, 9999, true) }, ErrNotFound},
		{"negative temperature", func() error { return s.SetParams(ctx, c.ID, Params{Temperature: &negative}) }, ErrInvalid},
		{"unknown thinking setting", func() error { return s.SetParams(ctx, c.ID, Params{Think: "maximum"}) }, ErrInvalid},
		{"bad role", func() error {
			_, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: "robot", Content: "x"})
			return err
		}, ErrInvalid},
		{"bad state", func() error {
			_, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: RoleUser, State: "lost"})
			return err
		}, ErrInvalid},
		{"streaming user message", func() error {
			_, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: RoleUser, State: StateStreaming})
			return err
		}, ErrInvalid},
		{"message to unknown conversation", func() error {
			_, err := s.AddMessage(ctx, Message{ConversationID: 9999, Role: RoleUser, Content: "x"})
			return err
		}, ErrNotFound},
		{"checkpoint a complete message", func() error { return s.CheckpointAnswer(ctx, user.ID, 0, "x", "") }, ErrNotFound},
		{"finish as streaming", func() error { return s.FinishAnswer(ctx, Message{ID: user.ID, State: StateStreaming}) }, ErrInvalid},
		{"finish unknown", func() error { return s.FinishAnswer(ctx, Message{ID: 9999, State: StateComplete}) }, ErrNotFound},
		{"delete unknown message", func() error { _, err := s.DeleteMessage(ctx, 9999); return err }, ErrNotFound},
		{"delete unknown version", func() error { _, err := s.DeleteVersion(ctx, 9999); return err }, ErrNotFound},
		{"message following one of another conversation", func() error {
			other := mustConversation(t, s, "other")
			elsewhere := mustMessage(t, s, other.ID, RoleUser, "elsewhere")
			_, err := s.AddMessage(ctx, Message{ConversationID: c.ID, ParentID: elsewhere.ID, Role: RoleUser, Content: "x"})
			return err
		}, ErrInvalid},
		{"messages of unknown conversation", func() error { _, err := s.Messages(ctx, 9999); return err }, ErrNotFound},
		{"endpoint kind that is not an ID", func() error {
			_, err := s.SaveEndpoint(ctx, Endpoint{Name: "x", Kind: "Not a kind!", BaseURL: "http://localhost:1"})
			return err
		}, ErrInvalid},
		{"endpoint bad url", func() error {
			_, err := s.SaveEndpoint(ctx, Endpoint{Name: "x", Kind: "ollama", BaseURL: "ftp://host"})
			return err
		}, ErrInvalid},
		{"endpoint url with password", func() error {
			_, err := s.SaveEndpoint(ctx, Endpoint{Name: "x", Kind: "openai", BaseURL: "https://me:secret@api.example.com"})
			return err
		}, ErrInvalid},
		{"endpoint unknown server kind", func() error {
			_, err := s.SaveEndpoint(ctx, Endpoint{Name: "x", Kind: "openai", BaseURL: "http://localhost:1", ServerKind: "lmstudio"})
			return err
		}, ErrInvalid},
		{"endpoint too many parallel answers", func() error {
			_, err := s.SaveEndpoint(ctx, Endpoint{Name: "x", Kind: "ollama", BaseURL: "http://localhost:1", MaxParallel: 65})
			return err
		}, ErrInvalid},
		{"delete unknown endpoint", func() error { return s.DeleteEndpoint(ctx, "nope") }, ErrNotFound},
		{"bad theme", func() error {
			settings := DefaultSettings()
			settings.Theme = "neon"
			return s.SaveSettings(ctx, settings)
		}, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}

	got, err := s.GetConversation(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "kept" || got.Params.Temperature != nil {
		t.Fatalf("conversation changed: %+v", got)
	}
	messages, err := s.Messages(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(messages) != 1 || !reflect.DeepEqual(messages[0], user) {
		t.Fatalf("messages changed: %+v", messages)
	}
	if endpoints, _ := s.ListEndpoints(ctx); len(endpoints) != 0 {
		t.Fatalf("endpoints written: %+v", endpoints)
	}
	if settings, _ := s.LoadSettings(ctx); settings != DefaultSettings() {
		t.Fatalf("settings written: %+v", settings)
	}
}

func TestStreamingAnswer(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	c := mustConversation(t, s, "chat")
	question := mustMessage(t, s, c.ID, RoleUser, "Explain goroutines")

	answer, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: RoleAssistant, State: StateStreaming,
		EndpointID: "ep", Model: "llama3"})
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"Gorou", "Goroutines are", "Goroutines are lightweight threads."} {
		if err := s.CheckpointAnswer(ctx, answer.ID, 0, text, ""); err != nil {
			t.Fatal(err)
		}
	}
	if m, err := s.GetMessage(ctx, answer.ID); err != nil || m.State != StateStreaming || m.Content != "Goroutines are lightweight threads." {
		t.Fatalf("after checkpoints: %+v, %v", m, err)
	}
	if ids := searchIDs(t, s, "lightweight"); len(ids) != 0 {
		t.Fatalf("a streaming answer is searchable: %v", ids)
	}

	final := Message{ID: answer.ID, Content: "Goroutines are lightweight threads managed by Go.",
		State: StateComplete, EndpointID: "ep", Model: "llama3", FirstTokenMs: 420, TokensPerSecond: 31.5,
		PromptTokens: 12, CompletionTokens: 9, Recovered: true, RecoveryReason: "dropped", EndReason: "stop"}
	if err := s.FinishAnswer(ctx, final); err != nil {
		t.Fatal(err)
	}
	if err := s.CheckpointAnswer(ctx, answer.ID, 0, "late chunk", ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("checkpoint after finish: %v, want ErrNotFound", err)
	}
	got, err := s.GetMessage(ctx, answer.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := final
	want.UID, want.ConversationID, want.Role, want.CreatedAt, want.UpdatedAt = answer.UID, c.ID, RoleAssistant, got.CreatedAt, got.UpdatedAt
	want.ParentID, want.ShownAt = question.ID, answer.ShownAt
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	if ids := searchIDs(t, s, "lightweight"); !slices.Equal(ids, []int64{answer.ID}) {
		t.Fatalf("finished answer not searchable: %v", ids)
	}

	messages, err := s.Messages(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(messages) != 2 || messages[0].ID != question.ID || messages[1].ID != answer.ID {
		t.Fatalf("messages out of order: %+v", messages)
	}

	// Deleting a message takes it out of the search index.
	if _, err := s.DeleteMessage(ctx, answer.ID); err != nil {
		t.Fatal(err)
	}
	if ids := searchIDs(t, s, "lightweight"); len(ids) != 0 {
		t.Fatalf("deleted message still found: %v", ids)
	}
}

// copyFileForTest copies a file if it exists.
func copyFileForTest(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if errors.Is(err, os.ErrNotExist) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
}

// TestCrashRecovery snapshots the files of a live store in the middle of a
// streaming answer (what a power cut or kill leaves behind) and opens the
// snapshot.
func TestCrashRecovery(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	c := mustConversation(t, s, "crash")
	mustMessage(t, s, c.ID, RoleUser, "Tell me about 東京タワー")
	answer, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: RoleAssistant, State: StateStreaming})
	if err != nil {
		t.Fatal(err)
	}
	partial := "東京タワー is a communications tower in Minato, Tok"
	if err := s.CheckpointAnswer(ctx, answer.ID, 0, partial, ""); err != nil {
		t.Fatal(err)
	}

	crashed := filepath.Join(t.TempDir(), "brook.db")
	for _, suffix := range []string{"", "-wal"} {
		copyFileForTest(t, s.Path()+suffix, crashed+suffix)
	}
	recovered, err := Open(crashed)
	if err != nil {
		t.Fatal(err)
	}
	defer recovered.Close()

	got, err := recovered.GetMessage(ctx, answer.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != StateInterrupted || got.Content != partial || got.Error != interruptedError() {
		t.Fatalf("recovered answer = %+v", got)
	}
	if all, err := recovered.Messages(ctx, answer.ConversationID); err != nil || slices.ContainsFunc(all, func(m Message) bool { return m.State == StateStreaming }) {
		t.Fatalf("still streaming after recovery: %+v, %v", all, err)
	}
	if ids := searchIDs(t, recovered, "communications tower"); !slices.Equal(ids, []int64{answer.ID}) {
		t.Fatalf("recovered answer not searchable: %v", ids)
	}
}

func TestEndpointsAndSettings(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)

	settings, err := s.LoadSettings(ctx)
	if err != nil || settings != DefaultSettings() {
		t.Fatalf("LoadSettings on a new database = %+v, %v", settings, err)
	}
	settings.DefaultEndpointID, settings.DefaultModel, settings.Theme = "ep", "qwen2.5", "dark"
	if err := s.SaveSettings(ctx, settings); err != nil {
		t.Fatal(err)
	}
	if got, err := s.LoadSettings(ctx); err != nil || got != settings {
		t.Fatalf("LoadSettings = %+v, %v; want %+v", got, err, settings)
	}

	local, err := s.SaveEndpoint(ctx, Endpoint{Name: "Local", Kind: "ollama", BaseURL: "http://127.0.0.1:11434/", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	if local.ID == "" || local.BaseURL != "http://127.0.0.1:11434" {
		t.Fatalf("saved endpoint = %+v", local)
	}
	cloud, err := s.SaveEndpoint(ctx, Endpoint{Name: "Cloud", Kind: "openai", BaseURL: "https://api.example.com/v1", Models: []string{"gpt-x"}})
	if err != nil {
		t.Fatal(err)
	}
	local.Name, local.Enabled = "Local GPU", false
	if _, err := s.SaveEndpoint(ctx, local); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListEndpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	local.Models = []string{}
	if len(list) != 2 || list[0].Name != "Local GPU" || list[0].Enabled || list[1].ID != cloud.ID || !slices.Equal(list[1].Models, []string{"gpt-x"}) {
		t.Fatalf("endpoints = %+v", list)
	}
	if err := s.DeleteEndpoint(ctx, local.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.ListEndpoints(ctx); len(list) != 1 || list[0].ID != cloud.ID {
		t.Fatalf("after delete: %+v", list)
	}
}

func TestReopenIsIdempotent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "brook.db")
	for i := range 3 {
		s, err := Open(path)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		var version int
		if err := s.read.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
			t.Fatal(err)
		}
		if version != SchemaVersion() {
			t.Fatalf("open %d: user_version %d, want %d", i, version, SchemaVersion())
		}
		mustConversation(t, s, "x")
		s.Close()
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "brook.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.write.Exec("PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(path); err == nil {
		t.Fatal("Open of a newer schema succeeded")
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("newer database was moved or removed: %v", err)
	}
}
