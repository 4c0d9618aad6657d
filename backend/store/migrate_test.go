package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// seedVersion fills a database at schema version k with realistic data,
// using only the tables and columns that version has.
func seedVersion(t *testing.T, db *sql.DB, k int) {
	t.Helper()
	exec := func(query string, args ...any) {
		t.Helper()
		if _, err := db.Exec(query, args...); err != nil {
			t.Fatalf("seed version %d: %v\n%s", k, err, query)
		}
	}
	if k >= 1 {
		exec(`INSERT INTO conversations (id, uid, title, title_is_auto, created_at, updated_at, endpoint_id, model, system_prompt, params)
			VALUES (1, 'conv-tokyo', 'Tokyo trip', 0, 1000, 5000, 'ep-local', 'llama3', 'Answer in Japanese.', '{"temperature":0.2}'),
			       (2, 'conv-code', 'New conversation', 1, 2000, 6000, '', '', '', '{}')`)
		exec(`INSERT INTO messages (id, uid, conversation_id, role, content, state, created_at, updated_at, endpoint_id, model, error) VALUES
			(1, 'm-1', 1, 'user', '東京タワーの高さは？', 'complete', 1000, 1000, '', '', ''),
			(2, 'm-2', 1, 'assistant', '東京タワーは333メートルです。日本語のテキストです。', 'complete', 1100, 1200, 'ep-local', 'llama3', ''),
			(3, 'm-3', 2, 'user', 'How do I call foo_bar() from main?', 'complete', 2000, 2000, '', '', ''),
			(4, 'm-4', 2, 'assistant', 'Use fmt.Println(foo_bar()) and then', 'streaming', 2100, 2300, 'ep-local', 'llama3', ''),
			(5, 'm-5', 2, 'assistant', '', 'failed', 2400, 2400, 'ep-local', 'nope', 'model "nope" not found')`)
	}
	if k >= 3 {
		exec(`INSERT INTO endpoints (id, name, kind, base_url, enabled, models, created_at)
			VALUES ('ep-local', 'Local', 'ollama', 'http://127.0.0.1:11434', 1, '["llama3"]', 500),
			       ('ep-cloud', 'Cloud', 'openai', 'https://api.example.com/v1', 0, '[]', 500)`)
		// Until version 9 Brook's own state lived in the settings document too.
		if k < 9 {
			exec(`INSERT INTO settings (id, data) VALUES (1, '{"defaultEndpointId":"ep-local","defaultModel":"llama3","theme":"dark",` +
				`"firstTokenTimeoutSeconds":120,"idleTimeoutSeconds":30,"systemPrompt":"Be brief.",` +
				`"lastEndpointId":"ep-local","lastModel":"qwen3:8b","seededOllamaUrl":"http://127.0.0.1:11434"}')`)
		} else {
			exec(`INSERT INTO settings (id, data) VALUES (1, '{"defaultEndpointId":"ep-local","defaultModel":"llama3","theme":"dark",` +
				`"firstTokenTimeoutSeconds":120,"idleTimeoutSeconds":30,"systemPrompt":"Be brief."}')`)
			exec(`INSERT INTO app_state (key, value) VALUES ('last_endpoint_id', 'ep-local'), ('last_model', 'qwen3:8b'),
				('seeded_ollama_url', 'http://127.0.0.1:11434')`)
		}
	}
	if k >= 4 {
		exec(`UPDATE messages SET first_token_ms = 250, tokens_per_second = 42.5, prompt_tokens = 17,
			completion_tokens = 30, end_reason = 'stop' WHERE id = 2`)
		exec(`UPDATE messages SET recovered = 1, recovery_reason = 'dropped' WHERE id = 3`)
	}
	if k >= 5 {
		exec(`UPDATE conversations SET pinned = 1, draft = 'and in Rust?' WHERE id = 2`)
	}
	if k >= 6 {
		exec(`UPDATE messages SET recovery_method = 'continued' WHERE id = 2`)
		exec(`UPDATE endpoints SET server_kind = 'llamacpp', max_parallel = 4 WHERE id = 'ep-local'`)
	}
	if k >= 7 {
		exec(`UPDATE messages SET reasoning = 'The user wants the height; recall the broadcast antenna figure.',
			thinking_ms = 4200 WHERE id = 2`)
		// Reasoning checkpointed while streaming survives the start-up recovery.
		exec(`UPDATE messages SET reasoning = 'Need an example with Println and a deliberation.' WHERE id = 4`)
	}
	if k >= 12 {
		// From version 12 messages form a tree: the two answers of conversation 2 are versions of one.
		exec(`UPDATE messages SET parent_id = CASE id WHEN 2 THEN 1 WHEN 4 THEN 3 WHEN 5 THEN 3 END, shown_at = created_at`)
	}
	if k >= 10 {
		exec(`UPDATE endpoints SET extra_models = '["gpt-unlisted","模型-b"]', header_names = '["X-Api-Key"]' WHERE id = 'ep-local'`)
	}
	// From version 12 messages form a tree, and Brook writes each one's
	// parent: the failed answer is a version of the interrupted one.
	if k >= 12 {
		exec(`UPDATE messages SET parent_id = CASE id WHEN 2 THEN 1 WHEN 4 THEN 3 WHEN 5 THEN 3 END, shown_at = created_at`)
	}
}

