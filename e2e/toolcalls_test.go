package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"brook/backend/providertest"
)

// TestToolCallInTheWindow: the npm reference filesystem server is added as
// a tool server (stdio, started with Node on a temporary folder); a fake
// tool-calling model asks to read a file through it; the approval card shows
// the tool, its server and the arguments; the user allows it; the answer
// quotes the file; the call is stored with its result, shown folded, and
// exported.
func TestToolCallInTheWindow(t *testing.T) { toolCallInTheWindow(t, false) }

// TestToolChosenBeforeTheFirstMessage: as TestToolCallInTheWindow, but the
// tool is chosen in the picker of a new chat, before it has a message: the
// very first answer is offered the tool and calls it.
func TestToolChosenBeforeTheFirstMessage(t *testing.T) { toolCallInTheWindow(t, true) }

// filesystemServer is what a scenario needs to add the real npm filesystem
// MCP server on a folder of its own: Node's path, the folder, the server's
// script. make test-e2e installs the server (scripts/ensure-mcp-servers.sh).
func filesystemServer(t *testing.T) (node, dir, server string) {
	t.Helper()
	servers := os.Getenv("BROOK_MCP_SERVERS")
	if servers == "" {
		t.Fatal("BROOK_MCP_SERVERS is not set: run through make test-e2e, which installs the MCP reference servers (scripts/ensure-mcp-servers.sh)")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal(err)
	}
	dir, err = filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return node, dir, filepath.Join(servers, "node_modules/@modelcontextprotocol/server-filesystem/dist/index.js")
}

func toolCallInTheWindow(t *testing.T, first bool) {
	node, dir, server := filesystemServer(t)
	file := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(file, []byte("river otters hold hands"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := providertest.NewOllama(providertest.Script{Answer: "Hello!", ReadFileTool: "read_text_file"})
	defer srv.Close()
	arg, err := json.Marshal(map[string]any{"node": node, "dir": dir, "file": file, "first": first, "server": server})
	if err != nil {
		t.Fatal(err)
	}
	l := launch{ollamaHost: strings.TrimPrefix(srv.URL, "http://"), scenario: "toolcall:" + string(arg)}
	app := start(t, l)
	shot := "toolcall"
	if first {
		shot = "toolcall-first"
	}
	app.waitMark("approval shown", 90*time.Second)
	app.screenshot(shot + "-approval")
	app.waitMark("call unfolded", 90*time.Second)
	app.screenshot(shot + "-folded-call")
	var raw json.RawMessage
	app.waitReport(120*time.Second, &raw)
	var r struct {
		OK       bool   `json:"ok"`
		Error    string `json:"error"`
		Model    string `json:"model"`
		Approval struct {
			Text, Server, Args, Role string
		} `json:"approval"`
		FirstState  string `json:"firstState"`
		Status      string `json:"status"`
		Result      string `json:"result"`
		FoldedFirst bool   `json:"foldedFirst"`
		FinalText   string `json:"finalText"`
	}
	if err := json.Unmarshal(raw, &r); err != nil || !r.OK {
		t.Fatalf("scenario failed: %s (%v)", r.Error, err)
	}
	if r.Approval.Server != "Files" || !strings.Contains(r.Approval.Text, "read_text_file") || r.Approval.Role != "group" ||
		!strings.Contains(r.Approval.Args, `"path": "`+file+`"`) {
		t.Fatalf("approval card %+v", r.Approval)
	}
	if r.Status != "done" || r.Result != "river otters hold hands" || !r.FoldedFirst {
		t.Fatalf("the call shows %q, result %q, folded %v", r.Status, r.Result, r.FoldedFirst)
	}
	want := providertest.ReadFileAnswerPrefix + `"river otters hold hands"`
	if r.FinalText != want {
		t.Fatalf("final answer %q, want %q", r.FinalText, want)
	}
	db := openDB(t, app.dbPath())
	defer db.Close()
	// The answer keeps the call; its result is a message of the tool role
	// that follows the answer and names the call.
	var answerID int64
	var calls string
	if err := db.QueryRow(`SELECT id, tool_calls FROM messages WHERE tool_calls <> ''`).Scan(&answerID, &calls); err != nil {
		t.Fatal(err)
	}
	var stored []struct{ ID, Name, Server, Status, Result string }
	if err := json.Unmarshal([]byte(calls), &stored); err != nil || len(stored) != 1 || stored[0].Name != "read_text_file" ||
		stored[0].Server != "Files" || stored[0].Status != "" || stored[0].Result != "" {
		t.Fatalf("stored calls %s (%v)", calls, err)
	}
	var result, outcome string
	if err := db.QueryRow(`SELECT content, tool_outcome FROM messages WHERE role = 'tool' AND parent_id = ? AND tool_call_id = ?`,
		answerID, stored[0].ID).Scan(&result, &outcome); err != nil || result != "river otters hold hands" ||
		!strings.Contains(outcome, `"status":"done"`) {
		t.Fatalf("stored result %q, outcome %s (%v)", result, outcome, err)
	}
	// The model got the result as a tool message, linked to the call.
	var sawResult bool
	for _, req := range srv.ChatRequests(true) {
		msgs, _ := req.Body["messages"].([]any)
		for _, m := range msgs {
			if mm, _ := m.(map[string]any); mm["role"] == "tool" && mm["content"] == "river otters hold hands" {
				sawResult = true
			}
		}
	}
	if !sawResult {
		t.Fatal("no request carried the tool's result")
	}
	if reqs := srv.ChatRequests(true); first && (len(reqs) == 0 || reqs[0].Body["tools"] == nil) {
		t.Fatal("the new chat's first request offered no tools")
	}
	// Exported: lossless in JSON, folded in Markdown.
	data := filepath.Join(app.dataHome, "brook")
	code, out, errOut := terminal(t, "DBUS_SESSION_BUS_ADDRESS=", "export", "--all", "--format", "json", "-o", "-", "--data", data)
	if code != 0 || !strings.Contains(out, `"read_text_file"`) || !strings.Contains(out, "river otters hold hands") {
		t.Fatalf("brook export --format json: exit %d, stderr %q, stdout %s", code, errOut, tail(out, 2000))
	}
	code, out, errOut = terminal(t, "DBUS_SESSION_BUS_ADDRESS=", "export", "--all", "--format", "md", "-o", "-", "--data", data)
	if code != 0 || !strings.Contains(out, "<details>") || !strings.Contains(out, "read_text_file") || !strings.Contains(out, "river otters hold hands") {
		t.Fatalf("brook export --format md: exit %d, stderr %q, stdout %s", code, errOut, tail(out, 2000))
	}
}
