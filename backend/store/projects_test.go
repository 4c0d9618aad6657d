package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// tickingClock makes s.now advance by one millisecond at every call, so
// that two deletions never share a time by chance.
func tickingClock(s *Store) {
	var now int64 = 1_000_000
	s.now = func() int64 { now++; return now }
}

func mustProject(t *testing.T, s *Store, name string) Project {
	t.Helper()
	p, err := s.CreateProject(context.Background(), Project{Name: name})
	if err != nil {
		t.Fatalf("CreateProject(%q): %v", name, err)
	}
	return p
}

func conversationIDs(list []Conversation) []int64 {
	ids := make([]int64, len(list))
	for i, c := range list {
		ids[i] = c.ID
	}
	return ids
}

func projectIDsOf(t *testing.T, s *Store, projectID int64) []int64 {
	t.Helper()
	list, err := s.ProjectConversations(context.Background(), projectID, ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return conversationIDs(list)
}

func TestProjectCreateUpdateList(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	temp := 0.3
	work, err := s.CreateProject(ctx, Project{Name: "  Work  ", Colour: "#3366cc", Emoji: "💼",
		Instructions: "Be formal.", EndpointID: "ep", Model: "llama3", Params: Params{Temperature: &temp, Think: "high"}})
	if err != nil {
		t.Fatal(err)
	}
	if work.ID == 0 || work.UID == "" || work.Name != "Work" || work.CreatedAt == 0 {
		t.Fatalf("created %+v", work)
	}
	home := mustProject(t, s, "Home")
	again := mustProject(t, s, "Work") // names need not be unique
	got, err := s.GetProject(ctx, work.ID)
	if err != nil || got.Instructions != "Be formal." || got.Params.Think != "high" || *got.Params.Temperature != 0.3 ||
		got.Emoji != "💼" || got.Colour != "#3366cc" || got.Model != "llama3" {
		t.Fatalf("GetProject = %+v, %v", got, err)
	}
	list, err := s.ListProjects(ctx)
	if err != nil || len(list) != 3 || list[0].ID != work.ID || list[1].ID != home.ID || list[2].ID != again.ID {
		t.Fatalf("ListProjects = %+v, %v", list, err)
	}

	if err := s.RenameProject(ctx, home.ID, "House"); err != nil {
		t.Fatal(err)
	}
	home.Name, home.Instructions, home.Emoji = "House", "Keep it short.", "🏠"
	updated, err := s.UpdateProject(ctx, home)
	if err != nil || updated.Name != "House" || updated.Instructions != "Keep it short." || updated.Emoji != "🏠" || updated.UID != home.UID {
		t.Fatalf("UpdateProject = %+v, %v", updated, err)
	}

	if err := s.ReorderProjects(ctx, []int64{again.ID, work.ID, home.ID}); err != nil {
		t.Fatal(err)
	}
	list, _ = s.ListProjects(ctx)
	if ids := []int64{list[0].ID, list[1].ID, list[2].ID}; !slices.Equal(ids, []int64{again.ID, work.ID, home.ID}) {
		t.Fatalf("after reorder: %v", ids)
	}
	for _, ids := range [][]int64{{again.ID, work.ID}, {again.ID, work.ID, work.ID}, {again.ID, work.ID, 999}} {
		if err := s.ReorderProjects(ctx, ids); !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrNotFound) {
			t.Fatalf("ReorderProjects(%v) = %v", ids, err)
		}
	}
	list, _ = s.ListProjects(ctx)
	if list[0].ID != again.ID || list[2].ID != home.ID {
		t.Fatalf("a refused reorder changed the order: %+v", list)
	}
}