// seededReasoning is the reasoning and thinking time seedVersion gives
// message id at version k: none before version 7.
func seededReasoning(k int, id int64) (string, int64) {
	if k < 7 {
		return "", 0
	}
	switch id {
	case 2:
		return "The user wants the height; recall the broadcast antenna figure.", 4200
	case 4:
		return "Need an example with Println and a deliberation.", 0
	}
	return "", 0
}

// TestMigrationsReachRecoveryMethod makes sure TestMigrateFromEveryVersion
// covers the step to version 6 from a populated version 5 database.
func TestMigrationsReachRecoveryMethod(t *testing.T) {
	if SchemaVersion() < 6 {
		t.Fatalf("SchemaVersion() = %d, want at least 6", SchemaVersion())
	}
}

// TestMigrationsReachReasoning makes sure TestMigrateFromEveryVersion covers
// the step to version 7 (reasoning) from a populated version 6 database.
func TestMigrationsReachReasoning(t *testing.T) {
	if SchemaVersion() < 7 {
		t.Fatalf("SchemaVersion() = %d, want at least 7", SchemaVersion())
	}
}

// TestMigrationsReachAppState makes sure TestMigrateFromEveryVersion covers
// the step to version 9 (app state apart from settings) from a populated
// version 8 database.
func TestMigrationsReachAppState(t *testing.T) {
	if SchemaVersion() < 9 {
		t.Fatalf("SchemaVersion() = %d, want at least 9", SchemaVersion())
	}
}

// TestMigrationsReachVersions makes sure TestMigrateFromEveryVersion covers
// the step to version 12 (messages as a tree of versions) from populated
// databases of every earlier version.
func TestMigrationsReachVersions(t *testing.T) {
	if SchemaVersion() < 12 {
		t.Fatalf("SchemaVersion() = %d, want at least 12", SchemaVersion())
	}
}

// TestMigrationsReachEndpointExtras makes sure TestMigrateFromEveryVersion
// covers the step to version 10 (models added by hand, header names) from a
// populated version 9 database.
func TestMigrationsReachEndpointExtras(t *testing.T) {
	if SchemaVersion() < 10 {
		t.Fatalf("SchemaVersion() = %d, want at least 10", SchemaVersion())
	}
}

// TestMigrationsReachOpenEndpointKinds makes sure TestMigrateFromEveryVersion
// covers the step to version 13 (endpoint kinds not listed in the schema)
// from populated databases of every earlier version.
func TestMigrationsReachOpenEndpointKinds(t *testing.T) {
	if SchemaVersion() < 13 {
		t.Fatalf("SchemaVersion() = %d, want at least 13", SchemaVersion())
	}
}

// TestMigrationsReachContextWindow makes sure TestMigrateFromEveryVersion
// covers the step to version 14 (the context window's choice and counts)
// from populated databases of every earlier version.
func TestMigrationsReachContextWindow(t *testing.T) {
	if SchemaVersion() < 14 {
		t.Fatalf("SchemaVersion() = %d, want at least 14", SchemaVersion())
	}
}

