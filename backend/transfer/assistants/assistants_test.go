package assistants

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"brook/backend/store"
)

var exportedAt = time.Date(2026, 12, 6, 22, 0, 0, 0, time.UTC)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestRoundTrip writes a store's assistants, reads the file back and
// imports it into another store: every assistant arrives as it was, and a
// second import adds nothing.
func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	from := openStore(t)
	temp := 0.0 // a zero temperature is a choice and must survive
	for _, a := range []store.Assistant{
		{Name: "Tutor <&>", Instructions: "Ask one question at a time.\nNever give the answer.", EndpointID: "ep", Model: "qwen3:8b",
			Params: store.Params{Temperature: &temp, ContextLength: 8192, MaxTokens: 512, Think: "high"}, FirstMessage: "What shall we study?"},
		{Name: "翻訳者", Instructions: "日本語に翻訳してください。"},
	} {
		if _, err := from.CreateAssistant(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	list, err := from.ListAssistants(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, list, exportedAt); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"format": "brook-assistants"`, `"version": 1`, `"Tutor <&>"`, `"temperature": 0`, `"firstMessage"`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("the file has no %s:\n%s", want, buf.String())
		}
	}
	if strings.Contains(buf.String(), `"id"`) {
		t.Errorf("the file carries database IDs:\n%s", buf.String())
	}
	parsed, err := Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	to := openStore(t)
	res, err := to.ImportAssistants(ctx, parsed)
	if err != nil || res.Imported != 2 || res.Copied != 0 {
		t.Fatalf("ImportAssistants = %+v, %v", res, err)
	}
	got, _ := to.ListAssistants(ctx)
	for i := range got {
		w := list[i]
		g := got[i]
		if g.UID != w.UID || g.Name != w.Name || g.Instructions != w.Instructions || g.Model != w.Model || g.EndpointID != w.EndpointID ||
			g.FirstMessage != w.FirstMessage || g.Params.Think != w.Params.Think || g.Params.MaxTokens != w.Params.MaxTokens ||
			(w.Params.Temperature != nil && (g.Params.Temperature == nil || *g.Params.Temperature != 0)) || g.CreatedAt != w.CreatedAt {
			t.Errorf("assistant %d = %+v, want %+v", i, g, w)
		}
	}
	again, err := to.ImportAssistants(ctx, parsed)
	if err != nil || again.Imported != 0 || again.Skipped != 2 {
		t.Fatalf("second import = %+v, %v", again, err)
	}

	// Changed since: the file's version comes in beside it, as a copy.
	changed := got[0]
	changed.Instructions = "Edited."
	if _, err := to.UpdateAssistant(ctx, changed); err != nil {
		t.Fatal(err)
	}
	third, err := to.ImportAssistants(ctx, parsed)
	if err != nil || third.Imported != 1 || third.Copied != 1 || third.Skipped != 1 {
		t.Fatalf("import beside a changed one = %+v, %v", third, err)
	}
}

func TestParseRefusesBadFiles(t *testing.T) {
	good := `{"format": "brook-assistants", "version": 1, "assistants": [{"uid": "a1", "name": "Tutor", "params": {}}]}`
	if list, err := Parse(strings.NewReader(good)); err != nil || len(list) != 1 || list[0].Name != "Tutor" {
		t.Fatalf("the good file: %+v, %v", list, err)
	}
	for _, tc := range []struct {
		name, file string
		want       error
		says       string
	}{
		{"empty", ``, ErrNotAssistants, ""},
		{"not JSON", `hello`, ErrNotAssistants, ""},
		{"a conversations export", `{"format": "brook", "version": 2, "conversations": []}`, ErrNotAssistants, ""},
		{"a list", `[{"name": "x"}]`, ErrNotAssistants, ""},
		{"from the future", `{"format": "brook-assistants", "version": 2, "assistants": []}`, ErrUnsupportedVersion, "version 2"},
		{"version 0", `{"format": "brook-assistants", "version": 0, "assistants": []}`, ErrInvalid, "version"},
		{"no list", `{"format": "brook-assistants", "version": 1}`, ErrInvalid, `"assistants" is missing`},
		{"unknown field", `{"format": "brook-assistants", "version": 1, "assistants": [{"uid": "a", "name": "x", "avatar": "🦊"}]}`, ErrInvalid, `"avatar"`},
		{"no uid", `{"format": "brook-assistants", "version": 1, "assistants": [{"name": "x"}]}`, ErrInvalid, `The file has invalid data: assistant 1 (“x”): "uid" is missing`},
		{"uid twice", `{"format": "brook-assistants", "version": 1, "assistants": [{"uid": "a", "name": "x"}, {"uid": "a", "name": "y"}]}`, ErrInvalid, "used twice"},
		{"no name", `{"format": "brook-assistants", "version": 1, "assistants": [{"uid": "a", "name": "  "}]}`, ErrInvalid, "needs a name"},
		{"long name", `{"format": "brook-assistants", "version": 1, "assistants": [{"uid": "a", "name": "` + strings.Repeat("x", 201) + `"}]}`, ErrInvalid, "201 characters"},
		{"bad think", `{"format": "brook-assistants", "version": 1, "assistants": [{"uid": "a", "name": "x", "params": {"think": "hard"}}]}`, ErrInvalid, "thinking"},
		{"negative temperature", `{"format": "brook-assistants", "version": 1, "assistants": [{"uid": "a", "name": "x", "params": {"temperature": -1}}]}`, ErrInvalid, "temperature"},
		{"name as a number", `{"format": "brook-assistants", "version": 1, "assistants": [{"uid": "a", "name": 5}]}`, ErrInvalid, "name"},
		{"trailing data", good + ` {}`, ErrInvalid, "more data"},
		{"negative time", `{"format": "brook-assistants", "version": 1, "assistants": [{"uid": "a", "name": "x", "createdAt": -1}]}`, ErrInvalid, "negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			list, err := Parse(strings.NewReader(tc.file))
			if !errors.Is(err, tc.want) || list != nil {
				t.Fatalf("Parse = %+v, %v; want %v", list, err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("the error %q does not say %q", err, tc.says)
			}
		})
	}
	big := `{"format": "brook-assistants", "version": 1, "assistants": [{"uid": "a", "name": "x", "instructions": "` + strings.Repeat("a", MaxSize) + `"}]}`
	if _, err := Parse(strings.NewReader(big)); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "larger") {
		t.Fatalf("a file over the limit: %v", err)
	}
}

// TestImportIsAllOrNothing: an invalid assistant among good ones writes
// none of them.
func TestImportIsAllOrNothing(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	_, err := s.ImportAssistants(ctx, []store.Assistant{{UID: "a", Name: "Good"}, {UID: "b", Name: ""}})
	if !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("ImportAssistants = %v", err)
	}
	if list, _ := s.ListAssistants(ctx); len(list) != 0 {
		t.Fatalf("a refused import wrote %+v", list)
	}
	// A deleted assistant keeps its UID (for undo): the import comes in beside it.
	a, err := s.CreateAssistant(ctx, store.Assistant{UID: "kept", Name: "Kept"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteAssistant(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	res, err := s.ImportAssistants(ctx, []store.Assistant{{UID: "kept", Name: "Kept"}})
	if err != nil || res.Imported != 1 || res.Copied != 1 {
		t.Fatalf("import beside a deleted one = %+v, %v", res, err)
	}
	if err := s.RestoreAssistant(ctx, a.ID); err != nil {
		t.Fatalf("undo after the import: %v", err)
	}
}
