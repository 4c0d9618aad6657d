package mcp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"brook/backend/store"
)

// The fake servers are this test binary run again with BROOK_MCP_FAKE set:
// a small hand-made JSON-RPC server that misbehaves on purpose, as real
// servers never do on demand.
func TestMain(m *testing.M) {
	if mode := os.Getenv("BROOK_MCP_FAKE"); mode != "" {
		fakeServer(mode)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// fakeTools are the tools every fake lists: "record" appends its argument
// to $BROOK_MCP_FAKE_LOG (so a test can see whether it ran), "big" returns
// $BROOK_MCP_FAKE_SIZE bytes of text, "crash" exits mid-call, "bad" has a
// schema that is not valid JSON Schema.
const fakeTools = `{"tools":[
 {"name":"record","description":"Records a word","inputSchema":{"type":"object","properties":{"word":{"type":"string","minLength":1}},"required":["word"],"additionalProperties":false}},
 {"name":"big","description":"A big result","inputSchema":{"type":"object"}},
 {"name":"crash","description":"Exits mid-call","inputSchema":{"type":"object"}},
 {"name":"bad","description":"An invalid schema","inputSchema":{"type":"object","properties":{"x":{"type":"object","pattern":"(unclosed"}}}}
]}`

func fakeServer(mode string) {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	reply := func(id json.RawMessage, result string) {
		fmt.Fprintf(out, `{"jsonrpc":"2.0","id":%s,"result":%s}`+"\n", id, result)
		out.Flush()
	}
	fmt.Fprintln(os.Stderr, "fake MCP server starting in mode", mode)
	if mode == "exit" {
		fmt.Fprintln(os.Stderr, "error: cannot read the configuration file")
		os.Exit(2)
	}
	for in.Scan() {
		var req struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
			Params struct {
				ProtocolVersion string          `json:"protocolVersion"`
				Name            string          `json:"name"`
				Arguments       json.RawMessage `json:"arguments"`
			} `json:"params"`
		}
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			continue
		}
		switch req.Method {
		case "initialize":
			if mode == "malformed" {
				fmt.Fprintln(out, `{"jsonrpc":"2.0","id":1,"result":{oops this is not JSON`)
				out.Flush()
				continue
			}
			reply(req.ID, fmt.Sprintf(`{"protocolVersion":%q,"capabilities":{"tools":{}},"serverInfo":{"name":"fake","version":"1"}}`, req.Params.ProtocolVersion))
		case "tools/list":
			var compact bytes.Buffer
			json.Compact(&compact, []byte(fakeTools))
			reply(req.ID, compact.String())
		case "ping":
			reply(req.ID, `{}`)
		case "tools/call":
			switch req.Params.Name {
			case "record":
				f, err := os.OpenFile(os.Getenv("BROOK_MCP_FAKE_LOG"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
				if err == nil {
					fmt.Fprintf(f, "%s\n", req.Params.Arguments)
					f.Close()
				}
				reply(req.ID, `{"content":[{"type":"text","text":"recorded"}]}`)
			case "big":
				var n int
				fmt.Sscan(os.Getenv("BROOK_MCP_FAKE_SIZE"), &n)
				fmt.Fprintf(out, `{"jsonrpc":"2.0","id":%s,"result":{"content":[{"type":"text","text":"`, req.ID)
				chunk := strings.Repeat("a", 1<<16)
				for left := n; left > 0; left -= len(chunk) {
					out.WriteString(chunk[:min(left, len(chunk))])
				}
				out.WriteString(`"}]}}` + "\n")
				out.Flush()
			case "crash":
				fmt.Fprintln(os.Stderr, "panic: the fake server crashed on purpose")
				os.Exit(3)
			}
		default:
			if len(req.ID) > 0 {
				fmt.Fprintf(out, `{"jsonrpc":"2.0","id":%s,"error":{"code":-32601,"message":"Method not found"}}`+"\n", req.ID)
				out.Flush()
			}
		}
	}
}

// memKeys is a keyring in memory.
type memKeys struct {
	mu   sync.Mutex
	keys map[string]string
}

func (k *memKeys) Get(id string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.keys[id], nil
}
func (k *memKeys) Set(id, secret string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.keys[id] = secret
	return nil
}
func (k *memKeys) Delete(id string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.keys, id)
	return nil
}
func (k *memKeys) Available() bool { return true }

// harness is a manager over a real store in a temp folder.
type harness struct {
	t     *testing.T
	store *store.Store
	keys  *memKeys
	m     *Manager
	dir   string
}

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	keys := &memKeys{keys: map[string]string{}}
	cfg.Store, cfg.Keys = st, keys
	m := New(cfg)
	t.Cleanup(m.Close)
	return &harness{t: t, store: st, keys: keys, m: m, dir: dir}
}

// add saves an enabled server.
func (h *harness) add(ts store.ToolServer, env map[string]string) store.ToolServer {
	h.t.Helper()
	ts.Enabled = true
	for name := range env {
		if !slices.Contains(ts.EnvNames, name) {
			ts.EnvNames = append(ts.EnvNames, name)
		}
	}
	v, err := h.m.Save(context.Background(), ts, env, nil)
	if err != nil {
		h.t.Fatalf("Save(%+v): %v", ts, err)
	}
	return v.ToolServer
}

// addFake saves a fake server in mode; its "record" tool logs to the
// returned file.
func (h *harness) addFake(name, mode string, extraEnv ...string) (store.ToolServer, string) {
	h.t.Helper()
	exe, err := os.Executable()
	if err != nil {
		h.t.Fatal(err)
	}
	log := filepath.Join(h.dir, name+".log")
	env := map[string]string{"BROOK_MCP_FAKE": mode, "BROOK_MCP_FAKE_LOG": log}
	for i := 0; i+1 < len(extraEnv); i += 2 {
		env[extraEnv[i]] = extraEnv[i+1]
	}
	names := make([]string, 0, len(env))
	for k := range env {
		names = append(names, k)
	}
	return h.add(store.ToolServer{Name: name, Kind: store.ToolServerStdio, Command: exe, EnvNames: names}, env), log
}
