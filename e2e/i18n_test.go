package e2e

import (
	"os"
	"strings"
	"testing"
	"time"

	"brook/backend/providertest"
)

// TestPseudoLocaleScreenshots poses the main states in the pseudo-locale
// (en-XA: every word accented and about 40 % longer) in an 800×600 window, so
// hard-coded English and layouts that break when text grows show up in the
// pictures, which are looked at by eye.
func TestPseudoLocaleScreenshots(t *testing.T) {
	dir := os.Getenv("BROOK_SCREENSHOTS")
	if dir == "" {
		dir = artifacts
	}
	demo := providertest.Script{Answer: providertest.DemoAnswer, Tokens: providertest.SplitTokens(providertest.DemoAnswer, 3), TokenDelay: 12 * time.Millisecond}
	shared := t.TempDir()
	for _, pose := range []string{"empty", "answered", "settings", "help", "models", "local-models", "projects", "documents", "versions"} {
		t.Run(pose, func(t *testing.T) {
			srv := providertest.NewOllama(demo)
			defer srv.Close()
			home := ""
			if pose == "models" || pose == "answered" {
				home = shared
			}
			app := start(t, launch{ollamaHost: strings.TrimPrefix(srv.URL, "http://"), dataHome: home, scenario: "pose:" + pose + ";lang=en-XA"})
			app.waitPose(90 * time.Second)
			xdotool(t, "search", "--sync", "--onlyvisible", "--name", "^Brook$", "windowsize", "--sync", "800", "600")
			// The window measures its labels after the resize: none may clip its text.
			app.waitMark("i18n-cut:", 20*time.Second)
			path := app.screenshotTo(dir, "pseudo-"+strings.ReplaceAll(pose, "=", "-"))
			// The newest mark is this run's (poses that share a data folder share its log).
			if lines := readLines(app.logPath(), "i18n-cut:"); len(lines) > 0 && !strings.Contains(lines[len(lines)-1], "i18n-cut:0 ") {
				t.Errorf("labels cut at 800×600 in the pseudo-locale: %s", lines[len(lines)-1])
			}
			if fi, err := os.Stat(path); err != nil || fi.Size() < 10_000 {
				t.Fatalf("no usable screenshot at %s: %v", path, err)
			}
			app.quit()
		})
	}
}

// TestLanguageScreenshot is the README's picture of Brook in a non-Latin
// script: an answered conversation in Japanese (BROOK_SCREENSHOTS=docs/screenshots).
func TestLanguageScreenshot(t *testing.T) {
	dir := os.Getenv("BROOK_SCREENSHOTS")
	if dir == "" {
		dir = artifacts
	}
	demo := providertest.Script{Answer: providertest.DemoAnswer, Tokens: providertest.SplitTokens(providertest.DemoAnswer, 3), TokenDelay: 12 * time.Millisecond}
	srv := providertest.NewOllama(demo)
	defer srv.Close()
	app := start(t, launch{ollamaHost: strings.TrimPrefix(srv.URL, "http://"), scenario: "pose:answered;lang=ja"})
	app.waitPose(90 * time.Second)
	path := app.screenshotTo(dir, "japanese")
	if fi, err := os.Stat(path); err != nil || fi.Size() < 10_000 {
		t.Fatalf("no usable screenshot at %s: %v", path, err)
	}
	app.quit()
}

// TestPseudoRTLScreenshots poses two states in the right-to-left pseudo-locale
// (ar-XB: the pseudo-locale's words, laid out right to left), to look at the
// mirrored layout with code blocks and math still left to right.
func TestPseudoRTLScreenshots(t *testing.T) {
	dir := os.Getenv("BROOK_SCREENSHOTS")
	if dir == "" {
		dir = artifacts
	}
	demo := providertest.Script{Answer: providertest.DemoAnswer, Tokens: providertest.SplitTokens(providertest.DemoAnswer, 3), TokenDelay: 12 * time.Millisecond}
	for _, pose := range []string{"answered", "settings"} {
		t.Run(pose, func(t *testing.T) {
			srv := providertest.NewOllama(demo)
			defer srv.Close()
			app := start(t, launch{ollamaHost: strings.TrimPrefix(srv.URL, "http://"), scenario: "pose:" + pose + ";lang=ar-XB"})
			app.waitPose(90 * time.Second)
			path := app.screenshotTo(dir, "pseudo-rtl-"+pose)
			if fi, err := os.Stat(path); err != nil || fi.Size() < 10_000 {
				t.Fatalf("no usable screenshot at %s: %v", path, err)
			}
			app.quit()
		})
	}
}
