package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// toolRow is a tool row as the database holds it.
type toolRow struct {
	id, parent     int64
	conversationID int64
	uid, callID    string
	content        string
	outcome        string
}

// toolRows reads the tool rows of a conversation, in id order.
func toolRows(t *testing.T, s *Store, conversationID int64) []toolRow {
	t.Helper()
	rows, err := s.read.Query(`SELECT id, parent_id, conversation_id, uid, tool_call_id, content, tool_outcome
		FROM messages WHERE role = 'tool' AND conversation_id = ? ORDER BY id`, conversationID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []toolRow
	for rows.Next() {
		var r toolRow
		if err := rows.Scan(&r.id, &r.parent, &r.conversationID, &r.uid, &r.callID, &r.content, &r.outcome); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// storedCalls is the tool_calls column of message id as stored.
func storedCalls(t *testing.T, s *Store, id int64) string {
	t.Helper()
	var col string
	if err := s.read.QueryRow(`SELECT tool_calls FROM messages WHERE id = ?`, id).Scan(&col); err != nil {
		t.Fatal(err)
	}
	return col
}

// settledCalls are two calls of one answer, each with a different outcome,
// and a third still pending.
func settledCalls() []ToolCall {
	return []ToolCall{
		{ID: "call_1", Name: "read_text_file", Server: "files", Arguments: `{"path":"/a"}`,
			Status: ToolCallDone, Result: "otters hold hands", Truncated: true, FullBytes: 90000, DurationMs: 12},
		{ID: "call_2", Name: "fetch", Server: "web", Arguments: `{}`,
			Status: ToolCallFailed, Result: "host unreachable", IsError: true, DurationMs: 3000},
		{ID: "call_3", Name: "fetch", Server: "web", Arguments: `{"url":"x"}`},
	}
}

// answerWithCalls adds a question and a finished answer that made calls.
func answerWithCalls(t *testing.T, s *Store, c Conversation, calls []ToolCall) Message {
	t.Helper()
	ctx := context.Background()
	mustMessage(t, s, c.ID, RoleUser, "what do otters do")
	a, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: RoleAssistant, State: StateStreaming, Run: 1})
	if err != nil {
		t.Fatal(err)
	}
	a.State, a.Content, a.ToolCalls = StateComplete, "They hold hands.", calls
	if err := s.FinishAnswer(ctx, a); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestToolResultsAreToolRowsAndReadBackInTheirCalls(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	c := mustConversation(t, s, "tools")
	a := answerWithCalls(t, s, c, settledCalls())
	want := settledCalls()

	// The answer keeps the calls only; each settled call's result is a tool
	// row after it, in the order of the calls, and the pending one has none.
	if col := storedCalls(t, s, a.ID); strings.Contains(col, "otters") || strings.Contains(col, "status") {
		t.Errorf("the answer's tool_calls still hold results: %s", col)
	}
	rows := toolRows(t, s, c.ID)
	if len(rows) != 2 {
		t.Fatalf("tool rows = %+v, want 2", rows)
	}
	for i, r := range rows {
		if r.parent != a.ID || r.callID != want[i].ID || r.content != want[i].Result || r.id <= a.ID ||
			r.uid != a.UID+"/tool/"+want[i].ID {
			t.Errorf("tool row %d = %+v", i, r)
		}
	}

	reads := map[string]func() ([]Message, error){
		"GetMessage": func() ([]Message, error) {
			m, err := s.GetMessage(ctx, a.ID)
			return []Message{m}, err
		},
		"Messages":  func() ([]Message, error) { return s.Messages(ctx, c.ID) },
		"ShownPath": func() ([]Message, error) { return s.ShownPath(ctx, c.ID) },
		"Thread":    func() ([]Message, error) { return s.Thread(ctx, a.ID) },
		"Bundles": func() ([]Message, error) {
			b, err := s.Bundles(ctx, []int64{c.ID})
			if err != nil {
				return nil, err
			}
			return b[0].Messages, nil
		},
	}
	for name, read := range reads {
		msgs, err := read()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var answers int
		for _, m := range msgs {
			if m.Role == RoleTool {
				t.Errorf("%s returned a tool row: %+v", name, m)
			}
			if m.ID == a.ID {
				answers++
				if !reflect.DeepEqual(m.ToolCalls, want) {
					t.Errorf("%s: calls = %+v, want %+v", name, m.ToolCalls, want)
				}
			}
		}
		if answers != 1 {
			t.Errorf("%s: the answer appears %d times", name, answers)
		}
	}

	// Settling the third call and changing the first rewrites the rows.
	want[2].Status, want[2].Result = ToolCallDenied, "The user declined."
	want[0].Result, want[0].Truncated, want[0].FullBytes = "otters", false, 0
	if err := s.SetToolCalls(ctx, a.ID, want); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetMessage(ctx, a.ID)
	if err != nil || !reflect.DeepEqual(got.ToolCalls, want) {
		t.Fatalf("after SetToolCalls: %+v, %v; want %+v", got.ToolCalls, err, want)
	}
	if rows := toolRows(t, s, c.ID); len(rows) != 3 {
		t.Fatalf("tool rows after SetToolCalls = %+v", rows)
	}
	// Calls without results leave no rows behind.
	bare := []ToolCall{{ID: "call_9", Name: "t", Arguments: "{}"}}
	if err := s.SetToolCalls(ctx, a.ID, bare); err != nil {
		t.Fatal(err)
	}
	if rows := toolRows(t, s, c.ID); len(rows) != 0 {
		t.Fatalf("tool rows after calls without results = %+v", rows)
	}
}

func TestToolRowsAreNeverVisibleMessages(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	c := mustConversation(t, s, "tools")
	a := answerWithCalls(t, s, c, settledCalls())
	next := mustMessage(t, s, c.ID, RoleUser, "and beavers?")
	if next.ParentID != a.ID {
		t.Fatalf("the next question follows %d, want the answer %d", next.ParentID, a.ID)
	}
	rows := toolRows(t, s, c.ID)

	path, err := s.ShownPath(ctx, c.ID)
	if err != nil || len(path) != 3 {
		t.Fatalf("shown path = %+v, %v; want question, answer, question", path, err)
	}
	// The next question is the only message after the answer: no "1/3".
	if path[2].Versions != nil {
		t.Errorf("the question after the answer has versions %v", path[2].Versions)
	}
	if got, err := s.GetMessage(ctx, next.ID); err != nil || got.Versions != nil {
		t.Errorf("GetMessage versions = %v, %v", got.Versions, err)
	}
	summaries, err := s.ListSummaries(ctx)
	if err != nil || len(summaries) != 1 || summaries[0].Messages != 3 {
		t.Errorf("summaries = %+v, %v; want 3 messages", summaries, err)
	}
	// Search finds neither a long nor a short word of a result.
	for _, query := range []string{"otters hold", "unreachable", "ho"} {
		hits, err := s.Search(ctx, query, 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			if h.Role == RoleTool || slices.ContainsFunc(rows, func(r toolRow) bool { return r.id == h.MessageID }) {
				t.Errorf("Search(%q) found a tool row: %+v", query, h)
			}
		}
	}
	if ids := searchIDs(t, s, "hold hands"); !slices.Equal(ids, []int64{a.ID}) {
		t.Errorf("the answer's own words found %v, want [%d]", ids, a.ID)
	}
	checkSearchIndex(t, s)

	// A tool row's id is no message to the API.
	r := rows[0].id
	if _, err := s.GetMessage(ctx, r); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetMessage(tool row) = %v", err)
	}
	if _, err := s.ShowVersion(ctx, r); !errors.Is(err, ErrNotFound) {
		t.Errorf("ShowVersion(tool row) = %v", err)
	}
	if _, err := s.Thread(ctx, r); !errors.Is(err, ErrNotFound) {
		t.Errorf("Thread(tool row) = %v", err)
	}
	if _, err := s.DeleteVersion(ctx, r); !errors.Is(err, ErrNotFound) {
		t.Errorf("DeleteVersion(tool row) = %v", err)
	}
	if _, err := s.DeleteMessage(ctx, r); !errors.Is(err, ErrNotFound) {
		t.Errorf("DeleteMessage(tool row) = %v", err)
	}
	if _, err := s.AddVersion(ctx, r, Message{Role: RoleTool, Content: "x"}, false); !errors.Is(err, ErrNotFound) {
		t.Errorf("AddVersion(of a tool row) = %v", err)
	}
	if _, err := s.AddMessage(ctx, Message{ConversationID: c.ID, ParentID: r, Role: RoleUser, Content: "x"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("a message after a tool row: %v, want ErrInvalid", err)
	}
	if got := toolRows(t, s, c.ID); !reflect.DeepEqual(got, rows) {
		t.Errorf("refused calls changed the tool rows: %+v", got)
	}
}

func TestVersionsKeepTheirOwnToolResults(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	c := mustConversation(t, s, "tools")
	first := answerWithCalls(t, s, c, settledCalls())
	second := []ToolCall{{ID: "call_1", Name: "read_text_file", Server: "files", Arguments: `{"path":"/b"}`,
		Status: ToolCallDone, Result: "beavers build dams"}}
	v2, err := s.AddVersion(ctx, first.ID, Message{Role: RoleAssistant, Content: "Dams.", ToolCalls: second}, false)
	if err != nil {
		t.Fatal(err)
	}
	v3, err := s.AddVersion(ctx, first.ID, Message{Role: RoleAssistant, Content: "No tools."}, false)
	if err != nil {
		t.Fatal(err)
	}
	// The same call id in two versions is two results.
	for id, want := range map[int64][]ToolCall{first.ID: settledCalls(), v2.ID: second, v3.ID: nil} {
		got, err := s.GetMessage(ctx, id)
		if err != nil || !reflect.DeepEqual(got.ToolCalls, want) {
			t.Errorf("version %d: calls = %+v, %v; want %+v", id, got.ToolCalls, err, want)
		}
		if id == v3.ID && !slices.Equal(got.Versions, []int64{first.ID, v2.ID, v3.ID}) {
			t.Errorf("versions = %v, want [%d %d %d]", got.Versions, first.ID, v2.ID, v3.ID)
		}
	}
	// Showing a version shows its own results.
	path, err := s.ShowVersion(ctx, v2.ID)
	if err != nil || len(path) != 1 || !reflect.DeepEqual(path[0].ToolCalls, second) {
		t.Fatalf("shown from v2 = %+v, %v", path, err)
	}
	if len(path[0].Versions) != 3 {
		t.Errorf("versions on the path = %v, want 3", path[0].Versions)
	}
}

func TestDeletingAnAnswerTakesItsToolRows(t *testing.T) {
	ctx := context.Background()
	for name, del := range map[string]func(s *Store, answer, question int64) (int, error){
		"DeleteVersion of the answer": func(s *Store, answer, _ int64) (int, error) { return s.DeleteVersion(ctx, answer) },
		"DeleteMessage of the answer": func(s *Store, answer, _ int64) (int, error) { return s.DeleteMessage(ctx, answer) },
		"DeleteVersion of the question": func(s *Store, _, question int64) (int, error) {
			return s.DeleteVersion(ctx, question)
		},
	} {
		t.Run(name, func(t *testing.T) {
			s := openTestStore(t)
			c := mustConversation(t, s, "tools")
			a := answerWithCalls(t, s, c, settledCalls())
			follow := mustMessage(t, s, c.ID, RoleUser, "next")
			path, err := s.ShownPath(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			n, err := del(s, a.ID, path[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			if rows := toolRows(t, s, c.ID); len(rows) != 0 {
				t.Errorf("tool rows left: %+v", rows)
			}
			// The count is of visible messages.
			want := map[string]int{"DeleteVersion of the answer": 2, "DeleteMessage of the answer": 1, "DeleteVersion of the question": 3}[name]
			if n != want {
				t.Errorf("removed %d messages, want %d", n, want)
			}
			if name == "DeleteMessage of the answer" {
				// What followed the answer follows its question now.
				got, err := s.GetMessage(ctx, follow.ID)
				if err != nil || got.ParentID != path[0].ID {
					t.Errorf("the next question = %+v, %v; want it after %d", got, err, path[0].ID)
				}
			}
			checkSearchIndex(t, s)
		})
	}

	// Deleting the question after an answer leaves the answer's results.
	s := openTestStore(t)
	c := mustConversation(t, s, "tools")
	a := answerWithCalls(t, s, c, settledCalls())
	q := mustMessage(t, s, c.ID, RoleUser, "next")
	if _, err := s.DeleteMessage(ctx, q.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetMessage(ctx, a.ID); err != nil || !reflect.DeepEqual(got.ToolCalls, settledCalls()) {
		t.Errorf("the answer before a deleted question: %+v, %v", got.ToolCalls, err)
	}
	// A conversation in the trash keeps them, and brings them back when
	// restored; one purged for good takes them too.
	if err := s.DeleteConversation(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.RestoreConversation(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetMessage(ctx, a.ID); err != nil || !reflect.DeepEqual(got.ToolCalls, settledCalls()) {
		t.Errorf("the answer after a restore: %+v, %v", got.ToolCalls, err)
	}
	if err := s.DeleteConversation(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if n, err := s.PurgeDeleted(ctx, 0); err != nil || n != 1 {
		t.Fatalf("PurgeDeleted = %d, %v", n, err)
	}
	var left int
	if err := s.read.QueryRow(`SELECT count(*) FROM messages WHERE role = 'tool'`).Scan(&left); err != nil || left != 0 {
		t.Errorf("tool rows after the purge: %d, %v", left, err)
	}
}

func TestToolResultsTravelInBundles(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	c := mustConversation(t, s, "tools")
	a := answerWithCalls(t, s, c, settledCalls())
	if _, err := s.AddVersion(ctx, a.ID, Message{Role: RoleAssistant, Content: "v2",
		ToolCalls: []ToolCall{{ID: "call_1", Name: "t", Arguments: "{}", Status: ToolCallCancelled, Result: "cancelled"}}}, false); err != nil {
		t.Fatal(err)
	}
	bundles, err := s.Bundles(ctx, []int64{c.ID})
	if err != nil {
		t.Fatal(err)
	}
	callsByUID := func(msgs []Message) map[string][]ToolCall {
		out := map[string][]ToolCall{}
		for _, m := range msgs {
			out[m.UID] = m.ToolCalls
		}
		return out
	}
	want := callsByUID(bundles[0].Messages)
	if len(bundles[0].Messages) != 3 {
		t.Fatalf("bundle messages = %d, want 3 (no tool rows)", len(bundles[0].Messages))
	}

	// Into another database as they are, and into the same one as a copy
	// with new UIDs (a fork): every version keeps its own results.
	other := openTestStore(t)
	for name, st := range map[string]*Store{"other database": other, "same database": s} {
		if name == "same database" {
			// A changed answer makes the import a copy beside the original.
			bundles[0].Messages[1].Content = "changed"
		}
		res, err := st.Import(ctx, bundles)
		if err != nil || res.Imported != 1 || res.Messages != 3 {
			t.Fatalf("%s: import = %+v, %v", name, res, err)
		}
		list, err := st.ListConversations(ctx, ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		back, err := st.Bundles(ctx, []int64{list[0].ID})
		if err != nil {
			t.Fatal(err)
		}
		got := back[0].Messages
		if name == "same database" {
			if res.Copied != 1 {
				t.Errorf("the import was no copy: %+v", res)
			}
			for i, m := range got {
				if !reflect.DeepEqual(m.ToolCalls, bundles[0].Messages[i].ToolCalls) {
					t.Errorf("copy, message %d: calls %+v, want %+v", i, m.ToolCalls, bundles[0].Messages[i].ToolCalls)
				}
			}
			continue
		}
		if g := callsByUID(got); !reflect.DeepEqual(g, want) {
			t.Errorf("%s: calls = %+v, want %+v", name, g, want)
		}
		// Importing the same file again adds nothing.
		if res, err := st.Import(ctx, bundles); err != nil || res.Skipped != 1 {
			t.Errorf("%s: second import = %+v, %v", name, res, err)
		}
	}
	if rows := toolRows(t, other, 1); len(rows) != 3 {
		t.Errorf("tool rows in the other database = %+v, want 3", rows)
	}
}

func TestToolRowsRefuseBadInput(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	c := mustConversation(t, s, "tools")
	a := answerWithCalls(t, s, c, settledCalls())
	q, err := s.GetMessage(ctx, a.ParentID)
	if err != nil {
		t.Fatal(err)
	}
	before := toolRows(t, s, c.ID)

	for name, tc := range map[string]struct {
		parent toolParent
		call   ToolCall
	}{
		"no call id":              {toolParent{a.ID, c.ID, a.UID}, ToolCall{Result: "x"}},
		"a call the answer lacks": {toolParent{a.ID, c.ID, a.UID}, ToolCall{ID: "call_404", Result: "x"}},
		"after a user's message":  {toolParent{q.ID, c.ID, q.UID}, ToolCall{ID: "call_1", Result: "x"}},
		"in another conversation": {toolParent{a.ID, c.ID + 1, a.UID}, ToolCall{ID: "call_1", Result: "x"}},
		"a second result":         {toolParent{a.ID, c.ID, a.UID}, ToolCall{ID: "call_1", Result: "again"}},
	} {
		err := s.tx(ctx, func(tx *sql.Tx) error { return insertToolRow(ctx, tx, tc.parent, tc.call, 1) })
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
	// The database refuses the same even when the store's check is passed by.
	for name, query := range map[string]string{
		"no call id":              `INSERT INTO messages (uid, conversation_id, role, state, created_at, updated_at, parent_id) VALUES ('x1', ?, 'tool', 'complete', 1, 1, ?)`,
		"a call the answer lacks": `INSERT INTO messages (uid, conversation_id, role, state, created_at, updated_at, parent_id, tool_call_id) VALUES ('x2', ?, 'tool', 'complete', 1, 1, ?, 'call_404')`,
		"a second result":         `INSERT INTO messages (uid, conversation_id, role, state, created_at, updated_at, parent_id, tool_call_id) VALUES ('` + a.UID + `/tool/call_1', ?, 'tool', 'complete', 1, 1, ?, 'call_1')`,
		"a message after it":      `INSERT INTO messages (uid, conversation_id, role, state, created_at, updated_at, parent_id) VALUES ('x3', ?, 'user', 'complete', 1, 1, ?)`,
	} {
		parent := a.ID
		if name == "a message after it" {
			parent = before[0].id
		}
		if _, err := s.write.Exec(query, c.ID, parent); err == nil {
			t.Errorf("%s: the database took it", name)
		}
	}
	// A tool message from outside, and calls with one id twice, are refused.
	if _, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: RoleTool, Content: "x"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("AddMessage(tool role) = %v, want ErrInvalid", err)
	}
	twice := []ToolCall{{ID: "d", Name: "t", Result: "1"}, {ID: "d", Name: "t", Result: "2"}}
	if err := s.SetToolCalls(ctx, a.ID, twice); !errors.Is(err, ErrInvalid) {
		t.Errorf("SetToolCalls(one id twice) = %v, want ErrInvalid", err)
	}
	bundle := Bundle{Conversation: Conversation{UID: "c-x", Title: "x"}, Messages: []Message{
		{UID: "m-1", Role: RoleUser, Content: "q"},
		{UID: "m-2", ParentUID: "m-1", Role: RoleTool, Content: "result"},
	}}
	if _, err := s.Import(ctx, []Bundle{bundle}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Import(a tool message) = %v, want ErrInvalid", err)
	}
	bundle.Messages[1] = Message{UID: "m-2", ParentUID: "m-1", Role: RoleAssistant, ToolCalls: twice}
	if _, err := s.Import(ctx, []Bundle{bundle}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Import(one call id twice) = %v, want ErrInvalid", err)
	}
	if got := toolRows(t, s, c.ID); !reflect.DeepEqual(got, before) {
		t.Errorf("refused input changed the tool rows: %+v", got)
	}
	if got, _ := s.GetMessage(ctx, a.ID); !reflect.DeepEqual(got.ToolCalls, settledCalls()) {
		t.Errorf("refused input changed the answer's calls: %+v", got.ToolCalls)
	}
}

// TestMigrationMovesToolResultsIntoToolRows fills databases at versions 18
// (tool calls) and 20 (the last before tool rows) with calls whose results
// are inside the calls, as 018 kept them, opens them, and checks that every
// result moved into a tool row, that the store reads the calls back as they
// were, and that the schema kept every index, trigger and foreign key.
func TestMigrationMovesToolResultsIntoToolRows(t *testing.T) {
	oldCalls := `[{"id":"call_1","name":"read_text_file","server":"files","arguments":"{\"path\":\"/a\"}",` +
		`"status":"done","result":"otters hold hands","truncated":true,"fullBytes":90000,"durationMs":12},` +
		`{"id":"call_2","name":"fetch","arguments":"{}","status":"failed","result":"host unreachable","isError":true},` +
		`{"id":"call_3","name":"fetch","arguments":"{}"}]`
	want := []ToolCall{
		{ID: "call_1", Name: "read_text_file", Server: "files", Arguments: `{"path":"/a"}`,
			Status: ToolCallDone, Result: "otters hold hands", Truncated: true, FullBytes: 90000, DurationMs: 12},
		{ID: "call_2", Name: "fetch", Arguments: "{}", Status: ToolCallFailed, Result: "host unreachable", IsError: true},
		{ID: "call_3", Name: "fetch", Arguments: "{}"},
	}
	version2 := `[{"id":"call_1","name":"fetch","arguments":"{}","status":"denied","result":"The user declined."}]`
	for _, k := range []int{18, SchemaVersion() - 1} {
		t.Run("from version "+strconv.Itoa(k), func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "brook.db")
			raw, err := sql.Open("sqlite", dataSourceName(path))
			if err != nil {
				t.Fatal(err)
			}
			raw.SetMaxOpenConns(1)
			if err := migrate(ctx, raw, k); err != nil {
				t.Fatal(err)
			}
			seedVersion(t, raw, k)
			for _, q := range []string{
				`UPDATE messages SET tool_calls = '` + oldCalls + `' WHERE id = 2`,
				// A regenerated version of the same answer, with a call of the same id.
				`INSERT INTO messages (id, uid, conversation_id, role, content, state, created_at, updated_at, parent_id, shown_at, tool_calls)
				 VALUES (6, 'm-6', 1, 'assistant', 'declined', 'complete', 1300, 1300, 1, 1300, '` + version2 + `')`,
				// A question after the first version.
				`INSERT INTO messages (id, uid, conversation_id, role, content, state, created_at, updated_at, parent_id, shown_at)
				 VALUES (7, 'm-7', 1, 'user', 'and beavers?', 'complete', 1400, 1400, 2, 1400)`,
				// A column that does not decode stays as it is.
				`UPDATE messages SET tool_calls = 'not json' WHERE id = 5`,
			} {
				if _, err := raw.Exec(q); err != nil {
					t.Fatalf("%v\n%s", err, q)
				}
			}
			schemaBefore := schemaNames(t, raw)
			raw.Close()

			s, err := Open(path)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer s.Close()
			if missing := slicesMissing(schemaBefore, schemaNames(t, s.read)); len(missing) > 0 {
				t.Errorf("the migration lost %v", missing)
			}
			for _, check := range []string{"PRAGMA integrity_check", "PRAGMA foreign_key_check"} {
				var lines []string
				rows, err := s.read.Query(check)
				if err != nil {
					t.Fatal(err)
				}
				for rows.Next() {
					var cols []any
					names, _ := rows.Columns()
					cols = make([]any, len(names))
					for i := range cols {
						cols[i] = new(any)
					}
					if err := rows.Scan(cols...); err != nil {
						t.Fatal(err)
					}
					lines = append(lines, fmt.Sprint(*(cols[0].(*any))))
				}
				rows.Close()
				if ok := check == "PRAGMA integrity_check" && slices.Equal(lines, []string{"ok"}) ||
					check == "PRAGMA foreign_key_check" && len(lines) == 0; !ok {
					t.Errorf("%s: %v", check, lines)
				}
			}
			checkSearchIndex(t, s)

			rows := toolRows(t, s, 1)
			wantRows := []toolRow{
				{parent: 2, conversationID: 1, uid: "m-2/tool/call_1", callID: "call_1", content: "otters hold hands",
					outcome: `{"status":"done","truncated":true,"fullBytes":90000,"durationMs":12}`},
				{parent: 2, conversationID: 1, uid: "m-2/tool/call_2", callID: "call_2", content: "host unreachable",
					outcome: `{"status":"failed","isError":true}`},
				{parent: 6, conversationID: 1, uid: "m-6/tool/call_1", callID: "call_1", content: "The user declined.",
					outcome: `{"status":"denied"}`},
			}
			if len(rows) != len(wantRows) {
				t.Fatalf("tool rows = %+v", rows)
			}
			for i := range rows {
				if rows[i].id <= 7 {
					t.Errorf("tool row %d comes before the messages it follows: id %d", i, rows[i].id)
				}
				rows[i].id = 0
				if rows[i] != wantRows[i] {
					t.Errorf("tool row %d = %+v, want %+v", i, rows[i], wantRows[i])
				}
			}
			if col := storedCalls(t, s, 2); col != `[{"id":"call_1","name":"read_text_file","server":"files","arguments":"{\"path\":\"/a\"}"},`+
				`{"id":"call_2","name":"fetch","arguments":"{}"},{"id":"call_3","name":"fetch","arguments":"{}"}]` {
				t.Errorf("answer 2's tool_calls = %s", col)
			}
			if col := storedCalls(t, s, 5); col != "not json" {
				t.Errorf("answer 5's tool_calls = %s", col)
			}

			got, err := s.GetMessage(ctx, 2)
			if err != nil || !reflect.DeepEqual(got.ToolCalls, want) {
				t.Errorf("answer 2's calls = %+v, %v; want %+v", got.ToolCalls, err, want)
			}
			if !slices.Equal(got.Versions, []int64{2, 6}) {
				t.Errorf("answer 2's versions = %v, want [2 6]", got.Versions)
			}
			v2, err := s.GetMessage(ctx, 6)
			if err != nil || len(v2.ToolCalls) != 1 || v2.ToolCalls[0].Result != "The user declined." || v2.ToolCalls[0].Status != ToolCallDenied {
				t.Errorf("version 6's calls = %+v, %v", v2.ToolCalls, err)
			}
			if _, err := s.ShowVersion(ctx, 2); err != nil {
				t.Fatal(err)
			}
			path2, err := s.ShownPath(ctx, 1)
			if err != nil || len(path2) != 3 || path2[2].ID != 7 {
				t.Errorf("shown path = %+v, %v; want 1, 2, 7", path2, err)
			}
			if hits := searchIDs(t, s, "otters hold"); len(hits) != 0 {
				t.Errorf("search finds migrated results: %v", hits)
			}
			// New tool rows can be written in the migrated database.
			want[2].Status, want[2].Result = ToolCallTimedOut, "timed out"
			if err := s.SetToolCalls(ctx, 2, want); err != nil {
				t.Fatal(err)
			}
			if got, err := s.GetMessage(ctx, 2); err != nil || !reflect.DeepEqual(got.ToolCalls, want) {
				t.Errorf("after SetToolCalls: %+v, %v", got.ToolCalls, err)
			}
			want[2].Status, want[2].Result = "", ""
		})
	}
}

// schemaNames lists the indexes, triggers and tables of a database.
func schemaNames(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT type || ' ' || name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	return names
}

// slicesMissing is what of before is not in after.
func slicesMissing(before, after []string) []string {
	var out []string
	for _, n := range before {
		if !slices.Contains(after, n) {
			out = append(out, n)
		}
	}
	return out
}

// TestToolRowsMigrationStopsOnAnUnknownSchema: should the messages table's
// CHECK on role not read as Brook wrote it, the step fails whole and leaves
// the database at the version before, rather than carry on without role
// 'tool'.
func TestToolRowsMigrationStopsOnAnUnknownSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "brook.db")
	raw, err := sql.Open("sqlite", dataSourceName(path))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	before := SchemaVersion() - 1
	if err := migrate(ctx, raw, before); err != nil {
		t.Fatal(err)
	}
	var cookie int
	if err := raw.QueryRow(`PRAGMA schema_version`).Scan(&cookie); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`PRAGMA writable_schema = ON`,
		`UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (role IN (''system'', ''user'', ''assistant''))',
			'CHECK (role IN (''system'',''user'',''assistant''))') WHERE type = 'table' AND name = 'messages'`,
		fmt.Sprintf(`PRAGMA schema_version = %d`, cookie+1),
		`PRAGMA writable_schema = RESET`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	err = migrate(ctx, raw, SchemaVersion())
	if err == nil || !strings.Contains(err.Error(), "021_tool_messages.sql") || !strings.Contains(err.Error(), "CHECK constraint failed") {
		t.Fatalf("migrate = %v, want the step's check to fail", err)
	}
	var version int
	if err := raw.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil || version != before {
		t.Fatalf("user_version = %d, %v; want %d", version, err, before)
	}
	var columns int
	if err := raw.QueryRow(`SELECT count(*) FROM pragma_table_info('messages') WHERE name = 'tool_call_id'`).Scan(&columns); err != nil || columns != 0 {
		t.Fatalf("tool_call_id columns = %d, %v; want the step rolled back", columns, err)
	}
}

// TestVisibleMessagesAreReadFromTheIndexAlone: leaving tool rows out of a
// conversation's tree and its count reads no message rows (whose text comes
// first), as before there were tool rows.
func TestVisibleMessagesAreReadFromTheIndexAlone(t *testing.T) {
	s := openTestStore(t)
	for _, query := range []string{treeSQL, `SELECT ` + countVisibleSQL + ` FROM conversations c WHERE c.id = ?`} {
		rows, err := s.read.Query(`EXPLAIN QUERY PLAN `+query, 1)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if !slices.ContainsFunc(plan, func(d string) bool { return strings.Contains(d, "COVERING INDEX messages_tree") }) {
			t.Errorf("%s\nplan %q, want the covering index messages_tree", query, plan)
		}
	}
}
