package transfer_test

// A generator of a sample export, run once in a scratch worktree at an old
// commit to record what that Brook's JSON export wrote. Not part of Brook.

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"brook/backend/store"
	"brook/backend/transfer"
)

func TestGenerateSample(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(filepath.Join(t.TempDir(), "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	img := image.NewNRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.NRGBA{R: 200, G: 160, B: 40, A: 255})
	img.Set(1, 1, color.NRGBA{R: 40, G: 90, B: 160, A: 255})
	var pngBuf bytes.Buffer
	if err := png.Encode(&pngBuf, img); err != nil {
		t.Fatal(err)
	}
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
	q1 := add(store.Message{ConversationID: kyoto.ID, Role: store.RoleUser, Content: "Which temple is this?",
		Images: []store.Image{{Name: "temple.png", MIME: "image/png", Width: 2, Height: 2, Data: pngBuf.Bytes()}}})
	a1 := answer(kyoto, q1.ID, store.Message{Content: "That is Kinkaku-ji, the Golden Pavilion.", State: store.StateComplete,
		Reasoning: "Gold leaf on a pavilion by a pond: Kinkaku-ji.", ThinkingMs: 4200, FirstTokenMs: 5100,
		TokensPerSecond: 31.5, PromptTokens: 812, CompletionTokens: 64, EndReason: "stop"})
	a1b, err := s.AddVersion(ctx, a1.ID, store.Message{Role: store.RoleAssistant, State: store.StateStreaming,
		EndpointID: kyoto.EndpointID, Model: kyoto.Model, Run: 1}, false)
	must(err)
	must(s.FinishAnswer(ctx, store.Message{ID: a1b.ID, Run: 1, Content: "Kinkaku-ji, in the north of Kyoto.",
		State: store.StateComplete, EndpointID: kyoto.EndpointID, Model: kyoto.Model, Reasoning: "A golden temple.",
		ThinkingMs: 1800, EndReason: "length", Recovered: true, RecoveryMethod: store.RecoveryContinued,
		RecoveryReason: "the stream stopped sending"}))
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
	q2 := add(store.Message{ConversationID: lease.ID, Role: store.RoleUser, Content: "How long is the notice period?"})
	answer(lease, q2.ID, store.Message{Content: "The notice period is three", State: store.StateInterrupted,
		Error: "The server closed the connection.", EndReason: "dropped", FirstTokenMs: 900})
	q3 := add(store.Message{ConversationID: lease.ID, Role: store.RoleUser, Content: "And for the landlord?"})
	answer(lease, q3.ID, store.Message{Content: "", State: store.StateFailed, Error: "model not found", EndReason: "refused"})
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

	// A conversation with nothing in it yet.
	conversation(store.Conversation{Title: "New conversation"})
	// The export as the app ran it then (app/services.go).
	list, err := s.ListExport(ctx, nil)
	must(err)
	var out bytes.Buffer
	must(transfer.ExportSeq(&out, transfer.FormatJSON, list.Entries, list.Bundles(ctx), time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)))
	must(os.WriteFile(os.Getenv("BROOK_SAMPLE"), out.Bytes(), 0o644))
}
