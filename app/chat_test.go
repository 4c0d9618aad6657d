package app

import (
	"testing"

	"brook/backend/store"
)

// TestNewChatWithoutAModelUsesTheDefaultModel: ChatService.Send to a new
// conversation with no model uses the Default model setting; the overview
// says so in one call.
func TestNewChatWithoutAModelUsesTheDefaultModel(t *testing.T) {
	ta := newTestApp(t)
	o, err := ta.model.Overview()
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Endpoints) != 1 || o.Selection.Model != "alpha:latest" || o.Source != "first" {
		t.Fatalf("overview with nothing set = %+v", o)
	}
	epID := o.Endpoints[0].Endpoint.ID
	s, _ := ta.sets.Get()
	s.DefaultEndpointID, s.DefaultModel = epID, "beta:latest"
	if err := ta.sets.Save(s); err != nil {
		t.Fatal(err)
	}
	if o, _ = ta.model.Overview(); o.Selection.Model != "beta:latest" || o.Source != "default" || !o.DefaultOffered {
		t.Fatalf("overview with a default = %+v", o)
	}
	res := ta.sendAndWait(t, 0, "Hello there", "", "")
	if res.Conversation.EndpointID != epID || res.Conversation.Model != "beta:latest" {
		t.Fatalf("new conversation = %s/%s, want the default", res.Conversation.EndpointID, res.Conversation.Model)
	}
	if m, err := ta.convs.GetMessage(res.Answer.ID); err != nil || m.Model != "beta:latest" || m.State != store.StateComplete {
		t.Fatalf("answer = %+v, %v", m, err)
	}
	// Sending the model used last (the UI's selection) leaves Settings alone.
	ta.sendAndWait(t, 0, "Explicit", epID, "alpha:latest")
	if got, _ := ta.sets.Get(); got != s {
		t.Fatalf("sending changed the settings: %+v", got)
	}
}
