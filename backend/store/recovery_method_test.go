package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"brook/backend/provider"
)

// TestRecoveryMethodRoundTrips checks that FinishAnswer stores
// Message.RecoveryMethod, that export and import carry it, and that
// RestartAnswer clears it with the rest of the answer's outcome.
func TestRecoveryMethodRoundTrips(t *testing.T) {
	tests := []struct {
		name      string
		recovered bool
		reason    string
		method    string
	}{
		{"not recovered", false, "", ""},
		{"continued", true, "dropped", RecoveryContinued},
		{"reasked", true, "idle_timeout", RecoveryReasked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s := openTestStore(t)
			c := mustConversation(t, s, "recovery")
			mustMessage(t, s, c.ID, RoleUser, "Why is the sky blue?")
			answer, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: RoleAssistant, State: StateStreaming})
			if err != nil {
				t.Fatal(err)
			}
			final := Message{ID: answer.ID, Content: "Rayleigh scattering.", State: StateComplete,
				EndpointID: "ep", Model: "llama3", Recovered: tt.recovered, RecoveryReason: tt.reason,
				RecoveryMethod: tt.method, EndReason: "stop"}
			if err := s.FinishAnswer(ctx, final); err != nil {
				t.Fatal(err)
			}
			got, err := s.GetMessage(ctx, answer.ID)
			if err != nil || got.RecoveryMethod != tt.method || got.Recovered != tt.recovered || got.RecoveryReason != tt.reason {
				t.Fatalf("after FinishAnswer: %+v, %v; want method %q", got, err, tt.method)
			}

			// Export and import into another database.
			bundles, err := s.Bundles(ctx, []int64{c.ID})
			if err != nil {
				t.Fatal(err)
			}
			if m := bundles[0].Messages[1]; m.RecoveryMethod != tt.method {
				t.Fatalf("exported recovery method %q, want %q", m.RecoveryMethod, tt.method)
			}
			target := openTestStore(t)
			if _, err := target.Import(ctx, bundles); err != nil {
				t.Fatal(err)
			}
			imported, err := target.Bundles(ctx, nil)
			if err != nil || len(imported) != 1 || len(imported[0].Messages) != 2 {
				t.Fatalf("imported = %+v, %v", imported, err)
			}
			if m := imported[0].Messages[1]; m.RecoveryMethod != tt.method || m.Recovered != tt.recovered {
				t.Fatalf("imported answer %+v, want recovery method %q", m, tt.method)
			}

			// A continued answer starts its new run without the old recovery.
			if err := s.ContinueAnswer(ctx, answer.ID, 1, "ep", "llama3"); err != nil {
				t.Fatal(err)
			}
			got, err = s.GetMessage(ctx, answer.ID)
			if err != nil || got.RecoveryMethod != "" || got.Recovered || got.RecoveryReason != "" || got.State != StateStreaming {
				t.Fatalf("after ContinueAnswer: %+v, %v", got, err)
			}
		})
	}
}

