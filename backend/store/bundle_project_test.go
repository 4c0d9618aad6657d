package store

import (
	"context"
	"errors"
	"testing"
)

// projectBundle is a bundle of one question in project bp.
func projectBundle(uid string, bp *BundleProject) Bundle {
	return Bundle{
		Conversation: Conversation{UID: uid, Title: uid, CreatedAt: 1000, ProjectID: 77, AssistantID: 88, AssistantName: "Helper"},
		Messages:     []Message{{UID: uid + "-m", Role: RoleUser, Content: "hello " + uid, State: StateComplete, CreatedAt: 1000}},
		Project:      bp,
	}
}

func TestExportCarriesProject(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	p, err := s.CreateProject(ctx, Project{Name: "Carried", Instructions: "Be exact.", Emoji: "📐"})
	if err != nil {
		t.Fatal(err)
	}
	in, err := s.StartInProject(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := mustConversation(t, s, "outside")
	bundles, err := s.Bundles(ctx, []int64{in.ID, out.ID})
	if err != nil {
		t.Fatal(err)
	}
	if bp := bundles[0].Project; bp == nil || bp.UID != p.UID || bp.Name != "Carried" || bp.Instructions != "Be exact." || bp.Emoji != "📐" {
		t.Fatalf("bundle's project = %+v", bp)
	}
	if bundles[1].Project != nil {
		t.Fatalf("a chat outside any project carries %+v", bundles[1].Project)
	}
}

func TestImportResolvesProjects(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	shared := &BundleProject{UID: "proj-1", Name: "Shared", Instructions: "Same."}
	res, err := s.Import(ctx, []Bundle{projectBundle("a", shared), projectBundle("b", shared)})
	if err != nil || res.Imported != 2 {
		t.Fatalf("Import = %+v, %v", res, err)
	}
	projects, _ := s.ListProjects(ctx)
	if len(projects) != 1 || projects[0].UID != "proj-1" {
		t.Fatalf("projects = %+v", projects)
	}
	list, _ := s.ProjectConversations(ctx, projects[0].ID, ListOptions{})
	if len(list) != 2 {
		t.Fatalf("the project holds %d chats", len(list))
	}
	for _, c := range list {
		if c.AssistantID != 0 || c.AssistantName != "Helper" {
			t.Fatalf("imported chat = %+v", c)
		}
	}

	// Same UID, same content: reused.
	if _, err := s.Import(ctx, []Bundle{projectBundle("c", shared)}); err != nil {
		t.Fatal(err)
	}
	if projects, _ := s.ListProjects(ctx); len(projects) != 1 {
		t.Fatalf("reimport duplicated the project: %+v", projects)
	}

	// Same UID, other content: one copy, holding both chats of the import.
	changed := &BundleProject{UID: "proj-1", Name: "Shared", Instructions: "Changed."}
	if _, err := s.Import(ctx, []Bundle{projectBundle("d", changed), projectBundle("e", changed)}); err != nil {
		t.Fatal(err)
	}
	projects, _ = s.ListProjects(ctx)
	if len(projects) != 2 || projects[1].UID == "proj-1" || projects[1].Instructions != "Changed." {
		t.Fatalf("projects = %+v", projects)
	}
	if list, _ := s.ProjectConversations(ctx, projects[1].ID, ListOptions{}); len(list) != 2 {
		t.Fatalf("the copy holds %d chats", len(list))
	}

	// A deleted project keeps its UID for undo: the import adds a copy.
	gone := &BundleProject{UID: "proj-gone", Name: "Gone"}
	if _, err := s.Import(ctx, []Bundle{projectBundle("f", gone)}); err != nil {
		t.Fatal(err)
	}
	projects, _ = s.ListProjects(ctx)
	if _, err := s.DeleteProject(ctx, projects[2].ID, TrashChats); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(ctx, []Bundle{projectBundle("g", gone)}); err != nil {
		t.Fatal(err)
	}
	projects, _ = s.ListProjects(ctx)
	if len(projects) != 3 || projects[2].Name != "Gone" || projects[2].UID == "proj-gone" {
		t.Fatalf("projects = %+v", projects)
	}
}

func TestImportRefusesBadProject(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	for name, bp := range map[string]*BundleProject{
		"no uid":  {Name: "x"},
		"no name": {UID: "p"},
		"colour":  {UID: "p", Name: "x", Colour: "#12"},
	} {
		_, err := s.Import(ctx, []Bundle{projectBundle("ok", &BundleProject{UID: "fine", Name: "Fine"}), projectBundle("bad", bp)})
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: Import = %v", name, err)
		}
	}
	if list, _ := s.ListConversations(ctx, ListOptions{}); len(list) != 0 {
		t.Fatalf("a refused import wrote %d chats", len(list))
	}
	if projects, _ := s.ListProjects(ctx); len(projects) != 0 {
		t.Fatalf("a refused import wrote projects: %+v", projects)
	}
}
