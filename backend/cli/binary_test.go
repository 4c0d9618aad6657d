package cli

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"brook/backend/transfer"
)

// releaseTags are the build tags of the release binary (see the Makefile).
const releaseTags = "desktop,production,webkit2_41"

// buildBrook builds Brook's release binary (main embeds frontend/dist, so
// the UI must have been built) and returns its path.
func buildBrook(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "frontend", "dist", "index.html")); err != nil {
		t.Skip("frontend/dist is not built (make frontend builds it), so Brook cannot be built")
	}
	bin := filepath.Join(t.TempDir(), "brook")
	cmd := exec.Command("go", "build", "-tags", releaseTags, "-o", bin, ".")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestBuiltBinaryWithoutADisplay runs the built brook as from a remote
// shell: no display, no session bus. The commands work and exit as Unix
// tools do; GTK is never started (it would fail without a display).
func TestBuiltBinaryWithoutADisplay(t *testing.T) {
	bin := buildBrook(t)
	p := populate(t)
	home := t.TempDir()
	// Nothing of the caller's desktop: no DISPLAY, WAYLAND_DISPLAY or DBUS_SESSION_BUS_ADDRESS.
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "LANG=C.UTF-8"}
	brook := func(args ...string) (int, string, string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env, cmd.Dir = env, home
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		var exit *exec.ExitError
		switch {
		case errors.As(err, &exit):
			return exit.ExitCode(), out.String(), errOut.String()
		case err != nil:
			t.Fatal(err)
		}
		return 0, out.String(), errOut.String()
	}

	if code, out, _ := brook("--help"); code != 0 || !strings.Contains(out, "brook export (--all | ID...)") {
		t.Fatalf("--help: exit %d\n%s", code, out)
	}
	if code, out, errOut := brook("list", "--data", p.dir); code != 0 || !strings.Contains(out, "Flatten a list in Python") || errOut != "" {
		t.Fatalf("list: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// The binary's export is the window's, byte for byte but for the line
	// that says when it was written.
	code, out, errOut := brook("export", "--all", "--format", "json", "-o", "-", "--data", p.dir)
	if code != 0 || errOut != "" {
		t.Fatalf("export: exit %d, stderr %q", code, errOut)
	}
	if want := direct(t, p.dir, nil, transfer.FormatJSON); withoutExportTime(out) != withoutExportTime(string(want)) || !strings.Contains(out, `"exportedAt"`) {
		t.Fatalf("the binary's JSON export differs from the window's:\n%s", out)
	}
	fresh := filepath.Join(home, "fresh")
	exported := filepath.Join(home, "all.json")
	if code, _, errOut := brook("export", "--all", "--format", "json", "-o", exported, "--data", p.dir); code != 0 {
		t.Fatalf("export to a file: exit %d, %s", code, errOut)
	}
	if code, out, errOut := brook("import", exported, "--data", fresh); code != 0 || !strings.Contains(out, "5 conversations imported") {
		t.Fatalf("import: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if code, out, errOut := brook("export", "424242", "--format", "md", "--data", p.dir); code != 1 || out != "" || !strings.Contains(errOut, "no conversation 424242") {
		t.Fatalf("an unknown id: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if code, out, errOut := brook("export", "--data", p.dir); code != 2 || out != "" || !strings.Contains(errOut, "Usage: brook export") {
		t.Fatalf("bad usage: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// withoutExportTime is a JSON export without its "exportedAt" line, the only
// one that depends on the clock.
func withoutExportTime(s string) string {
	var kept []string
	for _, line := range strings.Split(s, "\n") {
		if !strings.Contains(line, `"exportedAt"`) {
			kept = append(kept, line)
		}
	}
	return strings.Join(kept, "\n")
}
