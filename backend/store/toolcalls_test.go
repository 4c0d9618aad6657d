package store

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

func TestToolCallsAreStoredWithTheAnswerAndItsVersions(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	c := mustConversation(t, s, "tools")
	mustMessage(t, s, c.ID, RoleUser, "read it")
	calls := []ToolCall{{ID: "call_1", Name: "read_text_file", Server: "files", Arguments: `{"path":"/a"}`}}
	answer, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: RoleAssistant, State: StateStreaming, Run: 1})
	if err != nil {
		t.Fatal(err)
	}
	answer.State, answer.ToolCalls = StateComplete, calls
	if err := s.FinishAnswer(ctx, answer); err != nil {
		t.Fatal(err)
	}
	calls[0].Status, calls[0].Result = ToolCallDone, "hello"
	if err := s.SetToolCalls(ctx, answer.ID, calls); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetMessage(ctx, answer.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.ToolCalls, calls) {
		t.Errorf("calls = %+v, want %+v", got.ToolCalls, calls)
	}
	// A second version of the turn has calls of its own; the first keeps its.
	v2, err := s.AddVersion(ctx, answer.ID, Message{ConversationID: c.ID, Role: RoleAssistant, Content: "no tools this time"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(v2.ToolCalls) != 0 {
		t.Errorf("a new version took over the calls: %+v", v2.ToolCalls)
	}
	if got, _ := s.GetMessage(ctx, answer.ID); len(got.ToolCalls) != 1 {
		t.Errorf("the first version lost its calls: %+v", got.ToolCalls)
	}
}

func TestToolCallsRefuseBadInput(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	c := mustConversation(t, s, "tools")
	user := mustMessage(t, s, c.ID, RoleUser, "hi")
	_, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: RoleUser, Content: "x",
		ToolCalls: []ToolCall{{ID: "a", Name: "t"}}})
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("a user's message with calls: err = %v, want ErrInvalid", err)
	}
	a := mustMessage(t, s, c.ID, RoleAssistant, "ok")
	for _, calls := range [][]ToolCall{
		{{ID: "", Name: "t"}},
		{{ID: "a", Name: "t"}, {ID: "a", Name: "u"}},
		{{ID: "a", Name: "t", Status: "exploded"}},
	} {
		if err := s.SetToolCalls(ctx, a.ID, calls); !errors.Is(err, ErrInvalid) {
			t.Errorf("SetToolCalls(%+v) = %v, want ErrInvalid", calls, err)
		}
	}
	if err := s.SetToolCalls(ctx, user.ID, []ToolCall{{ID: "a", Name: "t"}}); !errors.Is(err, ErrNotFound) {
		t.Errorf("calls on a user's message: %v, want ErrNotFound", err)
	}
	if got, _ := s.GetMessage(ctx, a.ID); len(got.ToolCalls) != 0 {
		t.Errorf("bad input changed the answer: %+v", got.ToolCalls)
	}
}

func TestConversationTools(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	c := mustConversation(t, s, "tools")
	if err := s.SetConversationTool(ctx, c.ID, "fs", "read_text_file", true); err != nil {
		t.Fatal(err)
	}
	if err := s.AllowToolAlways(ctx, c.ID, "fs", "read_text_file"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetConversationTool(ctx, c.ID, "fs", "write_file", false); err != nil {
		t.Fatal(err)
	}
	got, err := s.ConversationTools(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []ConversationTool{{ServerID: "fs", Name: "read_text_file", Enabled: true, AlwaysAllowed: true},
		{ServerID: "fs", Name: "write_file"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tools = %+v, want %+v", got, want)
	}
	if err := s.SetConversationTool(ctx, c.ID+99, "fs", "x", true); !errors.Is(err, ErrNotFound) {
		t.Errorf("no such conversation: %v", err)
	}
}