// TestMigrationsReachProjects makes sure TestMigrateFromEveryVersion covers
// the step to version 16 (projects and assistants) from populated
// databases of every earlier version.
func TestMigrationsReachProjects(t *testing.T) {
	if SchemaVersion() < 16 {
		t.Fatalf("SchemaVersion() = %d, want at least 16", SchemaVersion())
	}
}

// TestAppStateMigrationSurvivesOddSettings: a settings document that is not
// JSON, or holds the old values as other types, does not stop Brook from
// opening; only text values move.
func TestAppStateMigrationSurvivesOddSettings(t *testing.T) {
	for name, data := range map[string]string{
		"not JSON":        `{"lastModel": "llama3"`,
		"numbers":         `{"lastEndpointId": 7, "lastModel": null, "seededOllamaUrl": ["x"], "theme": "light"}`,
		"empty strings":   `{"lastEndpointId": "", "lastModel": "", "theme": "light"}`,
		"empty document":  `{}`,
		"unicode strings": `{"lastEndpointId": "端点", "lastModel": "模型:latest", "theme": "light"}`,
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "brook.db")
			raw, err := sql.Open("sqlite", dataSourceName(path))
			if err != nil {
				t.Fatal(err)
			}
			raw.SetMaxOpenConns(1)
			if err := migrate(ctx, raw, 8); err != nil {
				t.Fatal(err)
			}
			if _, err := raw.Exec(`INSERT INTO settings (id, data) VALUES (1, ?)`, data); err != nil {
				t.Fatal(err)
			}
			raw.Close()
			s, err := Open(path)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer s.Close()
			state, err := s.AppState(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := AppState{}
			if name == "unicode strings" {
				want = AppState{LastEndpointID: "端点", LastModel: "模型:latest"}
			}
			if state != want {
				t.Fatalf("app state = %+v, want %+v", state, want)
			}
		})
	}
}

// TestMigrateFromEveryVersion creates a database at each earlier schema
// version, fills it, opens it (which migrates to the latest version) and
// checks that everything is intact and works.
func TestMigrateFromEveryVersion(t *testing.T) {
	for k := 0; k < SchemaVersion(); k++ {
		t.Run("from version "+strconv.Itoa(k), func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "brook.db")
			raw, err := sql.Open("sqlite", dataSourceName(path))
			if err != nil {
				t.Fatal(err)
			}
			raw.SetMaxOpenConns(1)
			if err := migrate(ctx, raw, k); err != nil {
				t.Fatalf("migrate to %d: %v", k, err)
			}
			seedVersion(t, raw, k)
			raw.Close()

			s, err := Open(path)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer s.Close()
			var version int
			if err := s.read.QueryRow("PRAGMA user_version").Scan(&version); err != nil || version != SchemaVersion() {
				t.Fatalf("user_version = %d, %v; want %d", version, err, SchemaVersion())
			}
			checkSearchIndex(t, s)
			if k >= 1 {
				checkSeededData(t, s, k)
			}
			checkReasoningColumns(t, s)
			checkContextWindowColumns(t, s, k)
			checkProjectColumns(t, s, k)

			// The migrated database is fully usable.
			c, err := s.CreateConversation(ctx, Conversation{Title: "after migration"})
			if err != nil {
				t.Fatal(err)
			}
			m := mustMessage(t, s, c.ID, RoleUser, "a fresh question about 日本語のテキスト")
			checkImages(t, s, c.ID)
			checkDocuments(t, s, c.ID)
			checkRetrieval(t, s, c.ID)
			if err := s.SetPinned(ctx, c.ID, true); err != nil {
				t.Fatal(err)
			}
			if err := s.SaveDraft(ctx, c.ID, "draft"); err != nil {
				t.Fatal(err)
			}
			if ids := searchIDs(t, s, "日本語のテキスト"); !slices.Contains(ids, m.ID) {
				t.Fatalf("new message not found: %v", ids)
			}
			checkSearchIndex(t, s)

			// Reopening changes nothing and does not migrate again.
			s.Close()
			s2, err := Open(path)
			if err != nil {
				t.Fatalf("reopen: %v", err)
			}
			defer s2.Close()
			list, err := s2.ListConversations(ctx, ListOptions{})
			if err != nil || len(list) == 0 || list[0].ID != c.ID || !list[0].Pinned || list[0].Draft != "draft" {
				t.Fatalf("after reopen: %+v, %v", list, err)
			}
		})
	}
}

