package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	_ "brook/backend/endpoints/allkinds"
	"brook/backend/endpoints/kind/ollamakind"
	"brook/backend/providertest"
	"brook/backend/store"
)

// askSetup is a data folder whose one endpoint is a fake Ollama.
func askSetup(t *testing.T, sc providertest.Script) (dir string, srv *providertest.Server) {
	t.Helper()
	keyring.MockInit()
	srv = providertest.NewOllama(sc)
	t.Cleanup(srv.Close)
	dir = filepath.Join(t.TempDir(), "data")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(dir, "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.SaveEndpoint(context.Background(), store.Endpoint{ID: "ep", Name: "Local", Kind: ollamakind.ID, BaseURL: srv.URL, Enabled: true}); err != nil {
		t.Fatal(err)
	}
	return dir, srv
}

// ask runs brook ask with stdin and a context of the test's.
func ask(ctx context.Context, stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	var in *strings.Reader
	env := Env{Stdout: &out, Stderr: &errOut, Now: fixedNow}
	if stdin != "" {
		in = strings.NewReader(stdin)
		env.Stdin = in
	}
	_, code = handle(ctx, append([]string{"ask"}, args...), env)
	return code, out.String(), errOut.String()
}

func storedAnswers(t *testing.T, dir string) (convs []store.Conversation, path []store.Message) {
	t.Helper()
	st, err := store.Open(filepath.Join(dir, "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	convs, err = st.ListConversations(context.Background(), store.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(convs) > 0 {
		if path, err = st.ShownPath(context.Background(), convs[0].ID); err != nil {
			t.Fatal(err)
		}
	}
	return convs, path
}

// TestAskWithPipedInput: text piped in goes after the prompt; the answer
// streams to standard output and is stored as a conversation.
func TestAskWithPipedInput(t *testing.T) {
	dir, srv := askSetup(t, providertest.Script{Models: []string{"tiny"}})
	log := "Dec 06 kernel: boot failed\nDec 06 systemd: unit x failed"
	code, out, errOut := ask(context.Background(), log, "why did this boot fail?", "--data", dir)
	if code != ExitOK || out != providertest.DefaultAnswer {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	req := srv.ChatRequests(true)[0]
	msgs := req.Body["messages"].([]any)
	if got := msgs[len(msgs)-1].(map[string]any)["content"]; got != "why did this boot fail?\n\n"+log {
		t.Fatalf("sent %q", got)
	}
	convs, path := storedAnswers(t, dir)
	if len(convs) != 1 || len(path) != 2 || path[1].Content != out || path[1].State != store.StateComplete {
		t.Fatalf("stored %+v %+v", convs, path)
	}
	// -c goes on with it; the history goes with the question.
	code, out2, _ := ask(context.Background(), "", "and now?", "-c", "1", "--data", dir)
	if code != ExitOK || out2 != providertest.DefaultAnswer {
		t.Fatalf("continuing: exit %d, %q", code, out2)
	}
	if _, path := storedAnswers(t, dir); len(path) != 4 {
		t.Fatalf("after -c the conversation has %d messages", len(path))
	}
}

// TestAskContinuesABrokenStream: a stream cut mid-answer is continued as in
// the window, and standard output holds exactly the stored answer.
func TestAskContinuesABrokenStream(t *testing.T) {
	long := strings.Repeat("Rivers carry the mountains down to the sea. ", 10)
	dir, srv := askSetup(t, providertest.Script{Models: []string{"tiny"}, Answer: long, Tokens: providertest.SplitTokens(long, 3),
		Fault: providertest.DropBetweenLines, FaultAfterTokens: 20})
	code, out, errOut := ask(context.Background(), "", "Tell me about rivers", "--data", dir)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	_, path := storedAnswers(t, dir)
	answer := path[1]
	if out != answer.Content || answer.Content != long || !answer.Recovered || answer.RecoveryMethod != store.RecoveryContinued {
		t.Fatalf("stdout %q\nstored %+v", out, answer)
	}
	if n := len(srv.ChatRequests(false)); n != 1 {
		t.Fatalf("%d non-streaming requests, want the one continuation", n)
	}
}

// TestAskCtrlCStopsLikeStop: an interrupt stops the answer as Stop does:
// what came is kept and printed, and the exit status is 130.
func TestAskCtrlCStopsLikeStop(t *testing.T) {
	long := strings.Repeat("Slowly, word by word. ", 40)
	dir, srv := askSetup(t, providertest.Script{Models: []string{"tiny"}, Answer: long, Tokens: providertest.SplitTokens(long, 2), TokenDelay: 20 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for len(srv.ChatRequests(true)) == 0 {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(300 * time.Millisecond) // part of the answer
		cancel()
	}()
	code, out, _ := ask(ctx, "", "Tell me slowly", "--data", dir)
	_, path := storedAnswers(t, dir)
	if code != ExitInterrupted || path[1].State != store.StateStopped || out != path[1].Content || out == "" || out == long {
		t.Fatalf("exit %d, stdout %q, stored %+v", code, out, path[1])
	}
	if n := len(srv.ChatRequests(false)); n != 0 {
		t.Fatalf("Ctrl+C made %d requests without streaming; it is a Stop", n)
	}
}

// TestAskNoSaveKeepsNothing: --no-save answers and stores nothing.
func TestAskNoSaveKeepsNothing(t *testing.T) {
	dir, _ := askSetup(t, providertest.Script{Models: []string{"tiny"}})
	code, out, errOut := ask(context.Background(), "", "hi", "--no-save", "--data", dir)
	if code != ExitOK || out != providertest.DefaultAnswer {
		t.Fatalf("exit %d, %q, %s", code, out, errOut)
	}
	if convs, _ := storedAnswers(t, dir); len(convs) != 0 {
		t.Fatalf("--no-save stored %+v", convs)
	}
}

// TestAskRefusals: bad input says why and stores nothing.
func TestAskRefusals(t *testing.T) {
	dir, _ := askSetup(t, providertest.Script{Models: []string{"tiny"}})
	for _, tt := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"--data", dir}, ExitUsage, "ask what?"},
		{[]string{"hi", "-m", "nonesuch", "--data", dir}, ExitError, `no endpoint offers the model "nonesuch"`},
		{[]string{"hi", "-e", "Elsewhere", "--data", dir}, ExitError, `there is no endpoint "Elsewhere"`},
		{[]string{"hi", "-c", "x", "--data", dir}, ExitUsage, "not a conversation id"},
		{[]string{"hi", "-c", "99", "--data", dir}, ExitError, "not found"},
		{[]string{"hi", "-c", "1", "--no-save", "--data", dir}, ExitUsage, "--no-save"},
	} {
		code, _, errOut := ask(context.Background(), "", tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.says) {
			t.Errorf("brook ask %q: exit %d, %q; want %d saying %q", tt.args, code, errOut, tt.code, tt.says)
		}
	}
	if convs, _ := storedAnswers(t, dir); len(convs) != 0 {
		t.Fatalf("refused asks stored %+v", convs)
	}
}

// TestAskWithFiles: -f attaches files as documents, repeated for more; the
// model reads each in a block named after its file, before the question,
// and the documents are stored with the message. An unreadable file
// refuses the whole ask and stores nothing.
func TestAskWithFiles(t *testing.T) {
	dir, srv := askSetup(t, providertest.Script{Models: []string{"tiny"}})
	notes := filepath.Join(t.TempDir(), "notes.md")
	if err := os.WriteFile(notes, []byte("# Notes\nThe lighthouse cat is Zephyrine."), 0o600); err != nil {
		t.Fatal(err)
	}
	pdfPath, _ := filepath.Abs("../documents/testdata/paged.pdf")
	code, out, errOut := ask(context.Background(), "", "who is the cat?", "-f", notes, "--file", pdfPath, "--data", dir)
	if code != ExitOK || out != providertest.DefaultAnswer {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	msgs := srv.ChatRequests(true)[0].Body["messages"].([]any)
	sent, _ := msgs[len(msgs)-1].(map[string]any)["content"].(string)
	if !strings.HasPrefix(sent, "<document name=\"notes.md\">\n# Notes\nThe lighthouse cat is Zephyrine.\n</document>\n\n<document name=\"paged.pdf\">\n--- Page 1 ---") ||
		!strings.HasSuffix(sent, "</document>\n\nwho is the cat?") || !strings.Contains(sent, "--- Page 7 ---") {
		t.Fatalf("sent %q", sent)
	}
	if _, path := storedAnswers(t, dir); len(path[0].Documents) != 2 || path[0].Documents[1].Pages != 8 || path[0].Content != "who is the cat?" {
		t.Fatalf("stored %+v", path[0])
	}

	scanned, _ := filepath.Abs("../documents/testdata/scanned.pdf")
	code, _, errOut = ask(context.Background(), "", "read it", "-f", scanned, "--data", dir)
	if code != ExitError || !strings.Contains(errOut, "This PDF is images of pages; there is no text to read") {
		t.Fatalf("a scanned PDF: exit %d, %q", code, errOut)
	}
	if convs, _ := storedAnswers(t, dir); len(convs) != 1 {
		t.Fatalf("the refused ask stored a conversation: %d", len(convs))
	}
}

// TestAskRetrievesFromAFileTooLargeForTheWindow: a file larger than the
// model's window is sent as the excerpts that best answer the question,
// through the window's retrieval, and standard error says so; standard
// output is the answer alone. The fake Ollama has no /api/embed and no
// embedding model is set, so the excerpts are found by their words (BM25),
// with the words-only notice.
func TestAskRetrievesFromAFileTooLargeForTheWindow(t *testing.T) {
	dir, srv := askSetup(t, providertest.Script{Models: []string{"tiny"}})
	var b strings.Builder
	for i := range 2000 {
		if i == 1700 {
			b.WriteString("The lighthouse keeper's parrot is called Quillfeather.\n\n")
		}
		fmt.Fprintf(&b, "Ledger line %d: crates of nails, coils of rope and barrels of tar came in with the spring tide.\n\n", i)
	}
	big := filepath.Join(t.TempDir(), "harbour.txt")
	if err := os.WriteFile(big, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := ask(context.Background(), "", "What is the keeper's parrot called?", "-f", big, "--data", dir)
	if code != ExitOK || out != providertest.DefaultAnswer {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	msgs := srv.ChatRequests(true)[0].Body["messages"].([]any)
	sent, _ := msgs[len(msgs)-1].(map[string]any)["content"].(string)
	if !strings.Contains(sent, "Quillfeather") || !strings.Contains(sent, "too long to send whole") {
		t.Fatalf("the excerpt with the answer was not sent: %q", sent)
	}
	if strings.Contains(sent, "Ledger line 0:") || len(sent) > b.Len()/4 {
		t.Fatalf("the whole file was sent (%d of its %d bytes)", len(sent), b.Len())
	}
	if !strings.Contains(errOut, "harbour.txt is too long for the model's context window") || !strings.Contains(errOut, "by their words only (BM25)") {
		t.Fatalf("stderr %q, want the excerpts and words-only notices", errOut)
	}
}
