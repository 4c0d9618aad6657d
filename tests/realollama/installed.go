//go:build linux

package realollama

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

// Installed is Ollama as a user has it before anything runs: the real
// binary in a folder of its own, to put on $PATH, and the tiny model in its
// models folder. No server runs.
type Installed struct {
	// PathDir holds the binary, named ollama: a copy, so that its processes
	// are told from other tests' servers by [Installed.Processes].
	PathDir string
	// Bin is PathDir/ollama.
	Bin string
	// Models is the folder to give as OLLAMA_MODELS; it holds [ModelName].
	Models string
	// Home is a home folder for the server.
	Home string
}

// Install sets up [Installed]: it registers the tiny model with a server of
// its own, stops that server, and copies the binary. Every process of the
// copy still running when t ends is killed.
func Install(t testing.TB) Installed {
	t.Helper()
	srv := Start(t)
	srv.Stop()
	in := Installed{PathDir: t.TempDir(), Models: filepath.Join(srv.Dir, "models"), Home: srv.Dir}
	in.Bin = filepath.Join(in.PathDir, "ollama")
	if err := copyFile(srv.Bin, in.Bin); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, pid := range in.Processes() {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	return in
}

// Env is the environment for a program that may start this Ollama: PATH
// leads to it first, its models are OLLAMA_MODELS, and no other OLLAMA_*
// setting or HOME of the test's is kept.
func (in Installed) Env() []string {
	return append(cleanEnv(), "PATH="+in.PathDir+string(os.PathListSeparator)+os.Getenv("PATH"),
		"OLLAMA_MODELS="+in.Models, "OLLAMA_NO_CLOUD=1", "HOME="+in.Home)
}

// Processes are the running processes of this install's binary.
func (in Installed) Processes() []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe")); err == nil && exe == in.Bin {
			pids = append(pids, pid)
		}
	}
	return pids
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
