package importers

import (
	"errors"
	"strings"
	"testing"

	"brook/backend/store"
	"brook/backend/transfer"
)

// TestCheckRefusesHostileInput: each of these is refused with its reason
// before any parser sees it.
func TestCheckRefusesHostileInput(t *testing.T) {
	cases := []struct {
		name string
		data string
		want error
	}{
		{"invalid UTF-8", `[{"title":"a` + "\xff" + `"}]`, transfer.ErrInvalidUTF8},
		{"deep nesting", strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1), ErrHostile},
		{"a text too long", `{"a":"` + strings.Repeat("x", MaxStringBytes+1) + `"}`, ErrHostile},
		{"a text too long and cut short", `{"a":"` + strings.Repeat("x", MaxStringBytes+1), ErrHostile},
	}
	for _, c := range cases {
		err := Check("f.json", []byte(c.data))
		if !errors.Is(err, c.want) || !errors.Is(err, ErrHostile) {
			t.Errorf("%s: Check = %v, want %v", c.name, err, c.want)
		}
	}
	if err := Check("f.json", []byte(`{"a":[{"b":"\"}{["}]}`)); err != nil {
		t.Errorf("Check refused fine JSON with brackets in a string: %v", err)
	}
}

// TestBundleRefusesALoop: messages that follow each other round have no
// first message.
func TestBundleRefusesALoop(t *testing.T) {
	c := Conversation{CreatedAt: 1, Nodes: []Node{
		{ID: "a", Parent: "b", Msg: store.Message{Role: store.RoleUser, Content: "a"}},
		{ID: "b", Parent: "a", Msg: store.Message{Role: store.RoleAssistant, Content: "b"}},
	}}
	if _, err := c.Bundle(&Notes{}); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "loop") {
		t.Fatalf("Bundle = %v, want a loop refused", err)
	}
}
