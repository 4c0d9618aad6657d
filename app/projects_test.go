package app

import (
	"errors"
	"strings"
	"testing"

	"brook/backend/guard"
	"brook/backend/store"
)

// The bound project and assistant services pass the store's refusals on
// unchanged and do what the store does: a chat started in a project, moved
// out, and a project deleted and restored with its chats.
func TestProjectAndAssistantServices(t *testing.T) {
	ta := newTestApp(t)
	ps, as := &ProjectService{ta.a}, &AssistantService{ta.a}

	if _, err := ps.Create(store.Project{Name: "  "}); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("an empty name: %v, want store.ErrInvalid", err)
	}
	if _, err := ps.Move([]int64{1}, -2); !errors.Is(err, guard.ErrInvalid) {
		t.Fatalf("project -2: %v, want guard.ErrInvalid", err)
	}
	p, err := ps.Create(store.Project{Name: "Garden", Emoji: "🌱", Instructions: "Answer briefly."})
	if err != nil {
		t.Fatal(err)
	}
	c, err := ps.StartChat(p.ID)
	if err != nil || c.ProjectID != p.ID {
		t.Fatalf("StartChat: %+v, %v", c, err)
	}
	in, err := ps.Conversations(p.ID, false, 0, 0)
	if err != nil || len(in) != 1 || in[0].ID != c.ID {
		t.Fatalf("the project's chats: %+v, %v", in, err)
	}
	if n, err := ps.Move([]int64{c.ID}, 0); err != nil || n != 1 {
		t.Fatalf("move out: %d, %v", n, err)
	}
	if n, err := ps.Move([]int64{c.ID}, p.ID); err != nil || n != 1 {
		t.Fatalf("move back in: %d, %v", n, err)
	}
	del, err := ps.Delete(p.ID, false)
	if err != nil || len(del.Moved) != 1 {
		t.Fatalf("delete, moving the chat out: %+v, %v", del, err)
	}
	if err := ps.Restore(p.ID, del.Moved); err != nil {
		t.Fatal(err)
	}
	if in, _ := ps.Conversations(p.ID, false, 0, 0); len(in) != 1 {
		t.Fatalf("after the undo the project holds %d chats, want 1", len(in))
	}

	if err := ta.convs.SetSystemPrompt(c.ID, "Be kind."); err != nil {
		t.Fatal(err)
	}
	if _, err := as.SaveConversation(c.ID, strings.Repeat("x", 201)); !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("a 201-character name: %v, want store.ErrInvalid", err)
	}
	a, err := as.SaveConversation(c.ID, "Kind helper")
	if err != nil || a.Instructions != "Be kind." {
		t.Fatalf("SaveConversation: %+v, %v", a, err)
	}
	from, err := as.StartChat(a.ID, 0)
	if err != nil || from.AssistantName != "Kind helper" || from.SystemPrompt != "Be kind." || from.ProjectID != 0 {
		t.Fatalf("StartChat from the assistant: %+v, %v", from, err)
	}
}
