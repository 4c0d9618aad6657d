package jan

import (
	"errors"
	"strings"
	"testing"

	"brook/backend/transfer/importers"
	"brook/backend/transfer/importers/importertest"
)

// TestFixtures imports each known layout: Jan's current threads (times in
// seconds with fractions on threads and milliseconds on messages, a
// picture as a data URL, reasoning in <think> and as a reasoning part, an
// inline file, a stopped answer, a tool call) and the 0.4 layout (times
// named created and updated, a failed answer with no content).
func TestFixtures(t *testing.T) {
	for _, name := range []string{"threads", "threads-0.4"} {
		t.Run(name, func(t *testing.T) {
			importertest.Golden(t, Importer, "testdata/"+name, "testdata/"+name+".golden.json")
		})
	}
}

// TestOneThreadFolder checks that one thread's folder, picked alone, is
// read as the thread, and that content written as a plain string is read.
func TestOneThreadFolder(t *testing.T) {
	in := &importers.Input{Folder: true, Files: []importers.File{
		{Name: "thread.json", Data: []byte(`{"id":"t1","object":"thread","summary":"Knots","assistants":["jan"],"created":1698983500}`)},
		{Name: "messages.jsonl", Data: []byte(`{"id":"0","object":"thread.message","created_at":1698983503,"thread_id":"t1","role":"user","content":"How do I tie a bowline?"}` + "\n\n" +
			`{"id":"1","object":"thread.message","created_at":1698983509,"thread_id":"t1","role":"assistant","content":[{"type":"text","text":{"value":"Make a loop, pass the end up through it.","annotations":[]}}]}` + "\n")},
	}}
	if !Importer.Detect(in) {
		t.Fatal("not recognised")
	}
	res, err := Importer.Parse(in)
	if err != nil || len(res.Bundles) != 1 {
		t.Fatalf("Parse = %+v, %v", res, err)
	}
	b := res.Bundles[0]
	if b.Conversation.Title != "Knots" || len(b.Messages) != 2 || b.Messages[0].Content != "How do I tie a bowline?" ||
		b.Messages[1].CreatedAt != 1698983509000 {
		t.Fatalf("got %+v", b)
	}
}

// TestRefusals checks that broken threads are refused with a reason, and
// nothing is returned.
func TestRefusals(t *testing.T) {
	thread := `{"id":"t1","object":"thread","title":"x","assistants":[],"created":1698983500}`
	for name, tc := range map[string]struct{ messages, want string }{
		"a line that is not JSON": {`{"role":"user","content":"a","created_at":1}` + "\n{oops\n", "line 2"},
		"content of a wrong type": {`{"role":"user","content":42,"created_at":1698983503}`, "content"},
		"an unknown role":         {`{"role":"narrator","content":"a","created_at":1698983503}`, "narrator"},
	} {
		t.Run(name, func(t *testing.T) {
			in := &importers.Input{Folder: true, Files: []importers.File{
				{Name: "threads/t1/thread.json", Data: []byte(thread)},
				{Name: "threads/t1/messages.jsonl", Data: []byte(tc.messages)},
			}}
			res, err := Importer.Parse(in)
			if !errors.Is(err, importers.ErrInvalid) || !strings.Contains(err.Error(), tc.want) || len(res.Bundles) != 0 {
				t.Fatalf("Parse = %d bundles, %v; want ErrInvalid naming %q", len(res.Bundles), err, tc.want)
			}
		})
	}
}
