package mcp

import (
	"context"
	"errors"
	"regexp"
	"testing"

	"brook/backend/store"
	"brook/backend/tools"
)

// modelNameOK is what OpenAI accepts as a function name.
var modelNameOK = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func TestSaveKeepsValuesInTheKeyringOnly(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, Config{})
	v, err := h.m.Save(ctx, store.ToolServer{Name: "Web", Kind: store.ToolServerHTTP, URL: "http://127.0.0.1:1/mcp",
		HeaderNames: []string{"Authorization", "X-Team"}}, nil, map[string]string{"authorization": "Bearer one", "X-Team": "blue"})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.HeadersSet) != 2 || h.keys.keys[store.ToolServerHeaderSecretID(v.ID, "Authorization")] != "Bearer one" {
		t.Fatalf("after saving: %+v, keyring %v", v, h.keys.keys)
	}
	// No new value keeps the stored one; a name taken away loses its value.
	v.HeaderNames = []string{"Authorization"}
	if v, err = h.m.Save(ctx, v.ToolServer, nil, nil); err != nil {
		t.Fatal(err)
	}
	if h.keys.keys[store.ToolServerHeaderSecretID(v.ID, "Authorization")] != "Bearer one" || len(h.keys.keys) != 1 {
		t.Fatalf("after removing X-Team: keyring %v", h.keys.keys)
	}
	// A value for a name the server does not have is refused, and changes nothing.
	if _, err := h.m.Save(ctx, v.ToolServer, nil, map[string]string{"X-Other": "x"}); !errors.Is(err, ErrSecretValue) {
		t.Fatalf("a value for an unknown header = %v, want ErrSecretValue", err)
	}
	if _, err := h.m.Save(ctx, v.ToolServer, map[string]string{"TOKEN": "x"}, nil); !errors.Is(err, ErrSecretValue) {
		t.Fatalf("an environment value for an HTTP server = %v, want ErrSecretValue", err)
	}
	if len(h.keys.keys) != 1 {
		t.Fatalf("refused saves changed the keyring: %v", h.keys.keys)
	}
	if err := h.m.Delete(ctx, v.ID); err != nil {
		t.Fatal(err)
	}
	if len(h.keys.keys) != 0 {
		t.Fatalf("values outlived their server: %v", h.keys.keys)
	}
	if err := h.m.Delete(ctx, v.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleting twice = %v", err)
	}
}

func TestModelNamesAreUniqueAndAccepted(t *testing.T) {
	list := []tools.Tool{
		{ServerName: "Files A", Name: "read"}, {ServerName: "Files B", Name: "read"},
		{ServerName: "Files B", Name: "read"}, {ServerName: "X", Name: "weird name/ü"},
	}
	nameTools(list)
	seen := map[string]bool{}
	for _, x := range list {
		if seen[x.ModelName] || !modelNameOK.MatchString(x.ModelName) {
			t.Fatalf("model names %v", list)
		}
		seen[x.ModelName] = true
	}
	if list[0].ModelName != "Files_A__read" || list[3].ModelName != "weird_name" {
		t.Fatalf("model names %+v", list)
	}
}
