package exchange

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"brook/backend/store"
	"brook/backend/transfer"
)

// toolStore opens a store in a temp folder with tool servers of the given
// names.
func toolStore(t *testing.T, servers ...string) (*store.Store, map[string]string) {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ids := map[string]string{}
	for _, name := range servers {
		ts, err := st.SaveToolServer(context.Background(), store.ToolServer{Name: name, Kind: store.ToolServerStdio, Command: "node", Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = ts.ID
	}
	return st, ids
}

// exportJSON writes every conversation of st to a JSON file and returns its path.
func exportJSON(t *testing.T, st *store.Store) string {
	t.Helper()
	e, err := Begin(context.Background(), st, nil, transfer.FormatJSON, time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "export.json")
	if err := e.WriteFile(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	return path
}

// onlyConversation returns the one conversation of st and its tool settings.
func onlyConversation(t *testing.T, st *store.Store) []store.ConversationTool {
	t.Helper()
	list, err := st.ListConversations(context.Background(), store.ListOptions{})
	if err != nil || len(list) != 1 {
		t.Fatalf("%d conversations, %v", len(list), err)
	}
	tools, err := st.ConversationTools(context.Background(), list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	return tools
}

func TestToolChoicesTravelByServerNameAndGrantNoPermission(t *testing.T) {
	ctx := context.Background()
	src, srcIDs := toolStore(t, "Files", "Web", "Old")
	conv, err := src.CreateConversation(ctx, store.Conversation{Title: "With tools", EndpointID: "ep", Model: "m"})
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []error{
		src.SetConversationTool(ctx, conv.ID, srcIDs["Files"], "read_text_file", true),
		src.SetConversationTool(ctx, conv.ID, srcIDs["Files"], "write_file", true),
		src.AllowToolAlways(ctx, conv.ID, srcIDs["Files"], "write_file"),
		src.SetConversationTool(ctx, conv.ID, srcIDs["Web"], "fetch", true),
		// Turned on and off again: nothing to carry.
		src.SetConversationTool(ctx, conv.ID, srcIDs["Web"], "search", true),
		src.SetConversationTool(ctx, conv.ID, srcIDs["Web"], "search", false),
		// Of a server removed since: it has no name to go by.
		src.SetConversationTool(ctx, conv.ID, srcIDs["Old"], "fetch", true),
		src.DeleteToolServer(ctx, srcIDs["Old"]),
	} {
		if step != nil {
			t.Fatal(step)
		}
	}
	path := exportJSON(t, src)

	// The file names each tool by its server's name, with both settings.
	var file struct {
		Conversations []struct {
			Tools []store.BundleTool `json:"tools"`
		} `json:"conversations"`
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &file); err != nil || len(file.Conversations) != 1 {
		t.Fatalf("the export: %v", err)
	}
	want := []store.BundleTool{
		{Server: "Files", Name: "read_text_file", Enabled: true},
		{Server: "Files", Name: "write_file", Enabled: true, AlwaysAllowed: true},
		{Server: "Web", Name: "fetch", Enabled: true},
	}
	if got := file.Conversations[0].Tools; !slices.Equal(got, want) {
		t.Fatalf("the file's tools = %+v, want %+v", got, want)
	}
	if strings.Contains(string(data), srcIDs["Files"]) {
		t.Fatal("the file holds a server ID of this database")
	}

	// Another Brook with a server named Files (its own ID) and none named Web.
	dst, dstIDs := toolStore(t, "Files")
	if _, _, err := Import(ctx, dst, path); err != nil {
		t.Fatal(err)
	}
	got := onlyConversation(t, dst)
	wantHere := []store.ConversationTool{
		{ServerID: dstIDs["Files"], Name: "read_text_file", Enabled: true},
		{ServerID: dstIDs["Files"], Name: "write_file", Enabled: true},
	}
	if !slices.Equal(got, wantHere) {
		t.Fatalf("imported tool settings = %+v, want %+v (enabled only, never allowed always)", got, wantHere)
	}
}

func TestAFileThatAllowsAToolAlwaysAllowsNothing(t *testing.T) {
	ctx := context.Background()
	src, _ := toolStore(t)
	if _, err := src.CreateConversation(ctx, store.Conversation{Title: "Plain", EndpointID: "ep", Model: "m"}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(exportJSON(t, src))
	if err != nil {
		t.Fatal(err)
	}
	// A file made by hand (or by someone else) that claims permissions.
	forged := strings.Replace(string(data), `"messages": []`,
		`"messages": [], "tools": [{"server": "Shell", "name": "run", "alwaysAllowed": true}, {"server": "Shell", "name": "rm", "enabled": true, "alwaysAllowed": true}]`, 1)
	if forged == string(data) {
		t.Fatal("the export has no empty message list to put tools beside")
	}
	path := filepath.Join(t.TempDir(), "forged.json")
	if err := os.WriteFile(path, []byte(forged), 0o600); err != nil {
		t.Fatal(err)
	}
	dst, ids := toolStore(t, "Shell")
	if _, _, err := Import(ctx, dst, path); err != nil {
		t.Fatal(err)
	}
	got := onlyConversation(t, dst)
	if want := []store.ConversationTool{{ServerID: ids["Shell"], Name: "rm", Enabled: true}}; !slices.Equal(got, want) {
		t.Fatalf("imported tool settings = %+v, want %+v", got, want)
	}
}

func TestAFileWithABadToolSettingIsRefusedWhole(t *testing.T) {
	ctx := context.Background()
	src, _ := toolStore(t)
	if _, err := src.CreateConversation(ctx, store.Conversation{Title: "Plain", EndpointID: "ep", Model: "m"}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(exportJSON(t, src))
	if err != nil {
		t.Fatal(err)
	}
	for name, tools := range map[string]string{
		"a tool without a server": `[{"server": "", "name": "run", "enabled": true}]`,
		"an unknown field":        `[{"server": "Shell", "name": "run", "enabled": true, "serverId": "x"}]`,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.json")
			bad := strings.Replace(string(data), `"messages": []`, `"messages": [], "tools": `+tools, 1)
			if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
				t.Fatal(err)
			}
			dst, _ := toolStore(t, "Shell")
			_, _, err := Import(ctx, dst, path)
			if err == nil || !(errors.Is(err, store.ErrInvalid) || errors.Is(err, transfer.ErrInvalid)) {
				t.Fatalf("Import = %v, want the file refused as invalid", err)
			}
			if list, _ := dst.ListConversations(ctx, store.ListOptions{}); len(list) != 0 {
				t.Fatalf("a refused file added %d conversations", len(list))
			}
		})
	}
}
