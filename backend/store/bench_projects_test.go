package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"
)

// The projects benchmark database: 10,000 conversations of 10 messages
// across 50 projects, one of them (the first) holding 2,000 conversations,
// the other 49 holding 160 each and 160 outside any project; and 20
// assistants. It is cached in os.TempDir() like the main benchmark
// database (see cachedBenchDB), under its own name.
const (
	projectsBenchChats       = 10_000
	projectsBenchProjects    = 50
	projectsBenchBigProject  = 2_000
	projectsBenchPerProject  = 160
	projectsBenchMessages    = 10 // per conversation
	projectsBenchAssistants  = 20
	projectsBenchGenerator   = "projects-v1"
	projectsBenchMoveBatch   = 500
	projectsBenchSidebarPage = 50
)

var projectsBenchDB = &cachedBenchDB{prefix: "brook-bench-projects", generator: projectsBenchGenerator, generate: generateProjectsBench}

func openProjectsBench(b *testing.B) *Store { return projectsBenchDB.open(b) }

// projectOfChat is the project (1-based, 0 for none) of the i-th
// conversation (0-based): the first 2,000 in project 1, then 160 for each
// of the others, the last 160 outside any project.
func projectOfChat(i int) int64 {
	if i < projectsBenchBigProject {
		return 1
	}
	p := 2 + (i-projectsBenchBigProject)/projectsBenchPerProject
	if p > projectsBenchProjects {
		return 0
	}
	return int64(p)
}

