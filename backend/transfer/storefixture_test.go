package transfer_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"path/filepath"
	"testing"
	"time"

	"brook/backend/exchange"
	"brook/backend/store"
	"brook/backend/transfer"
)

// exportTime is the time written into the exports these tests make.
var exportTime = time.Date(2026, 12, 6, 21, 30, 0, 0, time.UTC)

// populatedStore opens a store in a temporary folder and fills it through
// the store's own methods, as the app does, with everything a Brook export
// can carry: several conversations, pinned and archived ones, a system
// prompt and parameters, versions of a question and of an answer (an edited
// question opens a branch), a picture, an attached document, reasoning with
// its thinking time, an interrupted, a stopped and a failed answer, an
// answer still streaming at export time, a draft, and a conversation with no
// messages yet.
func populatedStore(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(filepath.Join(t.TempDir(), "brook.db"))
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	conversation := func(c store.Conversation) store.Conversation {
		t.Helper()
		c, err := s.CreateConversation(ctx, c)
		must(err)
		return c
	}
	add := func(m store.Message) store.Message {
		t.Helper()
		m, err := s.AddMessage(ctx, m)
		must(err)
		return m
	}
	// answer adds an answer as the engine does: streaming first, then
	// finished with fin's state and statistics.
	answer := func(c store.Conversation, parent int64, fin store.Message) store.Message {
		t.Helper()
		a := add(store.Message{ConversationID: c.ID, ParentID: parent, Role: store.RoleAssistant,
			State: store.StateStreaming, EndpointID: c.EndpointID, Model: c.Model, Run: 1})
		fin.ID, fin.Run = a.ID, 1
		if fin.EndpointID == "" {
			fin.EndpointID, fin.Model = c.EndpointID, c.Model
		}
		must(s.FinishAnswer(ctx, fin))
		return a
	}

	// A pinned conversation with a system prompt, parameters, a picture,
	// reasoning, a regenerated answer and an edited question.
	temp := 0.4
	kyoto := conversation(store.Conversation{Title: "Trip to Kyoto", EndpointID: "ollama-local", Model: "qwen3:8b",
		SystemPrompt: "You are a concise travel guide.",
		Params:       store.Params{Temperature: &temp, ContextLength: 8192, MaxTokens: 1024, Think: "high"}})
	must(s.SetPinned(ctx, kyoto.ID, true))
	must(s.SetContextChoice(ctx, kyoto.ID, "leave_out"))
	q1 := add(store.Message{ConversationID: kyoto.ID, Role: store.RoleUser, Content: "Which temple is this?",
		Images: []store.Image{{Name: "temple.png", MIME: "image/png", Width: 2, Height: 2, Data: tinyPNG(t)}}})
	a1 := answer(kyoto, q1.ID, store.Message{Content: "That is Kinkaku-ji, the Golden Pavilion.", State: store.StateComplete,
		Reasoning: "Gold leaf on a pavilion by a pond: Kinkaku-ji.", ThinkingMs: 4200, FirstTokenMs: 5100,
		TokensPerSecond: 31.5, PromptTokens: 812, CompletionTokens: 64, PromptEstimate: 790, EndReason: "stop"})
	a1b, err := s.AddVersion(ctx, a1.ID, store.Message{Role: store.RoleAssistant, State: store.StateStreaming,
		EndpointID: kyoto.EndpointID, Model: kyoto.Model, Run: 1}, false)
	must(err)
	must(s.FinishAnswer(ctx, store.Message{ID: a1b.ID, Run: 1, Content: "Kinkaku-ji, in the north of Kyoto.",
		State: store.StateComplete, EndpointID: kyoto.EndpointID, Model: kyoto.Model, Reasoning: "A golden temple.",
		ThinkingMs: 1800, EndReason: "length", Recovered: true, RecoveryMethod: store.RecoveryContinued,
		RecoveryReason: "the stream stopped sending", ContextLeftOut: 2}))
	// The edited question carries the picture and opens a branch of its own.
	q1b, err := s.AddVersion(ctx, q1.ID, store.Message{Role: store.RoleUser, Content: "Which temple is this, and when was it built?"}, true)
	must(err)
	answer(kyoto, q1b.ID, store.Message{Content: "Kinkaku-ji; it was rebuilt in 1955.", State: store.StateComplete,
		Resumed: true, EndReason: "stop"})
	// Back to the first question, as a user switching versions does.
	_, err = s.ShowVersion(ctx, a1.ID)
	must(err)

	// An archived conversation with a document and an interrupted answer.
	lease := conversation(store.Conversation{Title: "Reading the lease", EndpointID: "openai-work", Model: "gpt-4o-mini"})
	q2 := add(store.Message{ConversationID: lease.ID, Role: store.RoleUser, Content: "How long is the notice period?",
		Documents: []store.Document{{Name: "lease.txt", Kind: "text", MIME: "text/plain", Tokens: 12,
			Text: "Either party may end this lease with three months' notice.",
			Data: []byte("Either party may end this lease with three months' notice.\n")}}})
	answer(lease, q2.ID, store.Message{Content: "The notice period is three", State: store.StateInterrupted,
		Error: "The server closed the connection.", EndReason: "dropped", FirstTokenMs: 900})
	q3 := add(store.Message{ConversationID: lease.ID, Role: store.RoleUser, Content: "And for the landlord?"})
	answer(lease, q3.ID, store.Message{Content: "", State: store.StateFailed, Error: "model not found", EndReason: "refused"})
	// The lease's tools: one enabled and allowed always, one of a server
	// removed since (left out of the export).
	files, err := s.SaveToolServer(ctx, store.ToolServer{Name: "Files", Kind: store.ToolServerStdio, Command: "node", Enabled: true})
	must(err)
	gone, err := s.SaveToolServer(ctx, store.ToolServer{Name: "Gone", Kind: store.ToolServerStdio, Command: "node", Enabled: true})
	must(err)
	must(s.SetConversationTool(ctx, lease.ID, files.ID, "read_text_file", true))
	must(s.AllowToolAlways(ctx, lease.ID, files.ID, "read_text_file"))
	must(s.SetConversationTool(ctx, lease.ID, gone.ID, "fetch", true))
	must(s.DeleteToolServer(ctx, gone.ID))
	must(s.SetArchived(ctx, lease.ID, true))
	must(s.SaveDraft(ctx, lease.ID, "Can I sublet?"))

	// A conversation whose answer is still streaming, one the user stopped,
	// and an automatic title.
	stream := conversation(store.Conversation{EndpointID: "ollama-local", Model: "llama3.2"})
	must(s.SetAutoTitle(ctx, stream.ID, "Haiku about rain <3 & more"))
	q4 := add(store.Message{ConversationID: stream.ID, Role: store.RoleUser, Content: "Write a haiku about rain."})
	answer(stream, q4.ID, store.Message{Content: "Soft rain on", State: store.StateStopped, EndReason: "user_stop"})
	q5 := add(store.Message{ConversationID: stream.ID, Role: store.RoleUser, Content: "Another, in Japanese: 雨"})
	live := add(store.Message{ConversationID: stream.ID, ParentID: q5.ID, Role: store.RoleAssistant,
		State: store.StateStreaming, EndpointID: stream.EndpointID, Model: stream.Model, Run: 1})
	must(s.CheckpointAnswer(ctx, live.ID, 1, "静かな雨", "Five syllables first."))

	// A project holding the lease and a conversation started from an
	// assistant, which opened it with its first message.
	thesis, err := s.CreateProject(ctx, store.Project{Name: "Thesis", Colour: "#2a7ab0", Emoji: "🌊",
		Instructions: "You help with a thesis on rivers.", EndpointID: "ollama-local", Model: "qwen3:8b",
		Params: store.Params{Think: "low"}})
	must(err)
	_, err = s.MoveToProject(ctx, []int64{lease.ID}, thesis.ID)
	must(err)
	tutor, err := s.CreateAssistant(ctx, store.Assistant{Name: "Tutor", Instructions: "Ask one question at a time.",
		FirstMessage: "What are we studying today?"})
	must(err)
	tutored, err := s.StartFromAssistant(ctx, tutor.ID, thesis.ID)
	must(err)
	add(store.Message{ConversationID: tutored.ID, Role: store.RoleUser, Content: "Meanders."})

	// A conversation with nothing in it yet.
	conversation(store.Conversation{Title: "New conversation"})
	return s
}

// exportStore writes every conversation of s in Brook's JSON format through
// the export the window and the brook command run.
func exportStore(t *testing.T, s *store.Store) []byte {
	t.Helper()
	ctx := context.Background()
	e, err := exchange.Begin(ctx, s, nil, transfer.FormatJSON, exportTime)
	if err != nil {
		t.Fatalf("exchange.Begin: %v", err)
	}
	var buf bytes.Buffer
	if err := e.WriteTo(ctx, &buf, nil); err != nil {
		t.Fatalf("export: %v", err)
	}
	return buf.Bytes()
}

// tinyPNG is a 2×2 PNG, a picture the store and the import both accept.
func tinyPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.NRGBA{R: 200, G: 160, B: 40, A: 255})
	img.Set(1, 1, color.NRGBA{R: 40, G: 90, B: 160, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
