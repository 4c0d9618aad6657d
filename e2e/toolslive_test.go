package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"brook/backend/providertest"
)

// TestToolServerStateIsLiveInSettings: Settings → Tools is open on the npm
// reference filesystem server, tested and ready; the server is then killed
// from outside Brook (as the system would), and the open row turns failed
// with the reason at once, told by Go (brook:tool-server), not polled.
func TestToolServerStateIsLiveInSettings(t *testing.T) {
	node, dir, server := filesystemServer(t)
	arg, err := json.Marshal(map[string]string{"node": node, "dir": dir, "server": server})
	if err != nil {
		t.Fatal(err)
	}
	srv := providertest.NewOllama(providertest.Script{Answer: "Hello!"})
	defer srv.Close()
	app := start(t, launch{ollamaHost: strings.TrimPrefix(srv.URL, "http://"), scenario: "toolsLive:" + string(arg)})
	app.waitMark("ready", 90*time.Second)
	pid := processWithArg(t, dir)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("killing the tool server (pid %d): %v", pid, err)
	}
	app.waitMark("failed shown", 60*time.Second)
	app.screenshot("tools-live-failed")
	var r struct {
		OK        bool   `json:"ok"`
		Error     string `json:"error"`
		ReadyText string `json:"readyText"`
		Failed    string `json:"failedText"`
		Reason    string `json:"reason"`
	}
	var raw json.RawMessage
	app.waitReport(60*time.Second, &raw)
	if err := json.Unmarshal(raw, &r); err != nil || !r.OK {
		t.Fatalf("scenario failed: %s (%v)", r.Error, err)
	}
	if !strings.HasPrefix(r.ReadyText, "Ready") || r.Failed != "Failed" || !strings.Contains(r.Reason, "killed") {
		t.Fatalf("the row showed %q, then %q with the reason %q", r.ReadyText, r.Failed, r.Reason)
	}
}

// processWithArg returns the process whose command line has arg as one of
// its arguments: the tool server Brook started on the test's own folder.
func processWithArg(t *testing.T, arg string) int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		for _, a := range bytes.Split(cmdline, []byte{0}) {
			if string(a) == arg {
				return pid
			}
		}
	}
	t.Fatalf("no process has the argument %s", arg)
	return 0
}