// generateProjectsBench writes the projects benchmark database under a
// temporary name and renames it when done, so an interrupted run never
// leaves a partial cache.
func generateProjectsBench(path string) error {
	started := time.Now()
	tmp := path + ".generating"
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
	s, err := Open(tmp)
	if err != nil {
		return err
	}
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	text := newTextGenerator(rng)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	for i := 1; i <= projectsBenchProjects; i++ {
		if _, err := s.CreateProject(ctx, Project{Name: fmt.Sprintf("Project %d", i), Instructions: text.sentence()}); err != nil {
			s.Close()
			return err
		}
	}
	for i := 1; i <= projectsBenchAssistants; i++ {
		if _, err := s.CreateAssistant(ctx, Assistant{Name: fmt.Sprintf("Assistant %d", i), Instructions: text.sentence()}); err != nil {
			s.Close()
			return err
		}
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		conv, err := tx.PrepareContext(ctx, `INSERT INTO conversations
			(id, uid, title, title_is_auto, created_at, updated_at, pinned, endpoint_id, model, system_prompt, params, project_id)
			VALUES (?, ?, ?, 0, ?, ?, ?, 'ep-local', 'llama3.2', '', '{}', ?)`)
		if err != nil {
			return err
		}
		defer conv.Close()
		msg, err := tx.PrepareContext(ctx, `INSERT INTO messages
			(uid, conversation_id, role, content, state, created_at, updated_at, parent_id, shown_at)
			VALUES (?, ?, ?, ?, 'complete', ?, ?, ?, ?) RETURNING id`)
		if err != nil {
			return err
		}
		defer msg.Close()
		// Conversations are shuffled in time, so a project's chats are
		// spread over the whole history as in real use.
		order := rng.Perm(projectsBenchChats)
		for i := range projectsBenchChats {
			id := int64(i + 1)
			at := base + int64(order[i])*3_600_000
			if _, err := conv.ExecContext(ctx, id, fmt.Sprintf("bench-p-conv-%d", id), text.title(), at,
				at+int64(projectsBenchMessages)*60_000, i%97 == 0, nullID(projectOfChat(i))); err != nil {
				return err
			}
			var parent int64
			for j := range projectsBenchMessages {
				role, content := RoleUser, text.question()
				if j%2 == 1 {
					role, content = RoleAssistant, text.answer()
				}
				when := at + int64(j)*60_000
				if err := msg.QueryRowContext(ctx, fmt.Sprintf("bench-p-msg-%d-%d", id, j), id, role, content,
					when, when, nullID(parent), when).Scan(&parent); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err == nil {
		_, err = s.write.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	if err != nil {
		s.Close()
		return err
	}
	if err := s.Close(); err != nil {
		return err
	}
	info, _ := os.Stat(tmp)
	fmt.Fprintf(os.Stderr, "projects bench database: done in %s, %d MB\n", time.Since(started).Round(time.Second), info.Size()>>20)
	return os.Rename(tmp, path)
}

// BenchmarkProjectSidebar lists the first page of the big project's chats,
// as the sidebar does when it is opened.
func BenchmarkProjectSidebar(b *testing.B) {
	s := openProjectsBench(b)
	ctx := context.Background()
	for _, c := range []struct {
		name    string
		project int64
	}{{"big project", 1}, {"small project", 2}, {"outside any project", 0}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				list, err := s.ProjectConversations(ctx, c.project, ListOptions{Limit: projectsBenchSidebarPage})
				if err != nil || len(list) != min(projectsBenchSidebarPage, projectsBenchPerProject) {
					b.Fatalf("ProjectConversations: %d, %v", len(list), err)
				}
			}
		})
	}
}

// BenchmarkSwitchProjects is one switch of project in the sidebar: the
// list of projects, then the first page of the next project's chats.
func BenchmarkSwitchProjects(b *testing.B) {
	s := openProjectsBench(b)
	ctx := context.Background()
	next := int64(0)
	for b.Loop() {
		projects, err := s.ListProjects(ctx)
		if err != nil || len(projects) != projectsBenchProjects {
			b.Fatalf("ListProjects: %d, %v", len(projects), err)
		}
		next = next%projectsBenchProjects + 1
		list, err := s.ProjectConversations(ctx, next, ListOptions{Limit: projectsBenchSidebarPage})
		if err != nil || len(list) != projectsBenchSidebarPage {
			b.Fatalf("ProjectConversations(%d): %d, %v", next, len(list), err)
		}
	}
}

// BenchmarkSearchProject searches within the big project (a fifth of all
// chats) and within a small one (1.6%), beside the same search unscoped.
func BenchmarkSearchProject(b *testing.B) {
	s := openProjectsBench(b)
	ctx := context.Background()
	queries := []struct{ name, query string }{
		{"rare word", "kubernetes rollback"},
		{"japanese", "東京タワー"},
		{"common word", "function"},
		{"short query", "Go"},
	}
	scopes := []struct {
		name    string
		project int64
	}{{"all", -1}, {"big project", 1}, {"small project", 2}}
	for _, q := range queries {
		for _, sc := range scopes {
			b.Run(q.name+"/"+sc.name, func(b *testing.B) {
				hits := 0
				for b.Loop() {
					var list []SearchHit
					var err error
					if sc.project < 0 {
						list, err = s.Search(ctx, q.query, 50)
					} else {
						list, err = s.SearchProject(ctx, sc.project, q.query, 50)
					}
					if err != nil {
						b.Fatal(err)
					}
					hits = len(list)
				}
				b.ReportMetric(float64(hits), "hits")
			})
		}
	}
}

// BenchmarkMove500 moves 500 of the big project's chats to another project
// and back: two moves of 500 per operation, so the database ends as it
// began. ms/move is the time of one move.
func BenchmarkMove500(b *testing.B) {
	s := openProjectsBench(b)
	ctx := context.Background()
	ids := make([]int64, projectsBenchMoveBatch)
	for i := range ids {
		ids[i] = int64(1 + i*3) // spread over the project's chats
	}
	for _, id := range ids {
		if projectOfChat(int(id-1)) != 1 {
			b.Fatalf("chat %d is not in the big project", id)
		}
	}
	var moving time.Duration
	for b.Loop() {
		started := time.Now()
		if n, err := s.MoveToProject(ctx, ids, 2); err != nil || n != len(ids) {
			b.Fatalf("MoveToProject: %d, %v", n, err)
		}
		if n, err := s.MoveToProject(ctx, ids, 1); err != nil || n != len(ids) {
			b.Fatalf("MoveToProject back: %d, %v", n, err)
		}
		moving += time.Since(started)
	}
	b.ReportMetric(float64(moving.Microseconds())/float64(2*b.N)/1000, "ms/move")
}

// BenchmarkListAssistants lists the 20 assistants.
func BenchmarkListAssistants(b *testing.B) {
	s := openProjectsBench(b)
	ctx := context.Background()
	for b.Loop() {
		list, err := s.ListAssistants(ctx)
		if err != nil || len(list) != projectsBenchAssistants {
			b.Fatalf("ListAssistants: %d, %v", len(list), err)
		}
	}
}

// BenchmarkProjectCounts counts every project's chats, as the sidebar does
// on every refresh: its numbers must be right beyond the 500 chats it loads.
func BenchmarkProjectCounts(b *testing.B) {
	s := openProjectsBench(b)
	ctx := context.Background()
	for b.Loop() {
		counts, err := s.ProjectCounts(ctx, false)
		if err != nil || len(counts) != projectsBenchProjects || counts[0].Chats != projectsBenchBigProject {
			b.Fatalf("ProjectCounts: %v, %v", counts, err)
		}
	}
}

// BenchmarkArchive500 archives 500 of the big project's chats and
// unarchives them: one transaction each way.
func BenchmarkArchive500(b *testing.B) {
	s := openProjectsBench(b)
	ctx := context.Background()
	ids := make([]int64, projectsBenchMoveBatch)
	for i := range ids {
		ids[i] = int64(2 + i*3)
	}
	for b.Loop() {
		if n, err := s.ArchiveMany(ctx, ids, true); err != nil || n != len(ids) {
			b.Fatalf("ArchiveMany: %d, %v", n, err)
		}
		if n, err := s.ArchiveMany(ctx, ids, false); err != nil || n != len(ids) {
			b.Fatalf("ArchiveMany back: %d, %v", n, err)
		}
	}
}
