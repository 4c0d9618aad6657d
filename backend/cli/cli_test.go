package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"brook/backend/paths"
	"brook/backend/version"
)

// run runs brook with args and returns its exit code, stdout and stderr.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	done, code := handle(context.Background(), args, Env{Stdout: &out, Stderr: &errOut, Now: fixedNow})
	if !done {
		t.Fatalf("brook %q would open the window", args)
	}
	return code, out.String(), errOut.String()
}

// fixedNow is the clock of the tests' exports.
func fixedNow() time.Time { return time.Date(2026, 3, 14, 15, 30, 12, 0, time.Local) }

func TestHandle(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/data/ann")
	v, c := version.Version, version.Commit
	defer func() { version.Version, version.Commit = v, c }()
	version.Version, version.Commit = "1.2.3", "abc1234"
	tests := []struct {
		name               string
		args               []string
		done               bool
		code               int
		stdout, stderr     []string // each must appear
		noStdout, noStderr bool
	}{
		{name: "no arguments opens the window", args: nil, done: false, code: 0, noStdout: true, noStderr: true},
		{name: "--version", args: []string{"--version"}, done: true, code: 0, stdout: []string{"Brook 1.2.3 (abc1234)\n"}, noStderr: true},
		{name: "-v", args: []string{"-v"}, done: true, code: 0, stdout: []string{"Brook 1.2.3 (abc1234)"}, noStderr: true},
		{name: "--help", args: []string{"--help"}, done: true, code: 0, noStderr: true, stdout: []string{
			"Usage: brook", "--version", "--help", "--data DIR", "brook list", "brook export", "brook import",
			"OLLAMA_HOST", "OPENAI_BASE_URL", "OPENAI_API_KEY", "BROOK_GPU", "BROOK_LOG_CONTENT", "/data/ann/brook",
			filepath.Join("/data/ann/brook", "logs"), filepath.Join("/data/ann/brook", "brook.db"), "Exit status"}},
		{name: "-h", args: []string{"-h"}, done: true, code: 0, stdout: []string{"Usage: brook"}, noStderr: true},
		{name: "a command's help", args: []string{"export", "--help"}, done: true, code: 0, noStderr: true,
			stdout: []string{"Usage: brook export", "--format"}},
		{name: "unknown flag", args: []string{"--frobnicate"}, done: true, code: 2, noStdout: true,
			stderr: []string{`unknown flag "--frobnicate"`, "Usage: brook"}},
		{name: "unknown command", args: []string{"file.txt"}, done: true, code: 2, noStdout: true,
			stderr: []string{`unknown command "file.txt"`, "Usage: brook"}},
		{name: "a command's flag without the command", args: []string{"--json"}, done: true, code: 2, noStdout: true,
			stderr: []string{"--json does not go with this command", "Usage: brook"}},
		{name: "--data without a folder", args: []string{"--data"}, done: true, code: 2, noStdout: true,
			stderr: []string{"--data needs a value"}},
		{name: "help wins over an unknown flag", args: []string{"--frobnicate", "--help"}, done: true, code: 0, stdout: []string{"Usage: brook"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			done, code := Handle(tt.args, Env{Stdout: &out, Stderr: &errOut})
			if done != tt.done || code != tt.code {
				t.Fatalf("Handle(%q) = %v, %d; want %v, %d", tt.args, done, code, tt.done, tt.code)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(out.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, out.String())
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(errOut.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, errOut.String())
				}
			}
			if tt.noStdout && out.Len() > 0 {
				t.Errorf("unexpected stdout: %s", out.String())
			}
			if tt.noStderr && errOut.Len() > 0 {
				t.Errorf("unexpected stderr: %s", errOut.String())
			}
		})
	}
}

// TestUsageCreatesNothing: --help names the folders without making them.
func TestUsageCreatesNothing(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", dir)
	Usage()
	if _, err := os.Stat(filepath.Join(dir, "brook")); !os.IsNotExist(err) {
		t.Fatalf("--help created the data folder: %v", err)
	}
}

// TestDataFlagChoosesTheWindowsFolder: brook --data DIR opens the window on
// DIR (made absolute, so the single-instance lock names the folder itself).
func TestDataFlagChoosesTheWindowsFolder(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/data/ann")
	t.Cleanup(func() { paths.UseDataDir("") })
	dir := t.TempDir()
	t.Chdir(dir)
	var out, errOut bytes.Buffer
	if done, code := Handle([]string{"--data", "elsewhere"}, Env{Stdout: &out, Stderr: &errOut}); done || code != 0 {
		t.Fatalf("brook --data elsewhere = %v, %d: %s", done, code, errOut.String())
	}
	l, err := paths.Where()
	if err != nil || l.Data != filepath.Join(dir, "elsewhere") || l.Database != filepath.Join(dir, "elsewhere", "brook.db") {
		t.Fatalf("the window would use %+v, %v", l, err)
	}
	if done, code := Handle([]string{"--data=" + dir}, Env{Stdout: &out, Stderr: &errOut}); done || code != 0 {
		t.Fatalf("brook --data=DIR = %v, %d", done, code)
	}
	if l, _ := paths.Where(); l.Data != dir {
		t.Fatalf("--data=DIR gave %s", l.Data)
	}
}
