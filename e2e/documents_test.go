package e2e

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"brook/backend/providertest"
)

// TestDocumentsInTheWindow attaches a PDF, a DOCX and a source file through
// the composer's file input. Each shows as a chip with its size and tokens,
// the PDF's opens to its text, and the question about a word that occurs
// only on page 7 of the PDF goes to the model with that page: the request
// the fake server received holds each document in a block named after its
// file, before the question.
func TestDocumentsInTheWindow(t *testing.T) {
	srv := providertest.NewOllama(providertest.Script{})
	defer srv.Close()
	source := "package lighthouse\n\n// Lamp turns the light on at dusk.\nfunc Lamp() string { return \"on\" }\n"
	files := []map[string]string{
		{"name": "manual.pdf", "type": "application/pdf", "data": fileBase64(t, "../backend/documents/testdata/paged.pdf")},
		{"name": "report.docx", "type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "data": fileBase64(t, "../backend/documents/testdata/sample.docx")},
		{"name": "lighthouse.go", "type": "text/x-go", "data": base64.StdEncoding.EncodeToString([]byte(source))},
	}
	arg, err := json.Marshal(files)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		State         string `json:"state"`
		Chips         []struct{ Name, Detail string }
		ViewerHasPage bool `json:"viewerHasPage7"`
		ViewerHasWord bool `json:"viewerHasWord"`
		AttachedLeft  int  `json:"attachedLeft"`
		HistoryChips  int  `json:"historyChips"`
	}
	runScenario(t, srv, t.TempDir(), "documents:"+string(arg), &r)
	if r.State != "complete" {
		t.Fatalf("answer state %q", r.State)
	}
	if len(r.Chips) != 3 || r.Chips[0].Name != "manual.pdf" || !strings.HasPrefix(r.Chips[0].Detail, "PDF · 8 pages · ") ||
		!strings.HasSuffix(r.Chips[0].Detail, " tokens") || !strings.HasPrefix(r.Chips[1].Detail, "DOCX · ") {
		t.Fatalf("chips %+v", r.Chips)
	}
	if !r.ViewerHasPage || !r.ViewerHasWord {
		t.Fatalf("the PDF's chip did not open to its text: page 7 %v, the word %v", r.ViewerHasPage, r.ViewerHasWord)
	}
	if r.HistoryChips != 3 || r.AttachedLeft != 0 {
		t.Fatalf("after sending: %d chips in the history, %d left in the composer; want 3 and 0", r.HistoryChips, r.AttachedLeft)
	}
	reqs := srv.ChatRequests(true)
	if len(reqs) == 0 {
		t.Fatal("the server got no chat request")
	}
	msgs := reqs[0].Body["messages"].([]any)
	sent, _ := msgs[len(msgs)-1].(map[string]any)["content"].(string)
	page7 := sent[strings.Index(sent, "--- Page 7 ---"):]
	page7 = page7[:strings.Index(page7, "--- Page 8 ---")]
	for _, want := range []string{`<document name="manual.pdf">`, `<document name="report.docx">`, "quillwort",
		`<document name="lighthouse.go">` + "\n" + strings.TrimSpace(source) + "\n</document>", "What is the name of the lighthouse keeper's cat?"} {
		if !strings.Contains(sent, want) {
			t.Errorf("the request lacks %q:\n%s", want, sent)
		}
	}
	if !strings.Contains(page7, "Zephyrine") || strings.Count(sent, "Zephyrine") != 1 {
		t.Fatalf("the word of page 7 is not sent with page 7:\n%s", sent)
	}
}

func fileBase64(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(data)
}
