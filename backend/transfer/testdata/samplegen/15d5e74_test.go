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
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	conversation := func(c store.Conversation) store.Conversation {
		c, err := s.CreateConversation(ctx, c)
		must(err)
		return c
	}
	add := func(m store.Message) store.Message {
		m, err := s.AddMessage(ctx, m)
		must(err)
		return m
	}
	answer := func(c store.Conversation, fin store.Message) store.Message {
		a := add(store.Message{ConversationID: c.ID, Role: store.RoleAssistant,
			State: store.StateStreaming, EndpointID: c.EndpointID, Model: c.Model, Run: 1})
		fin.ID, fin.Run = a.ID, 1
		if fin.EndpointID == "" {
			fin.EndpointID, fin.Model = c.EndpointID, c.Model
		}
		must(s.FinishAnswer(ctx, fin))
		return a
	}
	img := image.NewNRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.NRGBA{R: 200, G: 160, B: 40, A: 255})
	img.Set(1, 1, color.NRGBA{R: 40, G: 90, B: 160, A: 255})
	var pngBuf bytes.Buffer
	must(png.Encode(&pngBuf, img))

	temp := 0.4
	kyoto := conversation(store.Conversation{Title: "Trip to Kyoto", EndpointID: "ollama-local", Model: "qwen3:8b",
		SystemPrompt: "You are a concise travel guide.",
		Params:       store.Params{Temperature: &temp, ContextLength: 8192, MaxTokens: 1024, Think: "high"}})
	must(s.SetPinned(ctx, kyoto.ID, true))
	add(store.Message{ConversationID: kyoto.ID, Role: store.RoleUser, Content: "Which temple is this?",
		Images: []store.Image{{Name: "temple.png", MIME: "image/png", Width: 2, Height: 2, Data: pngBuf.Bytes()}}})
	answer(kyoto, store.Message{Content: "That is Kinkaku-ji, the Golden Pavilion.", State: store.StateComplete,
		Reasoning: "Gold leaf on a pavilion by a pond: Kinkaku-ji.", ThinkingMs: 4200, FirstTokenMs: 5100,
		TokensPerSecond: 31.5, PromptTokens: 812, CompletionTokens: 64, EndReason: "stop"})
	// Regenerate, before message versions: a second answer after the first.
	answer(kyoto, store.Message{Content: "Kinkaku-ji, in the north of Kyoto.", State: store.StateComplete,
		Reasoning: "A golden temple.", ThinkingMs: 1800, EndReason: "length", Recovered: true,
		RecoveryMethod: store.RecoveryContinued, RecoveryReason: "the stream stopped sending"})
	add(store.Message{ConversationID: kyoto.ID, Role: store.RoleUser, Content: "When was it built?"})
	answer(kyoto, store.Message{Content: "It was rebuilt in 1955.", State: store.StateComplete, EndReason: "stop"})

	lease := conversation(store.Conversation{Title: "Reading the lease", EndpointID: "openai-work", Model: "gpt-4o-mini"})
	add(store.Message{ConversationID: lease.ID, Role: store.RoleUser, Content: "How long is the notice period?"})
	answer(lease, store.Message{Content: "The notice period is three", State: store.StateInterrupted,
		Error: "The server closed the connection.", EndReason: "dropped", FirstTokenMs: 900})
	add(store.Message{ConversationID: lease.ID, Role: store.RoleUser, Content: "And for the landlord?"})
	answer(lease, store.Message{Content: "", State: store.StateFailed, Error: "model not found", EndReason: "refused"})
	must(s.SetArchived(ctx, lease.ID, true))
	must(s.SaveDraft(ctx, lease.ID, "Can I sublet?"))

	stream := conversation(store.Conversation{EndpointID: "ollama-local", Model: "llama3.2"})
	must(s.SetAutoTitle(ctx, stream.ID, "Haiku about rain <3 & more"))
	add(store.Message{ConversationID: stream.ID, Role: store.RoleUser, Content: "Write a haiku about rain."})
	answer(stream, store.Message{Content: "Soft rain on", State: store.StateStopped, EndReason: "user_stop"})
	add(store.Message{ConversationID: stream.ID, Role: store.RoleUser, Content: "Another, in Japanese: 雨"})
	live := add(store.Message{ConversationID: stream.ID, Role: store.RoleAssistant,
		State: store.StateStreaming, EndpointID: stream.EndpointID, Model: stream.Model, Run: 1})
	must(s.CheckpointAnswer(ctx, live.ID, 1, "静かな雨", "Five syllables first."))

	conversation(store.Conversation{Title: "New conversation"})

	// The export as the app ran it then (app/services.go).
	list, err := s.ListExport(ctx, nil)
	must(err)
	var out bytes.Buffer
	must(transfer.ExportSeq(&out, transfer.FormatJSON, list.Entries, list.Bundles(ctx), time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)))
	must(os.WriteFile(os.Getenv("BROOK_SAMPLE"), out.Bytes(), 0o644))
}