func TestProjectValidation(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	long := strings.Repeat("語", MaxNameRunes)
	if _, err := s.CreateProject(ctx, Project{Name: long}); err != nil {
		t.Fatalf("a name of %d characters: %v", MaxNameRunes, err)
	}
	bad := map[string]Project{
		"empty name":       {Name: ""},
		"blank name":       {Name: " \t\n"},
		"name too long":    {Name: long + "x"},
		"colour":           {Name: "p", Colour: "red"},
		"emoji with space": {Name: "p", Emoji: "a b"},
		"emoji too long":   {Name: "p", Emoji: strings.Repeat("😀", 17)},
		"params":           {Name: "p", Params: Params{Think: "very"}},
	}
	for name, p := range bad {
		if _, err := s.CreateProject(ctx, p); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: CreateProject = %v, want ErrInvalid", name, err)
		}
	}
	if list, _ := s.ListProjects(ctx); len(list) != 1 {
		t.Fatalf("refused projects were stored: %+v", list)
	}
	p := mustProject(t, s, "Kept")
	if err := s.RenameProject(ctx, p.ID, ""); !errors.Is(err, ErrInvalid) {
		t.Fatalf("rename to empty: %v", err)
	}
	if err := s.RenameProject(ctx, p.ID, long+"x"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("rename to too long: %v", err)
	}
	if _, err := s.UpdateProject(ctx, Project{ID: p.ID}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("update with no name: %v", err)
	}
	if got, _ := s.GetProject(ctx, p.ID); got.Name != "Kept" {
		t.Fatalf("refused changes were stored: %+v", got)
	}
	if err := s.RenameProject(ctx, 999, "x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("rename unknown: %v", err)
	}
}

