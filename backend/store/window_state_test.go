package store

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"brook/backend/window"
)

// TestWindowState: the window's place is remembered beside the other app
// state, without touching it, and a value that cannot be read is forgotten.
func TestWindowState(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	if err := s.SetLastModel(ctx, "ep-1", "llama3"); err != nil {
		t.Fatal(err)
	}
	r := window.Rect{X: 40, Y: -20, Width: 1400, Height: 900, Maximised: true}
	if err := s.SetWindow(ctx, r); err != nil {
		t.Fatal(err)
	}
	want := AppState{LastEndpointID: "ep-1", LastModel: "llama3", Window: r}
	if st, err := s.AppState(ctx); err != nil || st != want {
		t.Fatalf("AppState = %+v, %v; want %+v", st, err, want)
	}
	r.Maximised = false
	if err := s.SetWindow(ctx, r); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.AppState(ctx); st.Window != r {
		t.Fatalf("window = %+v, want %+v", st.Window, r)
	}
	if _, err := s.write.ExecContext(ctx, `UPDATE app_state SET value = '{"width": "wide"' WHERE key = 'window'`); err != nil {
		t.Fatal(err)
	}
	if st, err := s.AppState(ctx); err != nil || st.Window != (window.Rect{}) || st.LastModel != "llama3" {
		t.Fatalf("after a damaged value: %+v, %v", st, err)
	}
}

// TestWindowStateOnAMigratedDatabase: a database filled at the first version
// with app_state (9) and migrated to the latest keeps its state and takes
// the window's.
func TestWindowStateOnAMigratedDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "brook.db")
	raw := openRawAt(t, path, 9)
	seedVersion(t, raw, 9)
	raw.Close()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := window.Rect{X: 1, Y: 2, Width: 1000, Height: 700}
	if err := s.SetWindow(ctx, r); err != nil {
		t.Fatal(err)
	}
	st, err := s.AppState(ctx)
	if err != nil || st.Window != r || st.LastModel != "qwen3:8b" || st.SeededOllamaURL == "" {
		t.Fatalf("AppState = %+v, %v", st, err)
	}
}

// openRawAt creates a database at path at schema version k.
func openRawAt(t *testing.T, path string, k int) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", dataSourceName(path))
	if err != nil {
		t.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	if err := migrate(context.Background(), raw, k); err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestPeekWindow(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	missing := filepath.Join(dir, "none.db")
	if r := PeekWindow(missing); r != (window.Rect{}) {
		t.Fatalf("no database: %+v", r)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Fatalf("PeekWindow created the database: %v", err)
	}
	old := filepath.Join(dir, "old.db")
	openRawAt(t, old, 8).Close()
	if r := PeekWindow(old); r != (window.Rect{}) {
		t.Fatalf("version 8 database: %+v", r)
	}
	path := filepath.Join(dir, "brook.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if r := PeekWindow(path); r != (window.Rect{}) {
		t.Fatalf("nothing saved: %+v", r)
	}
	want := window.Rect{X: 5, Y: 6, Width: 1024, Height: 768, Maximised: true}
	if err := s.SetWindow(ctx, want); err != nil {
		t.Fatal(err)
	}
	// A read-only peek works beside a store that has the database open.
	if r := PeekWindow(path); r != want {
		t.Fatalf("PeekWindow = %+v, want %+v", r, want)
	}
}