func checkSeededData(t *testing.T, s *Store, k int) {
	t.Helper()
	ctx := context.Background()
	tokyo, err := s.GetConversation(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if tokyo.UID != "conv-tokyo" || tokyo.Title != "Tokyo trip" || tokyo.TitleIsAuto || tokyo.Model != "llama3" ||
		tokyo.SystemPrompt != "Answer in Japanese." || tokyo.Params.Temperature == nil || *tokyo.Params.Temperature != 0.2 ||
		tokyo.UpdatedAt != 5000 || tokyo.Pinned || tokyo.Archived {
		t.Fatalf("conversation 1 = %+v", tokyo)
	}
	code, err := s.GetConversation(ctx, 2)
	if err != nil || !code.TitleIsAuto {
		t.Fatalf("conversation 2 = %+v, %v", code, err)
	}
	if k >= 5 && (!code.Pinned || code.Draft != "and in Rust?") {
		t.Fatalf("conversation 2 lost its pin or draft: %+v", code)
	}
	messages, err := s.Messages(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(messages) != 3 {
		t.Fatalf("conversation 2 has %d messages", len(messages))
	}
	interrupted := messages[1]
	if interrupted.State != StateInterrupted || interrupted.Content != "Use fmt.Println(foo_bar()) and then" ||
		interrupted.Error != interruptedError() || interrupted.UID != "m-4" {
		t.Fatalf("streaming message after migration = %+v", interrupted)
	}
	if failed := messages[2]; failed.State != StateFailed || failed.Error != `model "nope" not found` {
		t.Fatalf("failed message = %+v", failed)
	}
	// The failed answer was added after the interrupted one (a Regenerate):
	// the two are versions of one answer, the newer shown (version 12).
	path, err := s.ShownPath(ctx, 2)
	if err != nil || len(path) != 2 || path[0].ID != 3 || path[1].ID != 5 || !slices.Equal(path[1].Versions, []int64{4, 5}) {
		t.Fatalf("shown path of conversation 2 = %+v, %v", path, err)
	}
	if path, err := s.ShownPath(ctx, 1); err != nil || len(path) != 2 || path[1].ParentID != path[0].ID {
		t.Fatalf("shown path of conversation 1 = %+v, %v", path, err)
	}
	// Answers cut by the closing of Brook are the ones to resume at start-up.
	if resume, err := s.ToResume(ctx); err != nil || len(resume) != 1 || resume[0].ID != 4 {
		t.Fatalf("ToResume = %+v, %v", resume, err)
	}

	tests := []struct {
		query string
		want  []int64
	}{
		{"東京タワー", []int64{1, 2}},
		{"fmt.Println", []int64{4}},
		{"foo_bar()", []int64{3, 4}},
		{"メートル", []int64{2}},
	}
	for _, tt := range tests {
		ids := searchIDs(t, s, tt.query)
		slices.Sort(ids)
		if !slices.Equal(ids, tt.want) {
			t.Errorf("Search(%q) = %v, want %v", tt.query, ids, tt.want)
		}
	}

	if k >= 3 {
		endpoints, err := s.ListEndpoints(ctx)
		if err != nil || len(endpoints) != 2 || endpoints[0].ID != "ep-local" || !slices.Equal(endpoints[0].Models, []string{"llama3"}) {
			t.Fatalf("endpoints = %+v, %v", endpoints, err)
		}
		// Copying the table for version 13 kept every field and the order
		// they were added in (same created_at: by rowid).
		if local, cloud := endpoints[0], endpoints[1]; local.Name != "Local" || local.Kind != "ollama" ||
			local.BaseURL != "http://127.0.0.1:11434" || !local.Enabled || cloud.ID != "ep-cloud" || cloud.Kind != "openai" ||
			cloud.Enabled || cloud.BaseURL != "https://api.example.com/v1" {
			t.Fatalf("endpoints after migration = %+v", endpoints)
		}
		// Before version 6 there was no server kind or parallel limit: detect, server default.
		wantKind, wantParallel := "", 0
		if k >= 6 {
			wantKind, wantParallel = "llamacpp", 4
		}
		if e := endpoints[0]; e.ServerKind != wantKind || e.MaxParallel != wantParallel {
			t.Fatalf("endpoint server kind %q, max parallel %d; want %q, %d", e.ServerKind, e.MaxParallel, wantKind, wantParallel)
		}
		// Before version 10 there were no models added by hand and no extra headers.
		wantExtra, wantHeaders := []string{}, []string{}
		if k >= 10 {
			wantExtra, wantHeaders = []string{"gpt-unlisted", "模型-b"}, []string{"X-Api-Key"}
		}
		if e := endpoints[0]; !slices.Equal(e.ExtraModels, wantExtra) || !slices.Equal(e.HeaderNames, wantHeaders) {
			t.Fatalf("endpoint extra models %q, header names %q; want %q, %q", e.ExtraModels, e.HeaderNames, wantExtra, wantHeaders)
		}
		// Before version 20 no endpoint had a context window of its own:
		// every one asks its server.
		if e := endpoints[1]; e.ContextWindow != 0 {
			t.Fatalf("endpoint context window after migration = %d, want 0", e.ContextWindow)
		}
		// From version 13 the store keeps a kind it does not list: the kinds
		// are known above it.
		if _, err := s.SaveEndpoint(ctx, Endpoint{Name: "New kind", Kind: "newkind", BaseURL: "http://127.0.0.1:9"}); err != nil {
			t.Fatalf("save an endpoint of a kind added after the migration: %v", err)
		}
		// The endpoint saves again as it was, with extras added after the migration.
		e := endpoints[0]
		e.ExtraModels = append(e.ExtraModels, "added-later")
		e.HeaderNames = append(e.HeaderNames, "http-referer")
		e.ContextWindow = 32768
		if _, err := s.SaveEndpoint(ctx, e); err != nil {
			t.Fatalf("save migrated endpoint: %v", err)
		}
		again, err := s.ListEndpoints(ctx)
		if err != nil || !slices.Equal(again[0].ExtraModels, append(wantExtra, "added-later")) ||
			!slices.Equal(again[0].HeaderNames, append(wantHeaders, "Http-Referer")) || !slices.Equal(again[0].Models, []string{"llama3"}) ||
			again[0].ContextWindow != 32768 {
			t.Fatalf("endpoint after saving = %+v, %v", again, err)
		}
		settings, err := s.LoadSettings(ctx)
		if err != nil || settings.Theme != "dark" || settings.DefaultEndpointID != "ep-local" || settings.DefaultModel != "llama3" ||
			settings.FirstTokenTimeoutSeconds != 120 || settings.IdleTimeoutSeconds != 30 || settings.SystemPrompt != "Be brief." {
			t.Fatalf("settings = %+v, %v", settings, err)
		}
		// Brook's own state moved out of the settings document (version 9).
		state, err := s.AppState(ctx)
		want := AppState{LastEndpointID: "ep-local", LastModel: "qwen3:8b", SeededOllamaURL: "http://127.0.0.1:11434"}
		if err != nil || state != want {
			t.Fatalf("app state = %+v, %v; want %+v", state, err, want)
		}
		var raw string
		if err := s.read.QueryRow(`SELECT data FROM settings WHERE id = 1`).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"lastEndpointId", "lastModel", "seededOllamaUrl"} {
			if strings.Contains(raw, key) {
				t.Fatalf("settings document still holds %s: %s", key, raw)
			}
		}
	} else if state, err := s.AppState(ctx); err != nil || state != (AppState{}) {
		t.Fatalf("app state invented: %+v, %v", state, err)
	}
	answer, err := s.GetMessage(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if k >= 4 && (answer.FirstTokenMs != 250 || answer.TokensPerSecond != 42.5 || answer.CompletionTokens != 30 || answer.EndReason != "stop") {
		t.Fatalf("answer statistics lost: %+v", answer)
	}
	if k < 4 && (answer.FirstTokenMs != 0 || answer.EndReason != "") {
		t.Fatalf("answer statistics invented: %+v", answer)
	}
	wantMethod := ""
	if k >= 6 {
		wantMethod = RecoveryContinued
	}
	all, err := s.Messages(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range append(all, messages...) {
		want := ""
		if m.ID == answer.ID {
			want = wantMethod
		}
		if m.RecoveryMethod != want {
			t.Fatalf("message %d recovery method %q, want %q", m.ID, m.RecoveryMethod, want)
		}
		wantReasoning, wantThinking := seededReasoning(k, m.ID)
		if m.Reasoning != wantReasoning || m.ThinkingMs != wantThinking {
			t.Fatalf("message %d reasoning %q, thinking %d ms; want %q, %d", m.ID, m.Reasoning, m.ThinkingMs, wantReasoning, wantThinking)
		}
	}
	// Reasoning is not searched, whether it was there before the migration or not.
	for _, query := range []string{"antenna", "deliberation"} {
		if ids := searchIDs(t, s, query); len(ids) != 0 {
			t.Errorf("Search(%q) found reasoning: %v", query, ids)
		}
	}
}

// checkReasoningColumns checks the columns added by version 7: a row
// written without them (as by an older Brook) gets no reasoning and 0 ms,
// and the search triggers ignore them.
func checkReasoningColumns(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	c, err := s.CreateConversation(ctx, Conversation{Title: "defaults"})
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	err = s.write.QueryRow(`INSERT INTO messages (uid, conversation_id, role, content, state, created_at, updated_at)
		VALUES ('m-defaults', ?, 'assistant', 'plain answer', 'complete', 1, 1) RETURNING id`, c.ID).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.GetMessage(ctx, id)
	if err != nil || m.Reasoning != "" || m.ThinkingMs != 0 || m.Content != "plain answer" {
		t.Fatalf("message written without the reasoning columns = %+v, %v", m, err)
	}
	// Changing only the reasoning of a finished message leaves the index exact.
	if _, err := s.write.Exec(`UPDATE messages SET reasoning = 'hidden musing', thinking_ms = 5 WHERE id = ?`, id); err != nil {
		t.Fatal(err)
	}
	checkSearchIndex(t, s)
	if ids := searchIDs(t, s, "musing"); len(ids) != 0 {
		t.Fatalf("reasoning indexed: %v", ids)
	}
	if err := s.DeleteConversation(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PurgeDeleted(ctx, 0); err != nil {
		t.Fatal(err)
	}
	checkSearchIndex(t, s)
}

// checkSearchIndex runs FTS5's integrity check. The full check compares the
// index with the messages table, which only holds when no answer is
// streaming (streaming answers are deliberately not indexed).
func checkSearchIndex(t *testing.T, s *Store) {
	t.Helper()
	var streaming int
	if err := s.read.QueryRow(`SELECT count(*) FROM messages WHERE state = 'streaming'`).Scan(&streaming); err != nil {
		t.Fatal(err)
	}
	check := `INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')`
	if streaming > 0 {
		check = `INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 0)`
	}
	if _, err := s.write.Exec(check); err != nil {
		t.Fatalf("search index integrity: %v", err)
	}
}

// TestFailedMigrationLeavesWholeVersion checks that a step that fails half
// way is rolled back entirely, version number included.
func TestFailedMigrationLeavesWholeVersion(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", dataSourceName(filepath.Join(t.TempDir(), "m.db")))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	steps := []migration{
		{version: 1, name: "001_ok.sql", sql: "CREATE TABLE a (x);"},
		{version: 2, name: "002_broken.sql", sql: "CREATE TABLE b (x); INSERT INTO missing VALUES (1);"},
	}
	for {
		done, err := migrateOneStep(ctx, db, steps, 2)
		if done {
			t.Fatal("broken migration reported success")
		}
		if err != nil {
			break
		}
	}
	var version, tables int
	if err := db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name = 'b'`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if version != 1 || tables != 0 {
		t.Fatalf("after failed step: user_version %d, table b present %d; want 1 and 0", version, tables)
	}
}

func TestMigrationFilesAreNumberedInOrder(t *testing.T) {
	list, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range list {
		if m.version != i+1 || m.sql == "" {
			t.Fatalf("migration %d = %+v", i, m)
		}
	}
}

// checkMigratedHaveNone fails when a message of the seeded conversations 1
// and 2 has what of(m) gives (nil for none): a migration adds none.
func checkMigratedHaveNone[T any](t *testing.T, s *Store, what string, of func(Message) []T) {
	t.Helper()
	for _, id := range []int64{1, 2} {
		msgs, err := s.Messages(context.Background(), id)
		if err != nil {
			continue // not seeded at this version
		}
		for _, m := range msgs {
			if got := of(m); got != nil {
				t.Fatalf("migrated message %d has %s %+v", m.ID, what, got)
			}
		}
	}
}

// checkImages checks the images table (version 11) of a migrated database:
// migrated messages have none; a new message's images are stored with it,
// read with the conversation, copied by a fork and deleted with it.
func checkImages(t *testing.T, s *Store, conversationID int64) {
	t.Helper()
	ctx := context.Background()
	checkMigratedHaveNone(t, s, "images", func(m Message) []Image { return m.Images })
	m, err := s.AddMessage(ctx, Message{ConversationID: conversationID, Role: RoleUser, Content: "look",
		Images: []Image{{Name: "a.png", MIME: "image/png", Width: 1, Height: 1, Data: []byte("png-bytes")}}})
	if err != nil || len(m.Images) != 1 || m.Images[0].ID == 0 || m.Images[0].Data != nil || m.Images[0].Size != 9 {
		t.Fatalf("AddMessage with an image = %+v, %v", m, err)
	}
	msgs, err := s.Messages(ctx, conversationID)
	if err != nil || len(msgs) == 0 {
		t.Fatalf("Messages = %+v, %v", msgs, err)
	}
	if last := msgs[len(msgs)-1]; len(last.Images) != 1 || last.Images[0].Name != "a.png" || last.Images[0].Data != nil {
		t.Fatalf("Messages = %+v, %v", msgs, err)
	}
	img, err := s.ImageData(ctx, m.Images[0].ID)
	if err != nil || string(img.Data) != "png-bytes" || img.MessageID != m.ID {
		t.Fatalf("ImageData = %+v, %v", img, err)
	}
	user, err := s.AddVersion(ctx, m.ID, Message{Role: RoleUser, Content: "look again"}, true)
	if err != nil || len(user.Images) != 1 || user.Images[0].ID == img.ID {
		t.Fatalf("edited version = %+v, %v", user, err)
	}
	if _, err := s.DeleteVersion(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImageData(ctx, img.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("image after its message was deleted: %v", err)
	}
	if _, err := s.ImageData(ctx, user.Images[0].ID); err != nil {
		t.Fatalf("the edited version's image: %v", err)
	}
	// A refused image leaves nothing behind.
	before, _ := s.Messages(ctx, conversationID)
	if _, err := s.AddMessage(ctx, Message{ConversationID: conversationID, Role: RoleUser, Content: "x", Images: []Image{{MIME: "image/png"}}}); err == nil {
		t.Fatal("an image without data was stored")
	}
	if msgs, _ := s.Messages(ctx, conversationID); len(msgs) != len(before) {
		t.Fatalf("messages after refusal = %d", len(msgs))
	}
}

// checkContextWindowColumns checks that migrated conversations and answers
// start with no context choice and no estimate, and that both are stored
// and read back afterwards.
func checkContextWindowColumns(t *testing.T, s *Store, k int) {
	t.Helper()
	ctx := context.Background()
	if k >= 1 {
		tokyo, err := s.GetConversation(ctx, 1)
		if err != nil || tokyo.ContextChoice != "" {
			t.Fatalf("migrated conversation = %+v, %v", tokyo, err)
		}
		answer, err := s.GetMessage(ctx, 2)
		if err != nil || answer.PromptEstimate != 0 || answer.ContextLeftOut != 0 || answer.Content == "" {
			t.Fatalf("migrated answer = %+v, %v", answer, err)
		}
		if err := s.SetContextChoice(ctx, 1, "leave_out"); err != nil {
			t.Fatal(err)
		}
		if tokyo, err := s.GetConversation(ctx, 1); err != nil || tokyo.ContextChoice != "leave_out" || tokyo.Title != "Tokyo trip" {
			t.Fatalf("after SetContextChoice: %+v, %v", tokyo, err)
		}
	}
	c, err := s.CreateConversation(ctx, Conversation{Title: "context", ContextChoice: "grow"})
	if err != nil || c.ContextChoice != "grow" {
		t.Fatalf("created %+v, %v", c, err)
	}
	if err := s.SetContextChoice(ctx, c.ID, "shrink"); err == nil {
		t.Fatal("an unknown choice was stored")
	}
	q := mustMessage(t, s, c.ID, RoleUser, "how long is this?")
	a, err := s.AddMessage(ctx, Message{ConversationID: c.ID, ParentID: q.ID, Role: RoleAssistant, State: StateStreaming, Run: 7})
	if err != nil {
		t.Fatal(err)
	}
	a.State, a.Content, a.PromptTokens, a.PromptEstimate, a.ContextLeftOut = StateComplete, "this long", 120, 100, 3
	if err := s.FinishAnswer(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetMessage(ctx, a.ID)
	if err != nil || got.PromptTokens != 120 || got.PromptEstimate != 100 || got.ContextLeftOut != 3 {
		t.Fatalf("finished answer = %+v, %v", got, err)
	}
	if err := s.DeleteConversation(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
}

// checkProjectColumns checks version 16 on a migrated database: migrated
// conversations are outside any project and from no assistant; they move
// into a project, are listed and searched there, and a conversation starts
// from an assistant.
func checkProjectColumns(t *testing.T, s *Store, k int) {
	t.Helper()
	ctx := context.Background()
	outside, err := s.ProjectConversations(ctx, 0, ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	all, err := s.ListConversations(ctx, ListOptions{})
	if err != nil || len(outside) != len(all) {
		t.Fatalf("outside any project %d, all %d, %v", len(outside), len(all), err)
	}
	for _, c := range outside {
		if c.ProjectID != 0 || c.AssistantID != 0 || c.AssistantName != "" {
			t.Fatalf("migrated conversation %+v", c)
		}
	}
	p, err := s.CreateProject(ctx, Project{Name: "Japan", Instructions: "Answer in Japanese."})
	if err != nil {
		t.Fatal(err)
	}
	if k >= 1 {
		if n, err := s.MoveToProject(ctx, []int64{1}, p.ID); err != nil || n != 1 {
			t.Fatalf("MoveToProject = %d, %v", n, err)
		}
		in, err := s.ProjectConversations(ctx, p.ID, ListOptions{})
		if err != nil || len(in) != 1 || in[0].ID != 1 || in[0].Title != "Tokyo trip" || in[0].ProjectID != p.ID {
			t.Fatalf("project's conversations = %+v, %v", in, err)
		}
		hits, err := s.SearchProject(ctx, p.ID, "東京タワー", 50)
		if err != nil || len(hits) != 2 {
			t.Fatalf("SearchProject = %+v, %v", hits, err)
		}
		if hits, err := s.SearchProject(ctx, p.ID, "foo_bar()", 50); err != nil || len(hits) != 0 {
			t.Fatalf("SearchProject found another project's messages: %+v, %v", hits, err)
		}
		if _, err := s.DeleteProject(ctx, p.ID, MoveChatsOut); err != nil {
			t.Fatal(err)
		}
		if c, err := s.GetConversation(ctx, 1); err != nil || c.ProjectID != 0 {
			t.Fatalf("after deleting its project: %+v, %v", c, err)
		}
	}
	a, err := s.CreateAssistant(ctx, Assistant{Name: "Tutor", Instructions: "Teach.", FirstMessage: "What shall we learn?"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.StartFromAssistant(ctx, a.ID, 0)
	if err != nil || c.AssistantID != a.ID || c.AssistantName != "Tutor" || c.SystemPrompt != "Teach." {
		t.Fatalf("StartFromAssistant = %+v, %v", c, err)
	}
	if err := s.DeleteConversation(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
}
