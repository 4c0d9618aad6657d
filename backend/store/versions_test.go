package store

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// contents returns the text of msgs, for compact comparisons.
func contents(msgs []Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.Content
	}
	return out
}

func mustPath(t *testing.T, s *Store, conversationID int64) []Message {
	t.Helper()
	path, err := s.ShownPath(context.Background(), conversationID)
	if err != nil {
		t.Fatalf("ShownPath: %v", err)
	}
	return path
}

func mustVersion(t *testing.T, s *Store, of int64, content string) Message {
	t.Helper()
	of2, err := s.GetMessage(context.Background(), of)
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.AddVersion(context.Background(), of, Message{Role: of2.Role, Content: content}, false)
	if err != nil {
		t.Fatalf("AddVersion(%d, %q): %v", of, content, err)
	}
	return v
}

// TestVersionsAreSiblingsShownOneAtATime: each new version is put on show in
// place of the one it is a version of, what followed the old one stays
// beneath it, and switching back shows it again, with the version that was
// shown beneath it then.
func TestVersionsAreSiblingsShownOneAtATime(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	c := mustConversation(t, s, "tree")
	q1 := mustMessage(t, s, c.ID, RoleUser, "q1")
	a1 := mustMessage(t, s, c.ID, RoleAssistant, "a1")
	q2 := mustMessage(t, s, c.ID, RoleUser, "q2")
	a2 := mustMessage(t, s, c.ID, RoleAssistant, "a2")
	if q2.ParentID != a1.ID || a1.ParentID != q1.ID || q1.ParentID != 0 {
		t.Fatalf("AddMessage did not follow the path: %+v %+v %+v", q1, a1, q2)
	}

	// Regenerate a1 twice: the newest is shown, with nothing beneath it yet.
	a1b := mustVersion(t, s, a1.ID, "a1b")
	a1c := mustVersion(t, s, a1.ID, "a1c")
	if !slices.Equal(a1c.Versions, []int64{a1.ID, a1b.ID, a1c.ID}) {
		t.Fatalf("versions of the new version = %v", a1c.Versions)
	}
	path := mustPath(t, s, c.ID)
	if got := contents(path); !slices.Equal(got, []string{"q1", "a1c"}) {
		t.Fatalf("shown path = %q", got)
	}
	if !slices.Equal(path[1].Versions, []int64{a1.ID, a1b.ID, a1c.ID}) || path[0].Versions != nil {
		t.Fatalf("versions on the path = %v, %v", path[0].Versions, path[1].Versions)
	}

	// Going on from a1c builds its own continuation.
	q2c := mustMessage(t, s, c.ID, RoleUser, "q2 after a1c")
	if q2c.ParentID != a1c.ID {
		t.Fatalf("new question follows %d, want %d", q2c.ParentID, a1c.ID)
	}

	// Switching back to a1 shows its own continuation.
	below, err := s.ShowVersion(ctx, a1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := contents(below); !slices.Equal(got, []string{"a1", "q2", "a2"}) {
		t.Fatalf("path shown from a1 = %q", got)
	}
	if got := contents(mustPath(t, s, c.ID)); !slices.Equal(got, []string{"q1", "a1", "q2", "a2"}) {
		t.Fatalf("shown path after switching = %q", got)
	}
	// An edit of q2 beneath a1, then a switch away and back: the edit is what
	// was shown beneath a1 last, so it is shown again.
	q2e, err := s.AddVersion(ctx, q2.ID, Message{Role: RoleUser, Content: "q2 edited"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ShowVersion(ctx, a1c.ID); err != nil {
		t.Fatal(err)
	}
	if got := contents(mustPath(t, s, c.ID)); !slices.Equal(got, []string{"q1", "a1c", "q2 after a1c"}) {
		t.Fatalf("shown path after switching to a1c = %q", got)
	}
	if _, err := s.ShowVersion(ctx, a1.ID); err != nil {
		t.Fatal(err)
	}
	path = mustPath(t, s, c.ID)
	if got := contents(path); !slices.Equal(got, []string{"q1", "a1", "q2 edited"}) {
		t.Fatalf("shown path after switching back = %q", got)
	}
	if !slices.Equal(path[2].Versions, []int64{q2.ID, q2e.ID}) {
		t.Fatalf("versions of the edited question = %v", path[2].Versions)
	}

	// Thread is the path above a message, whatever is shown.
	thread, err := s.Thread(ctx, a2.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := contents(thread); !slices.Equal(got, []string{"q1", "a1", "q2", "a2"}) {
		t.Fatalf("Thread(a2) = %q", got)
	}
	// Every version is still there, and searchable.
	if all, _ := s.Messages(ctx, c.ID); len(all) != 8 {
		t.Fatalf("%d messages in the tree, want 8", len(all))
	}
	if ids := searchIDs(t, s, "a1b"); !slices.Equal(ids, []int64{a1b.ID}) {
		t.Fatalf("a version off the shown path is not searchable: %v", ids)
	}
	checkSearchIndex(t, s)
}

// TestEditedQuestionKeepsItsImages: an edit is a version of the question
// with copies of its pictures; the original keeps its own.
func TestEditedQuestionKeepsItsImages(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	c := mustConversation(t, s, "pictures")
	q, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: RoleUser, Content: "what is this?",
		Images: []Image{{Name: "a.png", MIME: "image/png", Width: 1, Height: 1, Data: []byte("png")}}})
	if err != nil {
		t.Fatal(err)
	}
	edited, err := s.AddVersion(ctx, q.ID, Message{Role: RoleUser, Content: "what is this, exactly?"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(edited.Images) != 1 || edited.Images[0].ID == q.Images[0].ID || edited.ParentID != 0 {
		t.Fatalf("edited first question = %+v", edited)
	}
	if _, err := s.AddVersion(ctx, q.ID, Message{Role: RoleAssistant, Content: "wrong role"}, false); !errors.Is(err, ErrInvalid) {
		t.Fatalf("a version of another role: %v, want ErrInvalid", err)
	}
	if _, err := s.AddVersion(ctx, 9999, Message{Role: RoleUser, Content: "x"}, false); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a version of an unknown message: %v, want ErrNotFound", err)
	}
}

// TestDeleteVersionAndDeleteMessage: deleting a version takes what follows
// it; deleting a message takes all its versions and keeps what follows the
// one given.
func TestDeleteVersionAndDeleteMessage(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	c := mustConversation(t, s, "deletes")
	mustMessage(t, s, c.ID, RoleUser, "q1")
	a1 := mustMessage(t, s, c.ID, RoleAssistant, "a1")
	mustMessage(t, s, c.ID, RoleUser, "q2")
	mustMessage(t, s, c.ID, RoleAssistant, "a2")
	a1b := mustVersion(t, s, a1.ID, "a1b")
	mustMessage(t, s, c.ID, RoleUser, "q2 after a1b")

	n, err := s.DeleteVersion(ctx, a1b.ID)
	if err != nil || n != 2 {
		t.Fatalf("DeleteVersion = %d, %v; want 2", n, err)
	}
	if got := contents(mustPath(t, s, c.ID)); !slices.Equal(got, []string{"q1", "a1", "q2", "a2"}) {
		t.Fatalf("after deleting a version: %q", got)
	}

	a1c := mustVersion(t, s, a1.ID, "a1c")
	mustMessage(t, s, c.ID, RoleUser, "q2 after a1c")
	if _, err := s.ShowVersion(ctx, a1.ID); err != nil {
		t.Fatal(err)
	}
	// All versions of a1 go, a1c's continuation with it; what follows a1 stays.
	n, err = s.DeleteMessage(ctx, a1.ID)
	if err != nil || n != 3 {
		t.Fatalf("DeleteMessage = %d, %v; want 3", n, err)
	}
	if got := contents(mustPath(t, s, c.ID)); !slices.Equal(got, []string{"q1", "q2", "a2"}) {
		t.Fatalf("after deleting a message with its versions: %q", got)
	}
	if _, err := s.GetMessage(ctx, a1c.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another version survived: %v", err)
	}
	checkSearchIndex(t, s)

	// A streaming answer is refused either way.
	live, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: RoleAssistant, State: StateStreaming})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteVersion(ctx, live.ID); !errors.Is(err, ErrInvalid) {
		t.Fatalf("deleting a streaming version: %v", err)
	}
	if _, err := s.DeleteMessage(ctx, live.ID); !errors.Is(err, ErrInvalid) {
		t.Fatalf("deleting a streaming message: %v", err)
	}
}

// TestMigratedRegenerationsBecomeVersions: before version 12 Regenerate
// added the new answer after the old one; the migration makes each a version
// of the other, shows the newest (the one later turns were sent with), and
// the conversation goes on from it.
func TestMigratedRegenerationsBecomeVersions(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "brook.db")
	raw := openRawAt(t, path, 11)
	exec := func(q string) {
		t.Helper()
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	exec(`INSERT INTO conversations (id, uid, title, created_at, updated_at) VALUES (1, 'c', 'regenerated', 1, 1)`)
	exec(`INSERT INTO messages (id, uid, conversation_id, role, content, state, created_at, updated_at) VALUES
		(1, 'm1', 1, 'system', 'be brief', 'complete', 1, 1),
		(2, 'm2', 1, 'user', 'q1', 'complete', 2, 2),
		(3, 'm3', 1, 'assistant', 'a1', 'complete', 3, 3),
		(4, 'm4', 1, 'assistant', 'a1 again', 'failed', 4, 4),
		(5, 'm5', 1, 'assistant', 'a1 third', 'complete', 5, 5),
		(6, 'm6', 1, 'user', 'q2', 'complete', 6, 6),
		(7, 'm7', 1, 'user', 'q3 after a deleted answer', 'complete', 7, 7),
		(8, 'm8', 1, 'assistant', 'a3', 'complete', 8, 8)`)
	raw.Close()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := mustPath(t, s, 1)
	if c := contents(got); !slices.Equal(c, []string{"be brief", "q1", "a1 third", "q2", "q3 after a deleted answer", "a3"}) {
		t.Fatalf("migrated path = %q", c)
	}
	if !slices.Equal(got[2].Versions, []int64{3, 4, 5}) {
		t.Fatalf("versions of the regenerated answer = %v", got[2].Versions)
	}
	if _, err := s.ShowVersion(ctx, 3); err != nil {
		t.Fatal(err)
	}
	if c := contents(mustPath(t, s, 1)); !slices.Equal(c, []string{"be brief", "q1", "a1"}) {
		t.Fatalf("path after showing the first answer = %q", c)
	}
}

// TestSIGKILLDuringVersionSwitchesLeavesAConsistentTree kills a process
// that switches versions as fast as it can, again and again, and checks the
// tree each time: sound database, every parent present, one path shown.
func TestSIGKILLDuringVersionSwitchesLeavesAConsistentTree(t *testing.T) {
	if os.Getenv("BROOK_SWITCH_DB") != "" {
		t.Skip("the child's own run")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "brook.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	c := mustConversation(t, s, "switching")
	for turn := range 20 {
		mustMessage(t, s, c.ID, RoleUser, "q"+strconv.Itoa(turn))
		a := mustMessage(t, s, c.ID, RoleAssistant, "a"+strconv.Itoa(turn))
		for v := range 3 {
			mustVersion(t, s, a.ID, "a"+strconv.Itoa(turn)+"/"+strconv.Itoa(v))
		}
	}
	lastShown := func(s *Store) (n int64) {
		t.Helper()
		if err := s.read.QueryRow(`SELECT max(shown_at) FROM messages`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := lastShown(s)
	s.Close()

	for round := range 8 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSwitchVersionsForever$")
		cmd.Env = append(os.Environ(), "BROOK_SWITCH_DB="+path)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(150+rand.IntN(300)) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()

		s, err := Open(path)
		if err != nil {
			t.Fatalf("round %d: open after kill: %v", round, err)
		}
		var integrity string
		if err := s.read.QueryRow(`PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
			t.Fatalf("round %d: integrity_check = %q, %v", round, integrity, err)
		}
		var orphans int
		if err := s.read.QueryRow(`SELECT count(*) FROM messages m WHERE m.parent_id IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM messages p WHERE p.id = m.parent_id AND p.conversation_id = m.conversation_id)`).Scan(&orphans); err != nil || orphans != 0 {
			t.Fatalf("round %d: %d messages follow a missing parent (%v)", round, orphans, err)
		}
		// The path runs from the first question, parent to child, to a
		// message nothing follows.
		p := mustPath(t, s, c.ID)
		if len(p) < 2 || p[0].ParentID != 0 || p[0].Content != "q0" {
			t.Fatalf("round %d: shown path = %q", round, contents(p))
		}
		for i := 1; i < len(p); i++ {
			if p[i].ParentID != p[i-1].ID {
				t.Fatalf("round %d: the path breaks at %d", round, i)
			}
		}
		var below int
		if err := s.read.QueryRow(`SELECT count(*) FROM messages WHERE parent_id = ?`, p[len(p)-1].ID).Scan(&below); err != nil || below != 0 {
			t.Fatalf("round %d: the shown path stops above %d more messages (%v)", round, below, err)
		}
		if all, _ := s.Messages(ctx, c.ID); len(all) != 100 {
			t.Fatalf("round %d: %d messages, want 100", round, len(all))
		}
		if round == 7 && lastShown(s) == before {
			t.Fatal("the child never switched a version before it was killed")
		}
		s.Close()
	}
}

// TestSwitchVersionsForever is the child of the test above: it switches
// versions until it is killed.
func TestSwitchVersionsForever(t *testing.T) {
	path := os.Getenv("BROOK_SWITCH_DB")
	if path == "" {
		t.Skip("run by TestSIGKILLDuringVersionSwitchesLeavesAConsistentTree")
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	all, err := s.Messages(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	var answers []int64
	for _, m := range all {
		if m.Role == RoleAssistant {
			answers = append(answers, m.ID)
		}
	}
	for {
		if _, err := s.ShowVersion(context.Background(), answers[rand.IntN(len(answers))]); err != nil {
			t.Fatal(err)
		}
	}
}

// TestShowVersionBringsABranchIntoView: showing a message deep in a branch
// that is not shown (a search hit) shows every message above it too.
func TestShowVersionBringsABranchIntoView(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	c := mustConversation(t, s, "deep")
	mustMessage(t, s, c.ID, RoleUser, "q1")
	a1 := mustMessage(t, s, c.ID, RoleAssistant, "a1")
	mustMessage(t, s, c.ID, RoleUser, "q2")
	deep := mustMessage(t, s, c.ID, RoleAssistant, "deep answer")
	mustVersion(t, s, a1.ID, "a1b")
	if got := contents(mustPath(t, s, c.ID)); !slices.Equal(got, []string{"q1", "a1b"}) {
		t.Fatalf("before: %q", got)
	}
	if _, err := s.ShowVersion(ctx, deep.ID); err != nil {
		t.Fatal(err)
	}
	if got := contents(mustPath(t, s, c.ID)); !slices.Equal(got, []string{"q1", "a1", "q2", "deep answer"}) {
		t.Fatalf("after showing the deep answer: %q", got)
	}
}
