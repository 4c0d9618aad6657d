package chat

import (
	"context"
	"testing"

	"brook/backend/providertest"
	"brook/backend/store"
)

func TestSystemPrompt(t *testing.T) {
	tests := []struct {
		name, project, conversation, defaultPrompt, want string
	}{
		{"nothing", "", "", "", ""},
		{"conversation only", "", "Be brief.", "Default.", "Be brief."},
		{"default only", "", "", "Default.", "Default."},
		{"project only", "Work on the thesis.", "", "", "Work on the thesis."},
		{"project and conversation", "Work on the thesis.", "Be brief.", "Default.", "Work on the thesis.\n\nBe brief."},
		{"project and default", "Work on the thesis.", "", "Default.", "Work on the thesis.\n\nDefault."},
		{"white space at the joint", "  Thesis.\n\n\n", "\n  Brief.\n", "", "Thesis.\n\nBrief.\n"},
		{"blank project", " \n ", "Be brief.", "", "Be brief."},
		{"blank conversation", "Thesis.", "  ", "", "Thesis."},
	}
	for _, tt := range tests {
		if got := systemPrompt(tt.project, tt.conversation, tt.defaultPrompt); got != tt.want {
			t.Errorf("%s: systemPrompt(%q, %q, %q) = %q, want %q", tt.name, tt.project, tt.conversation, tt.defaultPrompt, got, tt.want)
		}
	}
}

// TestRequestCarriesProjectInstructions sends in a conversation of a
// project, over both wire protocols, and checks the request the server
// received: one system message, the project's instructions first, then the
// conversation's own prompt. Editing the project changes the next request;
// a conversation moved out of the project sends its own prompt alone.
func TestRequestCarriesProjectInstructions(t *testing.T) {
	for _, proto := range protocols {
		t.Run(proto.name, func(t *testing.T) {
			srv := proto.newServer(providertest.Script{Answer: "Sure."})
			defer srv.Close()
			h := newHarness(t, fixedProviders{"ep": proto.newClient(srv.URL)})
			ctx := context.Background()
			p, err := h.store.CreateProject(ctx, store.Project{Name: "Thesis", Instructions: "You help with a thesis on rivers."})
			if err != nil {
				t.Fatal(err)
			}
			conv, err := h.store.CreateConversation(ctx, store.Conversation{ProjectID: p.ID, SystemPrompt: "Answer in French.",
				EndpointID: "ep", Model: "tiny"})
			if err != nil {
				t.Fatal(err)
			}
			system := func(text string) []any {
				t.Helper()
				res, err := h.engine.Send(ctx, SendRequest{ConversationID: conv.ID, Text: text})
				if err != nil {
					t.Fatal(err)
				}
				h.engine.Wait(res.Answer.ID)
				if a := h.answer(res.Answer.ID); a.State != store.StateComplete {
					t.Fatalf("answer = %+v", a)
				}
				reqs := srv.ChatRequests(true)
				return reqs[len(reqs)-1].Body["messages"].([]any)
			}
			msgs := system("Where does the Rhine begin?")
			first := msgs[0].(map[string]any)
			if first["role"] != "system" || first["content"] != "You help with a thesis on rivers.\n\nAnswer in French." {
				t.Fatalf("first message = %v", first)
			}
			for _, m := range msgs[1:] {
				if m.(map[string]any)["role"] == "system" {
					t.Fatalf("a second system message: %v", msgs)
				}
			}

			p.Instructions = "You help with a thesis on lakes."
			if _, err := h.store.UpdateProject(ctx, p); err != nil {
				t.Fatal(err)
			}
			msgs = system("And Lake Geneva?")
			if got := msgs[0].(map[string]any)["content"]; got != "You help with a thesis on lakes.\n\nAnswer in French." {
				t.Fatalf("after editing the project: %q", got)
			}

			if _, err := h.store.MoveToProject(ctx, []int64{conv.ID}, 0); err != nil {
				t.Fatal(err)
			}
			msgs = system("Thanks.")
			if got := msgs[0].(map[string]any)["content"]; got != "Answer in French." {
				t.Fatalf("outside the project: %q", got)
			}
		})
	}
}

// TestContextPlanCountsProjectInstructions: the context meter measures the
// request as it will be sent, the project's instructions included.
func TestContextPlanCountsProjectInstructions(t *testing.T) {
	h := newHarness(t, fixedProviders{})
	ctx := context.Background()
	conv, err := h.store.CreateConversation(ctx, store.Conversation{EndpointID: "ep", Model: "tiny"})
	if err != nil {
		t.Fatal(err)
	}
	without, err := h.engine.ContextPlan(ctx, conv.ID, "", "", "hello")
	if err != nil {
		t.Fatal(err)
	}
	p, err := h.store.CreateProject(ctx, store.Project{Name: "Long", Instructions: longText(4000)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.MoveToProject(ctx, []int64{conv.ID}, p.ID); err != nil {
		t.Fatal(err)
	}
	with, err := h.engine.ContextPlan(ctx, conv.ID, "", "", "hello")
	if err != nil {
		t.Fatal(err)
	}
	if with.Plan.System <= without.Plan.System {
		t.Fatalf("tokens with the project's instructions %d, without %d", with.Plan.System, without.Plan.System)
	}
}

func longText(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = "abcdefgh "[i%9]
	}
	return string(b)
}
