package store

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
)

// fillExample adds two conversations with messages and returns their IDs.
func fillExample(t *testing.T, s *Store) (int64, int64) {
	t.Helper()
	ctx := context.Background()
	temperature := 0.3
	a, err := s.CreateConversation(ctx, Conversation{Title: "東京 trip", Model: "llama3", SystemPrompt: "Be kind.",
		Params: Params{Temperature: &temperature, MaxTokens: 512, Think: "high"}, Pinned: true})
	if err != nil {
		t.Fatal(err)
	}
	mustMessage(t, s, a.ID, RoleUser, "東京タワーはどこですか？")
	answer, err := s.AddMessage(ctx, Message{ConversationID: a.ID, Role: RoleAssistant, State: StateStreaming})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.FinishAnswer(ctx, Message{ID: answer.ID, Content: "港区です。", State: StateComplete,
		Model: "llama3", FirstTokenMs: 120, TokensPerSecond: 55, CompletionTokens: 4, EndReason: "stop",
		Recovered: true, RecoveryReason: "dropped", RecoveryMethod: RecoveryContinued,
		Reasoning: "東京タワーは港区芝公園にある。", ThinkingMs: 1500}); err != nil {
		t.Fatal(err)
	}
	b := mustConversation(t, s, "code")
	mustMessage(t, s, b.ID, RoleUser, "fmt.Println?")
	return a.ID, b.ID
}

