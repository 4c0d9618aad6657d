package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestToolServersSaveListEditDelete(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	fs, err := s.SaveToolServer(ctx, ToolServer{Name: " Files ", Kind: ToolServerStdio, Command: "npx",
		Args: []string{"-y", "@modelcontextprotocol/server-filesystem", "/home/me/文書"}, EnvNames: []string{"API_TOKEN"},
		URL: "http://ignored.example", HeaderNames: []string{"X-Ignored"}, Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	if fs.ID == "" || fs.Name != "Files" || fs.URL != "" || len(fs.HeaderNames) != 0 {
		t.Fatalf("saved stdio server = %+v: want an id, a trimmed name and no HTTP fields", fs)
	}
	web, err := s.SaveToolServer(ctx, ToolServer{Name: "Web", Kind: ToolServerHTTP, URL: "https://mcp.example.com/mcp",
		Command: "ignored", HeaderNames: []string{"authorization"}, TimeoutSeconds: 30})
	if err != nil {
		t.Fatal(err)
	}
	if web.Command != "" || !slices.Equal(web.HeaderNames, []string{"Authorization"}) {
		t.Fatalf("saved http server = %+v", web)
	}
	list, err := s.ListToolServers(ctx)
	if err != nil || len(list) != 2 || list[0].ID != fs.ID || list[1].ID != web.ID {
		t.Fatalf("ListToolServers = %+v, %v", list, err)
	}
	if !slices.Equal(list[0].Args, fs.Args) || !slices.Equal(list[0].EnvNames, []string{"API_TOKEN"}) || !list[0].Enabled {
		t.Fatalf("listed %+v, saved %+v", list[0], fs)
	}
	if list[1].TimeoutSeconds != 30 || list[1].Enabled {
		t.Fatalf("listed %+v", list[1])
	}

	fs.Args = []string{"/tmp"}
	if _, err := s.SaveToolServer(ctx, fs); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetToolServer(ctx, fs.ID); err != nil || !slices.Equal(got.Args, []string{"/tmp"}) {
		t.Fatalf("after edit: %+v, %v", got, err)
	}
	if err := s.SetToolServerEnabled(ctx, web.ID, true); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetToolServer(ctx, web.ID); !got.Enabled {
		t.Fatal("SetToolServerEnabled(true) did not enable the server")
	}

	if err := s.SetToolAlwaysAllowed(ctx, fs.ID, "read_file", true); err != nil {
		t.Fatal(err)
	}
	if err := s.SetToolAlwaysAllowed(ctx, fs.ID, "read_file", true); err != nil {
		t.Fatalf("allowing twice: %v", err)
	}
	if err := s.SetToolAlwaysAllowed(ctx, fs.ID, "list_directory", true); err != nil {
		t.Fatal(err)
	}
	if err := s.SetToolAlwaysAllowed(ctx, fs.ID, "list_directory", false); err != nil {
		t.Fatal(err)
	}
	allowed, err := s.AlwaysAllowedTools(ctx)
	if err != nil || !slices.Equal(allowed[fs.ID], []string{"read_file"}) || len(allowed) != 1 {
		t.Fatalf("AlwaysAllowedTools = %v, %v", allowed, err)
	}

	if err := s.DeleteToolServer(ctx, fs.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetToolServer(ctx, fs.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("GetToolServer after delete = %v, want ErrNotFound", err)
	}
	if allowed, _ := s.AlwaysAllowedTools(ctx); len(allowed) != 0 {
		t.Fatalf("permissions outlived their server: %v", allowed)
	}
	if err := s.DeleteToolServer(ctx, fs.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleting twice = %v, want ErrNotFound", err)
	}
}

func TestToolServersRefuseBadInputAndChangeNothing(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	good, err := s.SaveToolServer(ctx, ToolServer{Name: "Echo", Kind: ToolServerStdio, Command: "node"})
	if err != nil {
		t.Fatal(err)
	}
	for name, ts := range map[string]ToolServer{
		"no name":           {Kind: ToolServerStdio, Command: "node"},
		"unknown kind":      {Name: "x", Kind: "sse", URL: "http://a"},
		"no command":        {Name: "x", Kind: ToolServerStdio},
		"newline in arg":    {Name: "x", Kind: ToolServerStdio, Command: "node", Args: []string{"a\nb"}},
		"bad env name":      {Name: "x", Kind: ToolServerStdio, Command: "node", EnvNames: []string{"1BAD"}},
		"env twice":         {Name: "x", Kind: ToolServerStdio, Command: "node", EnvNames: []string{"A", "A"}},
		"file URL":          {Name: "x", Kind: ToolServerHTTP, URL: "file:///etc/passwd"},
		"password in URL":   {Name: "x", Kind: ToolServerHTTP, URL: "https://me:secret@mcp.example.com"},
		"bad header":        {Name: "x", Kind: ToolServerHTTP, URL: "https://mcp.example.com", HeaderNames: []string{"Bad Header"}},
		"negative timeout":  {Name: "x", Kind: ToolServerStdio, Command: "node", TimeoutSeconds: -1},
		"edit of a missing": {ID: "gone", Name: "x", Kind: ToolServerStdio, Command: "node"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := s.SaveToolServer(ctx, ts)
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrNotFound) {
				t.Fatalf("SaveToolServer(%+v) = %v, want ErrInvalid or ErrNotFound", ts, err)
			}
		})
	}
	if err := s.SetToolAlwaysAllowed(ctx, "gone", "echo", true); !errors.Is(err, ErrNotFound) {
		t.Fatalf("allowing a tool of a missing server = %v", err)
	}
	if err := s.SetToolAlwaysAllowed(ctx, good.ID, "", true); !errors.Is(err, ErrInvalid) {
		t.Fatalf("allowing a tool without a name = %v", err)
	}
	list, _ := s.ListToolServers(ctx)
	if len(list) != 1 || list[0].ID != good.ID {
		t.Fatalf("refused saves changed the list: %+v", list)
	}
	if allowed, _ := s.AlwaysAllowedTools(ctx); len(allowed) != 0 {
		t.Fatalf("refused permissions were stored: %v", allowed)
	}
}

// TestToolServersMigrationOnPopulatedDatabase: a populated version 16
// database gains the tool server tables, keeps its data, and can store
// servers at once.
func TestToolServersMigrationOnPopulatedDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "brook.db")
	raw, err := sql.Open("sqlite", dataSourceName(path))
	if err != nil {
		t.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	if err := migrate(ctx, raw, 16); err != nil {
		t.Fatal(err)
	}
	seedVersion(t, raw, 16)
	raw.Close()

	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checkSeededData(t, s, 16)
	list, err := s.ListToolServers(ctx)
	if err != nil || len(list) != 0 {
		t.Fatalf("ListToolServers after migration = %+v, %v", list, err)
	}
	ts, err := s.SaveToolServer(ctx, ToolServer{Name: "Files", Kind: ToolServerStdio, Command: "node", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetToolAlwaysAllowed(ctx, ts.ID, "read_file", true); err != nil {
		t.Fatal(err)
	}
	var headers string
	if err := s.read.QueryRow(`SELECT header_names FROM endpoints WHERE id = 'ep-local'`).Scan(&headers); err != nil || !strings.Contains(headers, "X-Api-Key") {
		t.Fatalf("the seeded endpoint after migration: header names %q, %v", headers, err)
	}
}
