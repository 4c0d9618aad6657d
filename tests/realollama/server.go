//go:build linux

package realollama

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ollama/ollama/api"
)

// ModelName is the name the tiny model is registered under.
const ModelName = "tiny"

// DefaultNumPredict is the tiny model's num_predict parameter: answers end
// after this many tokens unless a request sets its own limit.
const DefaultNumPredict = 32

// Template is the tiny model's chat template.
const Template = `{{- range .Messages }}{{ .Role }}: {{ .Content }}
{{ end }}assistant:`

// Server is a running Ollama server with the tiny model registered. Start
// stops it in t.Cleanup; Kill ends it early.
type Server struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:41234.
	URL string
	// Model is the registered model's name ("tiny").
	Model string
	// Bin is the server binary.
	Bin string
	// Dir is the server's HOME; models live in Dir/models.
	Dir string
	// LogPath is the file holding the server's stdout and stderr.
	LogPath string

	cmd      *exec.Cmd
	exited   chan struct{}
	killOnce sync.Once
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// Binary returns the Ollama server binary: $BROOK_OLLAMA_BIN if set, else the
// path scripts/ensure-ollama.sh prints (building it when missing). It skips t
// when BROOK_SKIP_REAL_OLLAMA=1.
func Binary(t testing.TB) string {
	t.Helper()
	if os.Getenv("BROOK_SKIP_REAL_OLLAMA") == "1" {
		t.Skip("real Ollama tests skipped: BROOK_SKIP_REAL_OLLAMA=1")
	}
	binOnce.Do(func() { binPath, binErr = findBinary() })
	if binErr != nil {
		t.Fatalf("real Ollama server binary: %v\n(set BROOK_OLLAMA_BIN, or BROOK_SKIP_REAL_OLLAMA=1 to skip)", binErr)
	}
	return binPath
}

func findBinary() (string, error) {
	if p := os.Getenv("BROOK_OLLAMA_BIN"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("BROOK_OLLAMA_BIN: %w", err)
		}
		return p, nil
	}
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	script := filepath.Join(root, "scripts", "ensure-ollama.sh")
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("bash", script)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s: %v\n%s", script, err, tail(stderr.String(), 4000))
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	p := strings.TrimSpace(lines[len(lines)-1])
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("%s printed %q: %w", script, p, err)
	}
	return p, nil
}

// ModuleRoot walks up from the working directory to Brook's go.mod.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.HasPrefix(bytes.TrimSpace(b), []byte("module brook\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("cannot find Brook's go.mod above the working directory")
		}
		dir = parent
	}
}

// Start starts a real Ollama server on a free loopback port, registers the
// tiny model as [ModelName], and stops the server in t.Cleanup (SIGTERM, then
// SIGKILL to its whole process group after 5 s). It skips t when
// BROOK_SKIP_REAL_OLLAMA=1. On a failed test it logs the server's log tail.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := Binary(t)
	dir := t.TempDir()

	var s *Server
	var err error
	for attempt := 0; attempt < 3; attempt++ { // a free port can be taken before the server binds it
		s, err = launch(bin, dir, attempt)
		if err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("start ollama: %v", err)
	}
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			if b, err := os.ReadFile(s.LogPath); err == nil {
				t.Logf("ollama server log (tail):\n%s", tail(string(b), 6000))
			}
		}
	})

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := s.register(ctx); err != nil {
		t.Fatalf("register tiny model: %v", err)
	}
	return s
}

func launch(bin, dir string, attempt int) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	host := fmt.Sprintf("127.0.0.1:%d", port)
	logPath := filepath.Join(dir, fmt.Sprintf("ollama-%d.log", attempt))
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close() // the child keeps its own descriptor

	cmd := exec.Command(bin, "serve")
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(),
		"HOME="+dir,
		"OLLAMA_HOST="+host,
		"OLLAMA_MODELS="+filepath.Join(dir, "models"),
		"OLLAMA_NO_CLOUD=1",
	)
	cmd.Stdout, cmd.Stderr = logf, logf
	// Own process group, so Kill reaches the runner children too; and die
	// with the test process if it is killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{
		URL:     "http://" + host,
		Model:   ModelName,
		Bin:     bin,
		Dir:     dir,
		LogPath: logPath,
		cmd:     cmd,
		exited:  make(chan struct{}),
	}
	go func() {
		cmd.Wait()
		close(s.exited)
	}()

	deadline := time.Now().Add(30 * time.Second)
	hc := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case <-s.exited:
			b, _ := os.ReadFile(logPath)
			s.killGroup()
			return nil, fmt.Errorf("ollama serve exited early (%v):\n%s", cmd.ProcessState, tail(string(b), 3000))
		default:
		}
		resp, err := hc.Get(s.URL + "/api/version")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, fmt.Errorf("ollama serve did not answer /api/version within 30 s (last error: %v)", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// cleanEnv is the test's environment without HOME and OLLAMA_* settings.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "OLLAMA_") || strings.HasPrefix(kv, "HOME=") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// API returns an Ollama API client for the server.
func (s *Server) API() *api.Client {
	u, _ := url.Parse(s.URL)
	return api.NewClient(u, http.DefaultClient)
}

// register uploads the tiny model and creates [ModelName] from it.
func (s *Server) register(ctx context.Context) error {
	return s.AddVariant(ctx, s.Model, map[string]any{"num_predict": DefaultNumPredict})
}

// Kill sends SIGKILL to the server and every process in its group (its model
// runners) and waits for the server to exit. Safe to call more than once.
func (s *Server) Kill() {
	s.killOnce.Do(func() {
		s.killGroup()
		<-s.exited
	})
}

// Stop ends the server gracefully: SIGTERM, then after 5 s SIGKILL to its
// whole process group. Any runner left behind is killed too. Safe to call
// more than once, and after Kill.
func (s *Server) Stop() {
	select {
	case <-s.exited:
	default:
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(5 * time.Second):
		}
	}
	s.Kill()
}

// Exited reports whether the server process has exited.
func (s *Server) Exited() bool {
	select {
	case <-s.exited:
		return true
	default:
		return false
	}
}

func (s *Server) killGroup() {
	// The group outlives its leader while a runner is alive, so this also
	// reaches runners orphaned by a server that has already exited.
	syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}
