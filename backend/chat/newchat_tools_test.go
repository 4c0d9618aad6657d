package chat

import (
	"context"
	"errors"
	"testing"

	"brook/backend/providertest"
	"brook/backend/store"
)

func TestToolsChosenBeforeTheFirstMessageAreOfferedToTheFirstAnswer(t *testing.T) {
	ctx := context.Background()
	srv := protocols[0].newServer(providertest.Script{ToolCapable: true})
	defer srv.Close()
	h := newHarness(t, fixedProviders{"ep": protocols[0].newClient(srv.URL)})
	h.engine.SetTools(ToolSet{Catalog: fakeCatalog{readFile}, Runner: &fakeRunner{}, Approver: &fakeApprover{decision: DecisionAllowOnce}})

	// The picker of a chat that does not exist yet lists the tools, none enabled.
	choices := h.engine.NewChatToolChoices(ctx, "ep", "tiny")
	if !choices.Configured || len(choices.Tools) != 1 || choices.Tools[0].Enabled || choices.Model != ModelToolsYes {
		t.Fatalf("new chat choices = %+v", choices)
	}

	// A bad tool name is refused before anything is stored.
	bad := SendRequest{Text: "hi", EndpointID: "ep", Model: "tiny", Tools: []ToolRef{{ServerID: "", Name: "read_text_file"}}}
	if _, err := h.engine.Send(ctx, bad); !errors.Is(err, ErrBadToolName) {
		t.Fatalf("Send with a nameless server = %v, want ErrBadToolName", err)
	}
	if list, err := h.store.ListConversations(ctx, store.ListOptions{}); err != nil || len(list) != 0 {
		t.Fatalf("after a refused send: %d conversations, %v", len(list), err)
	}

	res, err := h.engine.Send(ctx, SendRequest{Text: "What does /tmp/notes.txt say?", EndpointID: "ep", Model: "tiny",
		Tools: []ToolRef{{ServerID: readFile.ServerID, Name: readFile.Name}}})
	if err != nil {
		t.Fatal(err)
	}
	h.engine.Wait(res.Answer.ID)
	h.engine.WaitIdle()
	reqs := chatRequests(srv)
	if len(reqs) == 0 {
		t.Fatal("no chat request")
	}
	if _, ok := reqs[0].Body["tools"]; !ok {
		t.Fatal("the first answer of the new chat was offered no tools")
	}
	// The choice is the conversation's from then on; it allows nothing by itself.
	after, err := h.engine.ToolChoices(ctx, res.Conversation.ID)
	if err != nil || len(after.Tools) != 1 || !after.Tools[0].Enabled || after.Tools[0].AllowedHere {
		t.Fatalf("the conversation's choices = %+v, %v", after, err)
	}
}
