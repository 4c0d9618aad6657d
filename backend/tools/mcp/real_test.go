package mcp

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"brook/backend/store"
	"brook/backend/tools"
)

// referenceServers returns the folder where scripts/ensure-mcp-servers.sh
// installed the npm reference servers (the Makefile sets
// BROOK_MCP_SERVERS). Every test of a real server goes through here, so
// there is one place that skips them when it is unset.
func referenceServers(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("BROOK_MCP_SERVERS")
	if dir == "" {
		t.Skip("the MCP reference servers are not installed: run make test, or set BROOK_MCP_SERVERS=$(scripts/ensure-mcp-servers.sh)")
	}
	return filepath.Join(dir, "node_modules", "@modelcontextprotocol")
}

// nodeServer is a stdio server run with Node from the reference servers.
func nodeServer(t *testing.T, name, pkg string, args ...string) store.ToolServer {
	t.Helper()
	script := filepath.Join(referenceServers(t), pkg, "dist", "index.js")
	return store.ToolServer{Name: name, Kind: store.ToolServerStdio, Command: "node", Args: append([]string{script}, args...)}
}

func TestEverythingServerOverStdio(t *testing.T) {
	h := newHarness(t, Config{})
	ts := h.add(nodeServer(t, "Everything", "server-everything", "stdio"), map[string]string{"BROOK_TEST_TOKEN": "s3cret-value"})
	list, err := h.m.Available(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	echo := toolOf(t, list, ts.ID, "echo")
	if echo.ModelName != "echo" || echo.Description == "" || !json.Valid(echo.InputSchema) || echo.AlwaysAllowed {
		t.Fatalf("echo = %+v", echo)
	}
	res, err := h.m.Run(context.Background(), echo, json.RawMessage(`{"message":"héllo from Brook"}`))
	if err != nil || !strings.Contains(res.Text, "héllo from Brook") || res.IsError {
		t.Fatalf("echo = %+v, %v", res, err)
	}
	sum := toolOf(t, list, ts.ID, "get-sum")
	if res, err := h.m.Run(context.Background(), sum, json.RawMessage(`{"a":2,"b":40}`)); err != nil || !strings.Contains(res.Text, "42") {
		t.Fatalf("get-sum = %+v, %v", res, err)
	}
	var ae *tools.ArgumentsError
	if _, err := h.m.Run(context.Background(), sum, json.RawMessage(`{"a":"two","b":40}`)); !errors.As(err, &ae) {
		t.Fatalf("get-sum with a string = %v, want a *tools.ArgumentsError", err)
	}
	// The environment value from the keyring reaches the server, and only the keyring holds it.
	env, err := h.m.Run(context.Background(), toolOf(t, list, ts.ID, "get-env"), nil)
	if err != nil || !strings.Contains(env.Text, "s3cret-value") {
		t.Fatalf("get-env = %v (%d bytes)", err, len(env.Text))
	}
	h.store.Close()
	for _, name := range []string{"brook.db", "brook.db-wal"} {
		if data, err := os.ReadFile(filepath.Join(h.dir, name)); err == nil && strings.Contains(string(data), "s3cret-value") {
			t.Fatalf("the secret value is in %s", name)
		}
	}
}

func TestEverythingServerCallTimesOutAndCancels(t *testing.T) {
	h := newHarness(t, Config{})
	conf := nodeServer(t, "Slow", "server-everything", "stdio")
	conf.TimeoutSeconds = 1
	ts := h.add(conf, nil)
	list, err := h.m.Available(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	long := toolOf(t, list, ts.ID, "trigger-long-running-operation")
	_, err = h.m.Run(context.Background(), long, json.RawMessage(`{"duration":30,"steps":3}`))
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("a 30 s call with a 1 s timeout = %v, want ErrTimeout", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	if _, err := h.m.Run(ctx, long, json.RawMessage(`{"duration":30,"steps":3}`)); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled call = %v, want context.Canceled", err)
	}
	// The server survived both.
	if res, err := h.m.Run(context.Background(), toolOf(t, list, ts.ID, "echo"), json.RawMessage(`{"message":"still here"}`)); err != nil || !strings.Contains(res.Text, "still here") {
		t.Fatalf("echo after = %+v, %v", res, err)
	}
}

func TestFilesystemServerReadsAFileAndStopsWithBrook(t *testing.T) {
	h := newHarness(t, Config{})
	folder := t.TempDir()
	if err := os.WriteFile(filepath.Join(folder, "notes.txt"), []byte("The treasure is under the old oak.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ts := h.add(nodeServer(t, "Files", "server-filesystem", folder), nil)
	list, err := h.m.Available(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	args, _ := json.Marshal(map[string]string{"path": filepath.Join(folder, "notes.txt")})
	res, err := h.m.Run(context.Background(), toolOf(t, list, ts.ID, "read_text_file"), args)
	if err != nil || !strings.Contains(res.Text, "under the old oak") {
		t.Fatalf("read_text_file = %+v, %v", res, err)
	}
	outside, _ := json.Marshal(map[string]string{"path": "/etc/hostname"})
	if res, err := h.m.Run(context.Background(), toolOf(t, list, ts.ID, "read_text_file"), outside); err == nil && !res.IsError {
		t.Fatalf("reading outside the folder = %+v, want the tool's error", res)
	}
	h.m.mu.Lock()
	cmd := h.m.servers[ts.ID].cmd
	h.m.mu.Unlock()
	if v := h.viewOf(ts.ID); v.State != Ready || len(v.Tools) < 5 {
		t.Fatalf("Settings sees %s with %d tools", v.State, len(v.Tools))
	}
	h.m.Close()
	if err := syscall.Kill(cmd.Process.Pid, 0); err == nil {
		t.Fatalf("the server (pid %d) still runs after Close", cmd.Process.Pid)
	}
	if _, err := h.m.Available(context.Background()); !errors.Is(err, ErrClosed) {
		t.Fatalf("Available after Close = %v, want ErrClosed", err)
	}
}

// startHTTPEverything runs server-everything's streamable HTTP transport
// on a free loopback port and returns its URL.
func startHTTPEverything(t *testing.T) string {
	t.Helper()
	script := filepath.Join(referenceServers(t), "server-everything", "dist", "index.js")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command("node", script, "streamableHttp")
	cmd.Env = append(os.Environ(), fmt.Sprintf("PORT=%d", port))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	listening := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		once := false
		for sc.Scan() {
			if !once && strings.Contains(sc.Text(), "listening on port") {
				once = true
				close(listening)
			}
		}
	}()
	select {
	case <-listening:
	case <-time.After(30 * time.Second):
		t.Fatal("server-everything did not start listening")
	}
	return fmt.Sprintf("http://127.0.0.1:%d/mcp", port)
}

func TestEverythingServerOverStreamableHTTPBesideStdio(t *testing.T) {
	url := startHTTPEverything(t)
	h := newHarness(t, Config{})
	web := h.add(store.ToolServer{Name: "Everything web", Kind: store.ToolServerHTTP, URL: url, HeaderNames: []string{"X-Brook-Test"}}, nil)
	if _, err := h.m.Save(context.Background(), web, nil, map[string]string{"x-brook-test": "header-secret"}); err != nil {
		t.Fatal(err)
	}
	local := h.add(nodeServer(t, "Everything local", "server-everything", "stdio"), nil)
	list, err := h.m.Available(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	webEcho, localEcho := toolOf(t, list, web.ID, "echo"), toolOf(t, list, local.ID, "echo")
	if webEcho.ModelName == localEcho.ModelName {
		t.Fatalf("two servers' echo tools share the model name %q", webEcho.ModelName)
	}
	seen := map[string]bool{}
	for _, x := range list {
		if seen[x.ModelName] {
			t.Fatalf("model name %q offered twice", x.ModelName)
		}
		seen[x.ModelName] = true
	}
	res, err := h.m.Run(context.Background(), webEcho, json.RawMessage(`{"message":"over HTTP"}`))
	if err != nil || !strings.Contains(res.Text, "over HTTP") {
		t.Fatalf("echo over HTTP = %+v, %v", res, err)
	}
	if v := h.viewOf(web.ID); v.State != Ready || len(v.HeadersSet) != 1 || v.HeadersSet[0] != "X-Brook-Test" {
		t.Fatalf("Settings sees %+v", v)
	}
}