func TestDeleteProjectMovingChatsOut(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	tickingClock(s)
	p := mustProject(t, s, "Trip")
	a, b, other := mustConversation(t, s, "a"), mustConversation(t, s, "b"), mustConversation(t, s, "other")
	if _, err := s.MoveToProject(ctx, []int64{a.ID, b.ID}, p.ID); err != nil {
		t.Fatal(err)
	}
	done, err := s.DeleteProject(ctx, p.ID, MoveChatsOut)
	if err != nil || done.Trashed != 0 || !sameIDs(done.Moved, []int64{a.ID, b.ID}) {
		t.Fatalf("DeleteProject = %+v, %v", done, err)
	}
	if _, err := s.GetProject(ctx, p.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted project: %v", err)
	}
	if ids := projectIDsOf(t, s, 0); !sameIDs(ids, []int64{a.ID, b.ID, other.ID}) {
		t.Fatalf("outside any project: %v", ids)
	}
	// Meanwhile b goes into another project: undo leaves it there.
	q := mustProject(t, s, "Elsewhere")
	if _, err := s.MoveToProject(ctx, []int64{b.ID}, q.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.RestoreProject(ctx, p.ID, done.Moved); err != nil {
		t.Fatal(err)
	}
	if ids := projectIDsOf(t, s, p.ID); !slices.Equal(ids, []int64{a.ID}) {
		t.Fatalf("restored project's chats: %v", ids)
	}
	if ids := projectIDsOf(t, s, q.ID); !slices.Equal(ids, []int64{b.ID}) {
		t.Fatalf("other project's chats: %v", ids)
	}
	if err := s.RestoreProject(ctx, p.ID, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("restoring a live project: %v", err)
	}
	if _, err := s.DeleteProject(ctx, p.ID, ProjectChats(7)); !errors.Is(err, ErrInvalid) {
		t.Fatalf("unknown choice: %v", err)
	}
}

func TestDeleteProjectTrashingChats(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	tickingClock(s)
	p := mustProject(t, s, "Old")
	kept, trashedBefore, other := mustConversation(t, s, "kept"), mustConversation(t, s, "trashed before"), mustConversation(t, s, "other")
	if _, err := s.MoveToProject(ctx, []int64{kept.ID, trashedBefore.ID}, p.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteConversation(ctx, trashedBefore.ID); err != nil {
		t.Fatal(err)
	}
	done, err := s.DeleteProject(ctx, p.ID, TrashChats)
	if err != nil || done.Trashed != 1 || len(done.Moved) != 0 {
		t.Fatalf("DeleteProject = %+v, %v", done, err)
	}
	if _, err := s.GetConversation(ctx, kept.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("chat of a deleted project is still live: %v", err)
	}
	if ids := projectIDsOf(t, s, 0); !slices.Equal(ids, []int64{other.ID}) {
		t.Fatalf("outside any project: %v", ids)
	}
	if hits := searchIDs(t, s, "kept"); len(hits) != 0 {
		t.Fatalf("trashed chats searched: %v", hits)
	}
	if err := s.RestoreProject(ctx, p.ID, nil); err != nil {
		t.Fatal(err)
	}
	if ids := projectIDsOf(t, s, p.ID); !slices.Equal(ids, []int64{kept.ID}) {
		t.Fatalf("restored project's chats: %v (the one trashed before must stay in the trash)", ids)
	}
	if _, err := s.GetConversation(ctx, trashedBefore.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("chat trashed before the project was restored with it: %v", err)
	}
}

// TestRestoreChatOfDeletedProject: a chat trashed with its project and
// restored alone comes back outside any project, where the sidebar shows it.
func TestRestoreChatOfDeletedProject(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	p := mustProject(t, s, "Gone")
	c, err := s.StartInProject(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteProject(ctx, p.ID, TrashChats); err != nil {
		t.Fatal(err)
	}
	if err := s.RestoreConversation(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetConversation(ctx, c.ID); err != nil || got.ProjectID != 0 {
		t.Fatalf("restored chat = %+v, %v", got, err)
	}
	if ids := projectIDsOf(t, s, 0); !slices.Equal(ids, []int64{c.ID}) {
		t.Fatalf("outside any project: %v", ids)
	}
	// A chat of a live project keeps it when restored.
	q := mustProject(t, s, "Live")
	if _, err := s.MoveToProject(ctx, []int64{c.ID}, q.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteConversation(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.RestoreConversation(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetConversation(ctx, c.ID); got.ProjectID != q.ID {
		t.Fatalf("restored chat left its live project: %+v", got)
	}
}

// TestMoveManyIsOneTransaction moves 500 chats at once, and checks that a
// failure half way, or one unknown chat, moves none of them.
func TestMoveManyIsOneTransaction(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	p := mustProject(t, s, "Many")
	ids := make([]int64, 500)
	for i := range ids {
		ids[i] = mustConversation(t, s, fmt.Sprintf("chat %d", i)).ID
	}

	// The write connection is the only one, so a temporary trigger on it
	// fails the statement at the 250th chat, after 249 rows were changed.
	if _, err := s.write.ExecContext(ctx, fmt.Sprintf(`CREATE TEMP TRIGGER fail_midway BEFORE UPDATE OF project_id ON conversations
		WHEN new.id = %d BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`, ids[249])); err != nil {
		t.Fatal(err)
	}
	if n, err := s.MoveToProject(ctx, ids, p.ID); err == nil || !strings.Contains(err.Error(), "disk on fire") || n != 0 {
		t.Fatalf("MoveToProject with a failure half way = %d, %v", n, err)
	}
	if got := projectIDsOf(t, s, p.ID); len(got) != 0 {
		t.Fatalf("a failed move left %d chats moved", len(got))
	}
	if _, err := s.write.ExecContext(ctx, `DROP TRIGGER temp.fail_midway`); err != nil {
		t.Fatal(err)
	}

	withUnknown := append(slices.Clone(ids), 99_999)
	if _, err := s.MoveToProject(ctx, withUnknown, p.ID); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "99999") {
		t.Fatalf("MoveToProject with an unknown chat = %v", err)
	}
	if err := s.DeleteConversation(ctx, ids[10]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MoveToProject(ctx, ids, p.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("MoveToProject with a trashed chat = %v", err)
	}
	if got := projectIDsOf(t, s, p.ID); len(got) != 0 {
		t.Fatalf("a refused move left %d chats moved", len(got))
	}
	if err := s.RestoreConversation(ctx, ids[10]); err != nil {
		t.Fatal(err)
	}

	n, err := s.MoveToProject(ctx, ids, p.ID)
	if err != nil || n != 500 {
		t.Fatalf("MoveToProject = %d, %v", n, err)
	}
	if got := projectIDsOf(t, s, p.ID); len(got) != 500 {
		t.Fatalf("project holds %d chats", len(got))
	}
	if n, err := s.MoveToProject(ctx, ids[:3], p.ID); err != nil || n != 0 {
		t.Fatalf("moving chats already there = %d, %v", n, err)
	}
	if n, err := s.MoveToProject(ctx, ids[:100], 0); err != nil || n != 100 {
		t.Fatalf("moving out = %d, %v", n, err)
	}
	if got := projectIDsOf(t, s, 0); len(got) != 100 {
		t.Fatalf("outside any project: %d", len(got))
	}
	gone := mustProject(t, s, "Gone")
	if _, err := s.DeleteProject(ctx, gone.ID, MoveChatsOut); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MoveToProject(ctx, ids[:1], gone.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("moving into a deleted project = %v", err)
	}
}

func TestProjectConversationsOrder(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	tickingClock(s)
	p := mustProject(t, s, "Ordered")
	older, pinned, newer, archived := mustConversation(t, s, "older"), mustConversation(t, s, "pinned"),
		mustConversation(t, s, "newer"), mustConversation(t, s, "archived")
	outside := mustConversation(t, s, "outside")
	if _, err := s.MoveToProject(ctx, []int64{older.ID, pinned.ID, newer.ID, archived.ID}, p.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPinned(ctx, pinned.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := s.SetArchived(ctx, archived.ID, true); err != nil {
		t.Fatal(err)
	}
	mustMessage(t, s, older.ID, RoleUser, "bump") // now the most recently updated
	if ids := projectIDsOf(t, s, p.ID); !slices.Equal(ids, []int64{pinned.ID, older.ID, newer.ID}) {
		t.Fatalf("project's chats = %v", ids)
	}
	list, err := s.ProjectConversations(ctx, p.ID, ListOptions{Archived: true})
	if err != nil || !slices.Equal(conversationIDs(list), []int64{archived.ID}) {
		t.Fatalf("archived = %v, %v", conversationIDs(list), err)
	}
	list, err = s.ProjectConversations(ctx, p.ID, ListOptions{Limit: 1, Offset: 1})
	if err != nil || !slices.Equal(conversationIDs(list), []int64{older.ID}) {
		t.Fatalf("page = %v, %v", conversationIDs(list), err)
	}
	if ids := projectIDsOf(t, s, 0); !slices.Equal(ids, []int64{outside.ID}) {
		t.Fatalf("outside = %v", ids)
	}
}

func TestSearchProject(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	p, q := mustProject(t, s, "Go"), mustProject(t, s, "Rust")
	inP, inQ, outside := mustConversation(t, s, "p"), mustConversation(t, s, "q"), mustConversation(t, s, "out")
	if _, err := s.MoveToProject(ctx, []int64{inP.ID}, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MoveToProject(ctx, []int64{inQ.ID}, q.ID); err != nil {
		t.Fatal(err)
	}
	mp := mustMessage(t, s, inP.ID, RoleUser, "goroutine leaks in Go")
	mq := mustMessage(t, s, inQ.ID, RoleUser, "goroutine? no, async tasks in Go")
	mo := mustMessage(t, s, outside.ID, RoleUser, "goroutine questions in Go")
	scoped := func(project int64, query string) []int64 {
		t.Helper()
		hits, err := s.SearchProject(ctx, project, query, 50)
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]int64, len(hits))
		for i, h := range hits {
			ids[i] = h.MessageID
		}
		return ids
	}
	if ids := searchIDs(t, s, "goroutine"); len(ids) != 3 {
		t.Fatalf("unscoped: %v", ids)
	}
	for _, query := range []string{"goroutine", "Go", "goroutine in"} {
		if ids := scoped(p.ID, query); !slices.Equal(ids, []int64{mp.ID}) {
			t.Errorf("in p, %q: %v", query, ids)
		}
		if ids := scoped(q.ID, query); !slices.Equal(ids, []int64{mq.ID}) {
			t.Errorf("in q, %q: %v", query, ids)
		}
		if ids := scoped(0, query); !slices.Equal(ids, []int64{mo.ID}) {
			t.Errorf("outside, %q: %v", query, ids)
		}
	}
	// Documents' text is scoped too.
	if _, err := s.AddMessage(ctx, Message{ConversationID: inQ.ID, Role: RoleUser, Content: "see file",
		Documents: []Document{{Name: "notes.txt", Kind: "text", MIME: "text/plain", Data: []byte("x"), Text: "borrow checker notes"}}}); err != nil {
		t.Fatal(err)
	}
	if ids := scoped(q.ID, "borrow checker"); len(ids) != 1 {
		t.Fatalf("document in q: %v", ids)
	}
	if ids := scoped(p.ID, "borrow checker"); len(ids) != 0 {
		t.Fatalf("q's document found in p: %v", ids)
	}
}

func TestStartInProject(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	temp := 1.1
	p, err := s.CreateProject(ctx, Project{Name: "Defaults", Instructions: "Be kind.", EndpointID: "ep-1", Model: "qwen3",
		Params: Params{Temperature: &temp, Think: "low"}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.StartInProject(ctx, p.ID)
	if err != nil || c.ProjectID != p.ID || c.EndpointID != "ep-1" || c.Model != "qwen3" || c.Params.Think != "low" ||
		*c.Params.Temperature != 1.1 || c.SystemPrompt != "" {
		t.Fatalf("StartInProject = %+v, %v", c, err)
	}
	if _, err := s.DeleteProject(ctx, p.ID, MoveChatsOut); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartInProject(ctx, p.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("StartInProject of a deleted project = %v", err)
	}
	if _, err := s.CreateConversation(ctx, Conversation{ProjectID: p.ID}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("CreateConversation in a deleted project = %v", err)
	}
}

// TestPurgeDeletedProjects: a project deleted long enough ago goes for
// good; a trashed chat that named it stays, outside any project.
func TestPurgeDeletedProjects(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	tickingClock(s)
	p := mustProject(t, s, "Purged")
	c := mustConversation(t, s, "in trash")
	if _, err := s.MoveToProject(ctx, []int64{c.ID}, p.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteConversation(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteProject(ctx, p.ID, MoveChatsOut); err != nil {
		t.Fatal(err)
	}
	// The chat was trashed before the project, so it is purged with it
	// only if old enough: keep it by purging just the project's instant.
	var projectDeleted int64
	if err := s.read.QueryRow(`SELECT deleted_at FROM projects WHERE id = ?`, p.ID).Scan(&projectDeleted); err != nil {
		t.Fatal(err)
	}
	if _, err := s.write.Exec(`UPDATE conversations SET deleted_at = ? WHERE id = ?`, projectDeleted+10, c.ID); err != nil {
		t.Fatal(err)
	}
	now := projectDeleted + 5
	s.now = func() int64 { return now }
	if n, err := s.PurgeDeleted(ctx, 0); err != nil || n != 0 {
		t.Fatalf("PurgeDeleted = %d, %v", n, err)
	}
	var left int
	if err := s.read.QueryRow(`SELECT count(*) FROM projects`).Scan(&left); err != nil || left != 0 {
		t.Fatalf("projects left: %d, %v", left, err)
	}
	if err := s.RestoreConversation(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetConversation(ctx, c.ID); err != nil || got.ProjectID != 0 {
		t.Fatalf("chat of a purged project = %+v, %v", got, err)
	}
	if _, err := s.PurgeDeleted(ctx, -time.Second); !errors.Is(err, ErrInvalid) {
		t.Fatalf("negative age: %v", err)
	}
}

// sameIDs reports whether a and b hold the same IDs in any order.
func sameIDs(a, b []int64) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