func TestExportImportRoundTrip(t *testing.T) {
	ctx := context.Background()
	source := openTestStore(t)
	a, b := fillExample(t, source)
	deleted := mustConversation(t, source, "deleted")
	if err := source.DeleteConversation(ctx, deleted.ID); err != nil {
		t.Fatal(err)
	}

	all, err := source.Bundles(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Conversation.ID != b || all[1].Conversation.ID != a {
		t.Fatalf("Bundles(nil) = %d bundles (want the 2 live ones, newest first)", len(all))
	}
	if _, err := source.Bundles(ctx, []int64{deleted.ID}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Bundles of a deleted conversation: %v, want ErrNotFound", err)
	}

	target := openTestStore(t)
	for range 3 { // so imported IDs differ from exported ones
		mustConversation(t, target, "already here")
	}
	result, err := target.Import(ctx, all)
	if err != nil {
		t.Fatal(err)
	}
	if result != (ImportResult{Imported: 2, Messages: 3}) {
		t.Fatalf("first import = %+v", result)
	}
	again, err := target.Import(ctx, all)
	if err != nil {
		t.Fatal(err)
	}
	if again != (ImportResult{Skipped: 2}) {
		t.Fatalf("second import = %+v, want everything skipped", again)
	}

	imported, err := target.Bundles(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	byUID := map[string]Bundle{}
	for _, bundle := range imported {
		byUID[bundle.Conversation.UID] = bundle
	}
	for _, original := range all {
		copy, ok := byUID[original.Conversation.UID]
		if !ok {
			t.Fatalf("conversation %s missing after import", original.Conversation.UID)
		}
		oc, cc := original.Conversation, copy.Conversation
		if cc.ID == oc.ID {
			t.Errorf("conversation %s kept its ID %d", oc.UID, oc.ID)
		}
		cc.ID, oc.ID = 0, 0
		if (oc.Params.Temperature == nil) != (cc.Params.Temperature == nil) ||
			(oc.Params.Temperature != nil && *oc.Params.Temperature != *cc.Params.Temperature) {
			t.Errorf("params differ: %+v vs %+v", oc.Params, cc.Params)
		}
		oc.Params.Temperature, cc.Params.Temperature = nil, nil
		if oc != cc {
			t.Errorf("conversation differs:\n got  %+v\nwant %+v", cc, oc)
		}
		if len(copy.Messages) != len(original.Messages) {
			t.Fatalf("messages: %d, want %d", len(copy.Messages), len(original.Messages))
		}
		for i, om := range original.Messages {
			cm := copy.Messages[i]
			if cm.ConversationID != copy.Conversation.ID {
				t.Errorf("message %s points at conversation %d", cm.UID, cm.ConversationID)
			}
			cm.ID, cm.ConversationID, om.ID, om.ConversationID = 0, 0, 0, 0
			if !reflect.DeepEqual(cm, om) {
				t.Errorf("message differs:\n got  %+v\nwant %+v", cm, om)
			}
		}
	}
	if ids := searchIDs(t, target, "東京タワー"); len(ids) != 1 {
		t.Fatalf("imported message not searchable: %v", ids)
	}
	checkSearchIndex(t, target)
}

func TestImportIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	source := openTestStore(t)
	fillExample(t, source)
	good, err := source.Bundles(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}

	// A message UID that collides with a message already in the target
	// database fails inside the transaction, after the first bundle was
	// written; the whole import must roll back.
	target := openTestStore(t)
	existing := mustConversation(t, target, "existing")
	clash := mustMessage(t, target, existing.ID, RoleUser, "mine")
	collides := Bundle{
		Conversation: Conversation{UID: "new-conv", Title: "clash"},
		Messages:     []Message{{UID: clash.UID, Role: RoleUser, Content: "x", State: StateComplete}},
	}

	tests := []struct {
		name    string
		bundles []Bundle
		wantErr error
	}{
		{"empty title", append(slices.Clone(good), Bundle{Conversation: Conversation{UID: "u1", Title: " "}}), ErrInvalid},
		{"missing uid", append(slices.Clone(good), Bundle{Conversation: Conversation{Title: "t"}}), ErrInvalid},
		{"bad role", append(slices.Clone(good), Bundle{Conversation: Conversation{UID: "u2", Title: "t"},
			Messages: []Message{{UID: "m", Role: "wizard", State: StateComplete}}}), ErrInvalid},
		{"bad state", append(slices.Clone(good), Bundle{Conversation: Conversation{UID: "u3", Title: "t"},
			Messages: []Message{{UID: "m", Role: RoleUser, State: "maybe"}}}), ErrInvalid},
		{"duplicate message uid", append(slices.Clone(good), Bundle{Conversation: Conversation{UID: "u4", Title: "t"},
			Messages: []Message{{UID: "m", Role: RoleUser, State: StateComplete}, {UID: "m", Role: RoleUser, State: StateComplete}}}), ErrInvalid},
		{"uid collision inside the transaction", append(slices.Clone(good), collides), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			result, err := target.Import(ctx, tt.bundles)
			if err == nil {
				t.Fatalf("Import succeeded: %+v", result)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			list, err := target.ListConversations(ctx, ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].ID != existing.ID {
				t.Fatalf("conversations after failed import: %+v", list)
			}
			var messages int
			if err := target.read.QueryRow(`SELECT count(*) FROM messages`).Scan(&messages); err != nil || messages != 1 {
				t.Fatalf("messages after failed import: %d, %v", messages, err)
			}
		})
	}
	checkSearchIndex(t, target)
}

func TestImportStreamingAndTrash(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	bundle := Bundle{
		Conversation: Conversation{UID: "conv-x", Title: "exported mid-answer"},
		Messages: []Message{
			{UID: "q", Role: RoleUser, Content: "question", State: StateComplete},
			{UID: "a", Role: RoleAssistant, Content: "half an ans", State: StateStreaming},
		},
	}
	if _, err := s.Import(ctx, []Bundle{bundle}); err != nil {
		t.Fatal(err)
	}
	list, _ := s.ListConversations(ctx, ListOptions{})
	if len(list) != 1 {
		t.Fatalf("conversations = %+v", list)
	}
	messages, err := s.Messages(ctx, list[0].ID)
	if err != nil || len(messages) != 2 || messages[1].State != StateInterrupted || messages[1].Content != "half an ans" {
		t.Fatalf("imported messages = %+v, %v", messages, err)
	}

	// A conversation in the trash is replaced by the imported copy.
	if err := s.DeleteConversation(ctx, list[0].ID); err != nil {
		t.Fatal(err)
	}
	result, err := s.Import(ctx, []Bundle{bundle})
	if err != nil || result.Imported != 1 {
		t.Fatalf("import over trash = %+v, %v", result, err)
	}
	if list, _ := s.ListConversations(ctx, ListOptions{}); len(list) != 1 || list[0].UID != "conv-x" {
		t.Fatalf("after import over trash: %+v", list)
	}
	checkSearchIndex(t, s)
}
