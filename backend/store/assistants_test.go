package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestAssistantCreateUpdateList(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	temp := 0.7
	tutor, err := s.CreateAssistant(ctx, Assistant{Name: " tutor ", Instructions: "Teach step by step.", EndpointID: "ep",
		Model: "qwen3", Params: Params{Temperature: &temp, Think: "medium"}, FirstMessage: "What shall we learn today?"})
	if err != nil || tutor.ID == 0 || tutor.UID == "" || tutor.Name != "tutor" {
		t.Fatalf("CreateAssistant = %+v, %v", tutor, err)
	}
	critic, err := s.CreateAssistant(ctx, Assistant{Name: "Critic"})
	if err != nil {
		t.Fatal(err)
	}
	twin, err := s.CreateAssistant(ctx, Assistant{Name: "Critic"}) // names need not be unique
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.ListAssistants(ctx)
	if err != nil || len(list) != 3 || list[0].ID != critic.ID || list[1].ID != twin.ID || list[2].ID != tutor.ID {
		t.Fatalf("ListAssistants = %+v, %v", list, err)
	}
	if got := list[2]; got.Instructions != "Teach step by step." || got.Params.Think != "medium" || *got.Params.Temperature != 0.7 ||
		got.FirstMessage != "What shall we learn today?" || got.Model != "qwen3" || got.EndpointID != "ep" {
		t.Fatalf("listed tutor = %+v", got)
	}

	tutor.Name, tutor.FirstMessage = "Teacher", ""
	updated, err := s.UpdateAssistant(ctx, tutor)
	if err != nil || updated.Name != "Teacher" || updated.FirstMessage != "" || updated.UID != tutor.UID || updated.Instructions != tutor.Instructions {
		t.Fatalf("UpdateAssistant = %+v, %v", updated, err)
	}

	if err := s.DeleteAssistant(ctx, critic.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetAssistant(ctx, critic.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted assistant: %v", err)
	}
	if list, _ := s.ListAssistants(ctx); len(list) != 2 {
		t.Fatalf("after delete: %+v", list)
	}
	if err := s.RestoreAssistant(ctx, critic.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.RestoreAssistant(ctx, critic.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("restoring a live assistant: %v", err)
	}
	if list, _ := s.ListAssistants(ctx); len(list) != 3 {
		t.Fatalf("after restore: %+v", list)
	}
}

func TestAssistantValidation(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	for name, a := range map[string]Assistant{
		"empty name":    {},
		"blank name":    {Name: "   "},
		"name too long": {Name: strings.Repeat("a", MaxNameRunes+1)},
		"params":        {Name: "a", Params: Params{ContextLength: -1}},
	} {
		if _, err := s.CreateAssistant(ctx, a); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: CreateAssistant = %v, want ErrInvalid", name, err)
		}
	}
	a, err := s.CreateAssistant(ctx, Assistant{Name: "Kept"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateAssistant(ctx, Assistant{ID: a.ID, Name: ""}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("update to no name: %v", err)
	}
	if _, err := s.UpdateAssistant(ctx, Assistant{ID: 999, Name: "x"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("update unknown: %v", err)
	}
	if list, _ := s.ListAssistants(ctx); len(list) != 1 || list[0].Name != "Kept" {
		t.Fatalf("refused changes stored: %+v", list)
	}
}

func TestSaveAsAssistant(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	temp := 0.1
	c, err := s.CreateConversation(ctx, Conversation{Title: "tuned", EndpointID: "ep-2", Model: "gemma3",
		SystemPrompt: "Reply in French.", Params: Params{Temperature: &temp, MaxTokens: 300, Think: "off"}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.SaveAsAssistant(ctx, c.ID, "French")
	if err != nil || a.Name != "French" || a.Instructions != "Reply in French." || a.EndpointID != "ep-2" || a.Model != "gemma3" ||
		a.Params.MaxTokens != 300 || a.Params.Think != "off" || *a.Params.Temperature != 0.1 {
		t.Fatalf("SaveAsAssistant = %+v, %v", a, err)
	}
	if _, err := s.SaveAsAssistant(ctx, c.ID, ""); !errors.Is(err, ErrInvalid) {
		t.Fatalf("no name: %v", err)
	}
	if _, err := s.SaveAsAssistant(ctx, 999, "x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown conversation: %v", err)
	}
}

func TestDuplicateAssistant(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	a, err := s.CreateAssistant(ctx, Assistant{Name: "Coder", Instructions: "Write Go.", FirstMessage: "Hi"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.DuplicateAssistant(ctx, a.ID)
	if err != nil || c.ID == a.ID || c.UID == a.UID || c.Name != "Coder (copy)" || c.Instructions != "Write Go." || c.FirstMessage != "Hi" {
		t.Fatalf("DuplicateAssistant = %+v, %v", c, err)
	}
	long, err := s.CreateAssistant(ctx, Assistant{Name: strings.Repeat("長", MaxNameRunes)})
	if err != nil {
		t.Fatal(err)
	}
	copied, err := s.DuplicateAssistant(ctx, long.ID)
	if err != nil || utf8.RuneCountInString(copied.Name) != MaxNameRunes || !strings.HasSuffix(copied.Name, copySuffix) {
		t.Fatalf("duplicate of a long name = %q, %v", copied.Name, err)
	}
	if _, err := s.DuplicateAssistant(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown: %v", err)
	}
}

func TestStartFromAssistant(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	a, err := s.CreateAssistant(ctx, Assistant{Name: "Guide", Instructions: "You are a travel guide.", EndpointID: "ep",
		Model: "llama3", Params: Params{Think: "high"}, FirstMessage: "Where to?"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.StartFromAssistant(ctx, a.ID, 0)
	if err != nil || c.AssistantID != a.ID || c.AssistantName != "Guide" || c.SystemPrompt != "You are a travel guide." ||
		c.Model != "llama3" || c.EndpointID != "ep" || c.Params.Think != "high" || c.ProjectID != 0 || !c.TitleIsAuto {
		t.Fatalf("StartFromAssistant = %+v, %v", c, err)
	}
	path, err := s.ShownPath(ctx, c.ID)
	if err != nil || len(path) != 1 || path[0].Role != RoleAssistant || path[0].Content != "Where to?" || path[0].State != StateComplete {
		t.Fatalf("first message = %+v, %v", path, err)
	}
	// Renaming and changing the assistant never rewrites the chat.
	a.Name, a.Instructions = "Tour guide", "Something else."
	if _, err := s.UpdateAssistant(ctx, a); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetConversation(ctx, c.ID); got.AssistantName != "Guide" || got.SystemPrompt != "You are a travel guide." {
		t.Fatalf("chat after the assistant changed = %+v", got)
	}

	// In a project, what the assistant leaves unset comes from the project.
	plain, err := s.CreateAssistant(ctx, Assistant{Name: "Plain", Instructions: "Plain."})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.CreateProject(ctx, Project{Name: "P", EndpointID: "ep-p", Model: "mistral", Params: Params{MaxTokens: 99}})
	if err != nil {
		t.Fatal(err)
	}
	c2, err := s.StartFromAssistant(ctx, plain.ID, p.ID)
	if err != nil || c2.ProjectID != p.ID || c2.Model != "mistral" || c2.EndpointID != "ep-p" || c2.Params.MaxTokens != 99 {
		t.Fatalf("StartFromAssistant in a project = %+v, %v", c2, err)
	}
	if path, _ := s.ShownPath(ctx, c2.ID); len(path) != 0 {
		t.Fatalf("an assistant with no first message opened with %+v", path)
	}
	c3, err := s.StartFromAssistant(ctx, a.ID, p.ID)
	if err != nil || c3.Model != "llama3" || c3.Params.Think != "high" || c3.AssistantName != "Tour guide" {
		t.Fatalf("the assistant's own model gives way: %+v, %v", c3, err)
	}

	// Deleted assistants and projects start nothing.
	before, _ := s.ListConversations(ctx, ListOptions{})
	if _, err := s.DeleteProject(ctx, p.ID, MoveChatsOut); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartFromAssistant(ctx, a.ID, p.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("in a deleted project: %v", err)
	}
	if err := s.DeleteAssistant(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartFromAssistant(ctx, a.ID, 0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("from a deleted assistant: %v", err)
	}
	if after, _ := s.ListConversations(ctx, ListOptions{}); len(after) != len(before) {
		t.Fatalf("refused starts left %d conversations", len(after)-len(before))
	}

	// Purged for good, the assistant leaves its name on the chat.
	if _, err := s.PurgeDeleted(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetConversation(ctx, c.ID); err != nil || got.AssistantID != 0 || got.AssistantName != "Guide" {
		t.Fatalf("chat of a purged assistant = %+v, %v", got, err)
	}
}