// TestEndpointServerKindAndMaxParallel checks that SaveEndpoint stores the
// server kind and parallel limit, and that bad values are refused without
// changing the saved endpoint.
func TestEndpointServerKindAndMaxParallel(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	saved, err := s.SaveEndpoint(ctx, Endpoint{Name: "Box", Kind: "openai", BaseURL: "http://box:8080/v1",
		Enabled: true, ServerKind: string(provider.ServerVLLM), MaxParallel: 8})
	if err != nil {
		t.Fatal(err)
	}
	stored := func(t *testing.T) Endpoint {
		t.Helper()
		list, err := s.ListEndpoints(ctx)
		if err != nil || len(list) != 1 {
			t.Fatalf("endpoints = %+v, %v", list, err)
		}
		return list[0]
	}
	if e := stored(t); e.ServerKind != "vllm" || e.MaxParallel != 8 {
		t.Fatalf("new endpoint stored as %+v", e)
	}

	type endpointCase struct {
		name        string
		serverKind  string
		maxParallel int
	}
	valid := []endpointCase{
		{"detect, server default", "", 0},
		{"one at a time", "", 1},
		{"the most", string(provider.ServerOllama), MaxParallelLimit},
	}
	for _, k := range provider.ServerKinds {
		valid = append(valid, endpointCase{"kind " + string(k), string(k), 2})
	}
	for _, tt := range valid {
		t.Run(tt.name, func(t *testing.T) {
			e := saved
			e.ServerKind, e.MaxParallel = tt.serverKind, tt.maxParallel
			got, err := s.SaveEndpoint(ctx, e)
			if err != nil {
				t.Fatal(err)
			}
			if got.ServerKind != tt.serverKind || got.MaxParallel != tt.maxParallel {
				t.Fatalf("SaveEndpoint returned %+v", got)
			}
			if e := stored(t); e.ID != saved.ID || e.ServerKind != tt.serverKind || e.MaxParallel != tt.maxParallel {
				t.Fatalf("stored %+v, want server kind %q, max parallel %d", e, tt.serverKind, tt.maxParallel)
			}
		})
	}

	// Put back known values, then try bad ones: each must be refused and leave them.
	if _, err := s.SaveEndpoint(ctx, saved); err != nil {
		t.Fatal(err)
	}
	before := stored(t)
	invalid := []endpointCase{
		{"unknown kind", "lmstudio", 1},
		{"kind in capitals", "Ollama", 1},
		{"kind with spaces", " vllm ", 1},
		{"negative parallel", "", -1},
		{"too many parallel", "", MaxParallelLimit + 1},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			e := saved
			e.Name = "changed"
			e.ServerKind, e.MaxParallel = tt.serverKind, tt.maxParallel
			if _, err := s.SaveEndpoint(ctx, e); !errors.Is(err, ErrInvalid) {
				t.Fatalf("SaveEndpoint: %v, want ErrInvalid", err)
			}
			after := stored(t)
			if after.Name != before.Name || after.ServerKind != before.ServerKind ||
				after.MaxParallel != before.MaxParallel || !slices.Equal(after.Models, before.Models) {
				t.Fatalf("refused save changed the endpoint: %+v, was %+v", after, before)
			}
		})
	}
}

// TestEndpointContextWindow checks that SaveEndpoint stores an endpoint's own
// context window, and refuses one out of bounds without changing the saved
// endpoint.
func TestEndpointContextWindow(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	saved, err := s.SaveEndpoint(ctx, Endpoint{Name: "Router", Kind: "openrouter", BaseURL: "https://openrouter.ai/api/v1",
		Enabled: true, ContextWindow: 131072})
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.ListEndpoints(ctx)
	if err != nil || len(list) != 1 || list[0].ContextWindow != 131072 {
		t.Fatalf("endpoints = %+v, %v", list, err)
	}
	for _, n := range []int{0, MinContextWindow, MaxContextWindow} {
		e := saved
		e.ContextWindow = n
		if _, err := s.SaveEndpoint(ctx, e); err != nil {
			t.Fatalf("context window %d: %v", n, err)
		}
		if list, _ := s.ListEndpoints(ctx); list[0].ContextWindow != n {
			t.Fatalf("context window %d stored as %d", n, list[0].ContextWindow)
		}
	}
	if _, err := s.SaveEndpoint(ctx, saved); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{-1, 1, MinContextWindow - 1, MaxContextWindow + 1} {
		e := saved
		e.ContextWindow = n
		if _, err := s.SaveEndpoint(ctx, e); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "context window") {
			t.Fatalf("context window %d: err = %v, want ErrInvalid naming the context window", n, err)
		}
		if list, _ := s.ListEndpoints(ctx); list[0].ContextWindow != 131072 {
			t.Fatalf("refused context window %d changed the stored one to %d", n, list[0].ContextWindow)
		}
	}
}
