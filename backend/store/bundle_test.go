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
			// Database IDs are new; the tree is the same by UID.
			cm.ID, cm.ConversationID, om.ID, om.ConversationID = 0, 0, 0, 0
			cm.ParentID, om.ParentID = 0, 0
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

	// A failure inside the transaction, after the first bundles were
	// written, rolls the whole import back.
	target := openTestStore(t)
	existing := mustConversation(t, target, "existing")
	mustMessage(t, target, existing.ID, RoleUser, "mine")
	failing := Bundle{
		Conversation: Conversation{UID: "new-conv", Title: "fails late"},
		Messages:     []Message{{UID: "m-late", Role: RoleUser, Content: "poison", State: StateComplete}},
	}
	if _, err := target.write.ExecContext(ctx, `CREATE TEMP TRIGGER fail_late BEFORE INSERT ON messages
		WHEN NEW.content = 'poison' BEGIN SELECT RAISE(ABORT, 'injected failure'); END`); err != nil {
		t.Fatal(err)
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
		{"a parent that does not come first", append(slices.Clone(good), Bundle{Conversation: Conversation{UID: "u5", Title: "t"},
			Messages: []Message{{UID: "a", ParentUID: "q", Role: RoleAssistant, State: StateComplete}, {UID: "q", Role: RoleUser, State: StateComplete}}}), ErrInvalid},
		{"a failure inside the transaction", append(slices.Clone(good), failing), nil},
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

	// Import never replaces: the same conversation in the trash is skipped
	// and stays restorable, as it was.
	trashed := list[0].ID
	if err := s.DeleteConversation(ctx, trashed); err != nil {
		t.Fatal(err)
	}
	result, err := s.Import(ctx, []Bundle{bundle})
	if err != nil || result != (ImportResult{Skipped: 1}) {
		t.Fatalf("import of what is in the trash = %+v, %v", result, err)
	}
	if err := s.RestoreConversation(ctx, trashed); err != nil {
		t.Fatalf("restoring the trashed conversation after the import: %v", err)
	}
	if got, err := s.Messages(ctx, trashed); err != nil || len(got) != 2 || got[1].Content != "half an ans" {
		t.Fatalf("restored conversation = %+v, %v", got, err)
	}

	// A different conversation with the same UID comes in as a copy beside it.
	changed := bundle
	changed.Messages = []Message{bundle.Messages[0], {UID: "a", ParentUID: "q", Role: RoleAssistant, Content: "a whole answer", State: StateComplete}}
	if err := s.DeleteConversation(ctx, trashed); err != nil {
		t.Fatal(err)
	}
	result, err = s.Import(ctx, []Bundle{changed})
	if err != nil || result != (ImportResult{Imported: 1, Copied: 1, Messages: 2}) {
		t.Fatalf("import of a different conversation with the same UID = %+v, %v", result, err)
	}
	list, _ = s.ListConversations(ctx, ListOptions{})
	if len(list) != 1 || list[0].UID == "conv-x" || list[0].ID == trashed {
		t.Fatalf("after importing the copy: %+v", list)
	}
	copied, err := s.ShownPath(ctx, list[0].ID)
	if err != nil || len(copied) != 2 || copied[1].Content != "a whole answer" || copied[1].ParentID != copied[0].ID || copied[0].UID == "q" {
		t.Fatalf("the copy = %+v, %v", copied, err)
	}
	if err := s.RestoreConversation(ctx, trashed); err != nil {
		t.Fatalf("the trashed original is no longer restorable: %v", err)
	}
	checkSearchIndex(t, s)
}
