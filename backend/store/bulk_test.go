package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
)

// TestBulkAllOrNothing archives, deletes and restores several
// conversations at once: one unknown or trashed id makes the whole call
// fail and change nothing.
func TestBulkAllOrNothing(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	a, b, c := mustConversation(t, s, "a"), mustConversation(t, s, "b"), mustConversation(t, s, "c")

	if _, err := s.ArchiveMany(ctx, []int64{a.ID, b.ID, 9999}, true); !errors.Is(err, ErrNotFound) {
		t.Fatalf("ArchiveMany with an unknown id: %v, want ErrNotFound", err)
	}
	if got, _ := s.GetConversation(ctx, a.ID); got.Archived {
		t.Fatal("a was archived though the call failed")
	}
	n, err := s.ArchiveMany(ctx, []int64{a.ID, b.ID}, true)
	if err != nil || n != 2 {
		t.Fatalf("ArchiveMany: %d, %v", n, err)
	}
	if got, _ := s.GetConversation(ctx, b.ID); !got.Archived {
		t.Fatal("b is not archived")
	}

	if n, err := s.DeleteMany(ctx, []int64{a.ID, c.ID}); err != nil || n != 2 {
		t.Fatalf("DeleteMany: %d, %v", n, err)
	}
	if _, err := s.DeleteMany(ctx, []int64{b.ID, c.ID}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("DeleteMany of a trashed chat: %v, want ErrNotFound", err)
	}
	if _, err := s.GetConversation(ctx, b.ID); err != nil {
		t.Fatalf("b went with a failed DeleteMany: %v", err)
	}
	if _, err := s.RestoreMany(ctx, []int64{a.ID, b.ID}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("RestoreMany of a live chat: %v, want ErrNotFound", err)
	}
	if n, err := s.RestoreMany(ctx, []int64{a.ID, c.ID}); err != nil || n != 2 {
		t.Fatalf("RestoreMany: %d, %v", n, err)
	}
	for _, id := range []int64{a.ID, c.ID} {
		if _, err := s.GetConversation(ctx, id); err != nil {
			t.Fatalf("conversation %d not restored: %v", id, err)
		}
	}
}

// TestBulkRefusesBadLists refuses an empty list, a repeated id and a list
// over MaxBulk, with ErrInvalid.
func TestBulkRefusesBadLists(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	a := mustConversation(t, s, "a")
	tooMany := make([]int64, MaxBulk+1)
	for i := range tooMany {
		tooMany[i] = int64(i + 1)
	}
	for name, ids := range map[string][]int64{"empty": nil, "twice": {a.ID, a.ID}, "too many": tooMany, "zero": {0}} {
		if _, err := s.DeleteMany(ctx, ids); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	if _, err := s.GetConversation(ctx, a.ID); err != nil {
		t.Fatalf("a is gone: %v", err)
	}
}

// TestRestoreManyIntoDeletedProject brings chats back outside any project
// when their project was deleted meanwhile.
func TestRestoreManyIntoDeletedProject(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	tickingClock(s)
	p := mustProject(t, s, "P")
	a := mustConversation(t, s, "a")
	if _, err := s.MoveToProject(ctx, []int64{a.ID}, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteMany(ctx, []int64{a.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteProject(ctx, p.ID, MoveChatsOut); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RestoreMany(ctx, []int64{a.ID}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetConversation(ctx, a.ID); got.ProjectID != 0 {
		t.Fatalf("restored into deleted project %d", got.ProjectID)
	}
}

// TestProjectCountsBeyondTheList counts a project's chats from the store,
// archived ones apart, deleted ones and deleted projects left out.
func TestProjectCountsBeyondTheList(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	p, q, gone := mustProject(t, s, "P"), mustProject(t, s, "Q"), mustProject(t, s, "gone")
	var inP []int64
	for range 7 {
		inP = append(inP, mustConversation(t, s, "x").ID)
	}
	q1 := mustConversation(t, s, "q")
	g1 := mustConversation(t, s, "g")
	mustConversation(t, s, "loose")
	for _, m := range []struct {
		ids []int64
		to  int64
	}{{inP, p.ID}, {[]int64{q1.ID}, q.ID}, {[]int64{g1.ID}, gone.ID}} {
		if _, err := s.MoveToProject(ctx, m.ids, m.to); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.ArchiveMany(ctx, inP[:2], true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteMany(ctx, inP[2:3]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteProject(ctx, gone.ID, TrashChats); err != nil {
		t.Fatal(err)
	}
	got, err := s.ProjectCounts(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	want := []ProjectCount{{p.ID, 4}, {q.ID, 1}}
	if !slices.Equal(got, want) {
		t.Fatalf("ProjectCounts = %v, want %v", got, want)
	}
	archived, err := s.ProjectCounts(ctx, true)
	if err != nil || !slices.Equal(archived, []ProjectCount{{p.ID, 2}}) {
		t.Fatalf("archived ProjectCounts = %v, %v", archived, err)
	}
	ids, err := s.ProjectConversationIDs(ctx, p.ID)
	if err != nil || len(ids) != 6 {
		t.Fatalf("ProjectConversationIDs = %v, %v; want the 6 live ones", ids, err)
	}
	if _, err := s.ProjectConversationIDs(ctx, gone.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("ProjectConversationIDs of a deleted project: %v", err)
	}
}

// TestImportAssistantsRefusesTooMany refuses a file of more assistants
// than MaxImportAssistants, and one with a bad assistant among good ones,
// storing none of them.
func TestImportAssistantsRefusesTooMany(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	many := make([]Assistant, MaxImportAssistants+1)
	for i := range many {
		many[i] = Assistant{UID: fmt.Sprintf("u%d", i), Name: "A"}
	}
	if _, err := s.ImportAssistants(ctx, many); !errors.Is(err, ErrInvalid) {
		t.Fatalf("too many: %v, want ErrInvalid", err)
	}
	bad := []Assistant{{UID: "ok", Name: "Good"}, {UID: "bad", Name: ""}}
	if _, err := s.ImportAssistants(ctx, bad); !errors.Is(err, ErrInvalid) {
		t.Fatalf("a bad one: %v, want ErrInvalid", err)
	}
	if list, err := s.ListAssistants(ctx); err != nil || len(list) != 0 {
		t.Fatalf("after refused imports: %d assistants, %v", len(list), err)
	}
}

// TestImportRefusesTooManyProjects refuses a file whose chats name more
// than MaxImportProjects projects, storing nothing.
func TestImportRefusesTooManyProjects(t *testing.T) {
	s := openTestStore(t)
	bundles := make([]Bundle, MaxImportProjects+1)
	for i := range bundles {
		bundles[i] = Bundle{
			Conversation: Conversation{UID: fmt.Sprintf("c%d", i), Title: "t"},
			Project:      &BundleProject{UID: fmt.Sprintf("p%d", i), Name: "P"},
		}
	}
	if _, err := s.Import(context.Background(), bundles); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Import: %v, want ErrInvalid", err)
	}
	if list, err := s.ListProjects(context.Background()); err != nil || len(list) != 0 {
		t.Fatalf("projects after a refused import: %d, %v", len(list), err)
	}
}
