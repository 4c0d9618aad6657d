package cli

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"brook/backend/i18n"
)

// TestMain runs the package's tests in English, whatever the terminal's
// language: their expectations are the English catalogue's words.
func TestMain(m *testing.M) {
	os.Setenv("LC_ALL", "C")
	os.Exit(m.Run())
}

// handleIn runs brook as a terminal in locale would (LC_ALL).
func handleIn(t *testing.T, locale string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Setenv("LC_ALL", locale)
	t.Cleanup(func() { _ = i18n.SetLanguage(i18n.English) })
	var out, errOut bytes.Buffer
	_, code = Handle(args, Env{Stdout: &out, Stderr: &errOut, Now: fixedNow})
	return code, out.String(), errOut.String()
}

// TestTheCommandLineSpeaksTheTerminalsLanguage: usage, refusals and
// notices are in the language of LC_ALL (LC_MESSAGES, LANG), while flags,
// command names and what scripts read (the list's columns, JSON) are not.
func TestTheCommandLineSpeaksTheTerminalsLanguage(t *testing.T) {
	code, _, errOut := handleIn(t, "de_DE.UTF-8", "list", "--frobnicate")
	if code != ExitUsage || !strings.Contains(errOut, `brook list: unbekannte Option "--frobnicate"`) ||
		!strings.Contains(errOut, "Aufruf: brook list [--json] [--data DIR]") {
		t.Errorf("a wrong flag in German: exit %d, stderr:\n%s", code, errOut)
	}

	code, out, _ := handleIn(t, "ja_JP.UTF-8", "--help")
	if code != ExitOK || !strings.Contains(out, "使い方: brook [--data DIR]") || !strings.Contains(out, "データフォルダー") ||
		strings.Contains(out, "Usage:") {
		t.Errorf("--help in Japanese: exit %d:\n%s", code, out)
	}

	p := populate(t)
	code, out, errOut = handleIn(t, "ru_RU.UTF-8", "list", "--data", p.dir)
	if code != ExitOK || errOut != "" || !strings.HasPrefix(out, "ID") || !strings.Contains(strings.SplitN(out, "\n", 2)[0], "UPDATED") {
		t.Errorf("list in Russian keeps its columns for scripts: exit %d, stderr %q:\n%s", code, errOut, out)
	}
	_, enJSON, _ := handleIn(t, "C", "list", "--json", "--data", p.dir)
	if _, ruJSON, _ := handleIn(t, "ru_RU.UTF-8", "list", "--json", "--data", p.dir); ruJSON != enJSON {
		t.Errorf("list --json differs in Russian:\n%s\nin English:\n%s", ruJSON, enJSON)
	}

	code, _, errOut = handleIn(t, "fr_FR.UTF-8", "export", "--all", "--data", p.dir)
	if code != ExitUsage || !strings.Contains(errOut, "--format md, json ou html est nécessaire") {
		t.Errorf("export without --format in French: exit %d, stderr:\n%s", code, errOut)
	}
	code, _, errOut = handleIn(t, "es_ES.UTF-8", "export", "--all", "--format", "pdf", "--data", p.dir)
	if code != ExitUsage || !strings.Contains(errOut, `--format: formato desconocido "pdf": elija md, json o html`) {
		t.Errorf("export --format pdf in Spanish: exit %d, stderr:\n%s", code, errOut)
	}
	if missing := i18n.Missing(); len(missing) > 0 {
		t.Errorf("messages fell back to English: %v", missing)
	}
}
