package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"brook/backend/version"
)

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
			"Usage: brook", "--version", "--help", "OLLAMA_HOST", "OPENAI_BASE_URL", "OPENAI_API_KEY", "BROOK_GPU",
			"BROOK_LOG_CONTENT", "/data/ann/brook", filepath.Join("/data/ann/brook", "logs"), filepath.Join("/data/ann/brook", "brook.db")}},
		{name: "-h", args: []string{"-h"}, done: true, code: 0, stdout: []string{"Usage: brook"}, noStderr: true},
		{name: "unknown flag", args: []string{"--frobnicate"}, done: true, code: 2, noStdout: true,
			stderr: []string{`unknown flag "--frobnicate"`, "Usage: brook"}},
		{name: "stray argument", args: []string{"file.txt"}, done: true, code: 2, noStdout: true,
			stderr: []string{`unknown argument "file.txt"`, "Usage: brook"}},
		{name: "help wins over an unknown flag", args: []string{"--frobnicate", "--help"}, done: true, code: 0, stdout: []string{"Usage: brook"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			done, code := Handle(tt.args, &out, &errOut)
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
