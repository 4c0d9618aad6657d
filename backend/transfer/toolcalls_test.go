package transfer_test

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"brook/backend/store"
	"brook/backend/transfer"
)

// An answer's tool calls and their results leave one store in the JSON
// export and arrive whole in another, with the answer that read them after.
func TestToolCallsRoundTripThroughJSON(t *testing.T) {
	ctx := context.Background()
	src := openStore(t)
	c, err := src.CreateConversation(ctx, store.Conversation{Title: "tools", EndpointID: "ep", Model: "qwen3"})
	if err != nil {
		t.Fatal(err)
	}
	q, err := src.AddMessage(ctx, store.Message{ConversationID: c.ID, Role: store.RoleUser, Content: "What is in /tmp/a.txt?"})
	if err != nil {
		t.Fatal(err)
	}
	calls := []store.ToolCall{
		{ID: "call_1", Name: "read_text_file", Server: "Files", Arguments: `{"path":"/tmp/a.txt"}`, Status: store.ToolCallDone,
			Result: "hello </details>", DurationMs: 3},
		{ID: "call_2", Name: "write_file", Server: "Files", Arguments: `{"path":"/tmp/a.txt","content":""}`, Status: store.ToolCallDenied, Result: "The user declined"},
	}
	a, err := src.AddMessage(ctx, store.Message{ConversationID: c.ID, ParentID: q.ID, Role: store.RoleAssistant, ToolCalls: calls})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.AddMessage(ctx, store.Message{ConversationID: c.ID, ParentID: a.ID, Role: store.RoleAssistant, Content: "It says hello."}); err != nil {
		t.Fatal(err)
	}
	data := exportStore(t, src)

	dst := openStore(t)
	if res := importInto(t, dst, data); res.Imported != 1 {
		t.Fatalf("import = %+v", res)
	}
	convs, err := dst.ListConversations(ctx, store.ListOptions{})
	if err != nil || len(convs) != 1 {
		t.Fatalf("conversations = %+v, %v", convs, err)
	}
	path, err := dst.ShownPath(ctx, convs[0].ID)
	if err != nil || len(path) != 3 {
		t.Fatalf("path = %d messages, %v", len(path), err)
	}
	if !reflect.DeepEqual(path[1].ToolCalls, calls) {
		t.Errorf("calls = %+v, want %+v", path[1].ToolCalls, calls)
	}
	if path[2].Content != "It says hello." || path[2].ParentID != path[1].ID {
		t.Errorf("the answer after the calls: %+v", path[2])
	}
	// Exported again, the file is the same but for the database IDs.
	if again := exportStore(t, dst); !bytes.Contains(again, []byte(`"toolCalls"`)) {
		t.Error("a second export lost the calls")
	}
}

// Markdown and HTML show each call folded, and the untrusted result cannot
// close the fold.
func TestToolCallsFoldedInMarkdownAndHTML(t *testing.T) {
	b := store.Bundle{
		Conversation: store.Conversation{UID: "u", Title: "t", CreatedAt: 1},
		Messages: []store.Message{
			{UID: "m1", Role: store.RoleUser, State: store.StateComplete, Content: "read", CreatedAt: 1},
			{UID: "m2", ParentUID: "m1", Role: store.RoleAssistant, State: store.StateComplete, CreatedAt: 2,
				ToolCalls: []store.ToolCall{{ID: "c", Name: "read_text_file", Arguments: `{"path":"/a"}`, Status: store.ToolCallDone,
					Result: "~~~~~\n</details>\n<script>x()</script>"}}},
		},
	}
	var md bytes.Buffer
	if err := transfer.Export(&md, transfer.FormatMarkdown, []store.Bundle{b}, exportTime); err != nil {
		t.Fatal(err)
	}
	out := md.String()
	if !strings.Contains(out, "<details><summary>Tool call: read_text_file</summary>") || !strings.Contains(out, "~~~~~~text\n~~~~~\n</details>") {
		t.Errorf("markdown:\n%s", out)
	}
	var h bytes.Buffer
	if err := transfer.Export(&h, transfer.FormatHTML, []store.Bundle{b}, exportTime); err != nil {
		t.Fatal(err)
	}
	if page := h.String(); strings.Contains(page, "<script>x()") || !strings.Contains(page, `<details class="tool-call">`) {
		t.Errorf("html shows the call unfolded or unescaped")
	}
}
