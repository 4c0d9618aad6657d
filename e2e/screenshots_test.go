package e2e

import (
	"os"
	"strings"
	"testing"
	"time"

	"brook/backend/providertest"
)

// TestMainStatesScreenshots poses each state a user must see and photographs
// the real window: a smoke test of every state, and the pictures in docs/
// (make screenshots sets BROOK_SCREENSHOTS to docs/screenshots). Each state is
// also checked with axe-core in the window: a serious or critical violation
// fails it, and a full run writes the counts to bench-results/a11y.md.
func TestMainStatesScreenshots(t *testing.T) {
	dir := os.Getenv("BROOK_SCREENSHOTS")
	if dir == "" {
		dir = artifacts
	}
	slowDemo := providertest.Script{Answer: providertest.DemoAnswer, Tokens: providertest.SplitTokens(providertest.DemoAnswer, 3), TokenDelay: 60 * time.Millisecond}
	// Paced like a small local model, so the rates in the pictures are plausible.
	demo := providertest.Script{Answer: providertest.DemoAnswer, Tokens: providertest.SplitTokens(providertest.DemoAnswer, 3), TokenDelay: 12 * time.Millisecond}
	recovered := demo
	recovered.Fault, recovered.FaultAfterTokens = providertest.DropMidLine, 12
	thinking := slowDemo
	thinking.Reasoning = "The user asks for three things: a Go hello world, a table and a formula. " +
		"Start with the smallest Go program that prints, since that is what they will copy. " +
		"Then a two-row table that says what Brook does with the tokens, and last the area of a circle, " +
		"which is short enough to read at a glance. Keep the prose brief."
	thinking.TokenDelay = 90 * time.Millisecond
	slowStart := demo
	slowStart.FirstTokenDelay = 15 * time.Second
	interrupted := demo
	interrupted.Fault, interrupted.FaultAfterTokens, interrupted.NonStreamFailures = providertest.DropBetweenLines, 20, 1000

	// An answer that uses the excerpt of the project's knowledge file the pose adds.
	otters := demo
	otters.Answer = "River otters raise their cubs in a **holt**, a den they rarely dig themselves: they take over a burrow " +
		"dug by beavers or foxes, or a hollow under tree roots at the water's edge, often with its entrance under water. " +
		"The cubs are born there in spring and stay inside for about two months (*otter-field-guide.md*)."
	otters.Tokens = providertest.SplitTokens(otters.Answer, 3)

	// Each request gets an answer of its own, so versions differ.
	sampled := demo
	sampled.Answer, sampled.Tokens, sampled.Sampling = "", nil, true

	shared := t.TempDir() // a data folder that accumulates conversations, for search
	shots := []struct {
		name, pose string
		script     providertest.Script
		down       bool
		dataHome   string
		env        []string
		size       string // window size, e.g. "800 600"
	}{
		{name: "first-run", pose: "empty", script: demo},
		{name: "streaming", pose: "streaming", script: slowDemo},
		{name: "thinking", pose: "thinking", script: thinking},
		{name: "waiting", pose: "waiting", script: slowStart},
		{name: "queued", pose: "queued", script: slowDemo},
		{name: "answered", pose: "answered", script: demo, dataHome: shared},
		{name: "recovered", pose: "answered", script: recovered, dataHome: shared},
		{name: "interrupted", pose: "answered", script: interrupted},
		{name: "versions", pose: "versions", script: sampled},
		{name: "documents", pose: "documents", script: demo},
		{name: "sources", pose: "sources", script: otters},
		{name: "unreachable", pose: "empty", down: true},
		{name: "search", pose: "search=Brook streams", script: demo, dataHome: shared},
		{name: "model-picker", pose: "models", script: demo, dataHome: shared},
		{name: "settings", pose: "settings", script: demo},
		{name: "local-models", pose: "local-models", script: demo},
		{name: "help", pose: "help", script: demo},
		{name: "dark", pose: "answered", script: demo, env: []string{"GTK_THEME=Adwaita:dark"}},
		{name: "small-800x600", pose: "answered", script: demo, size: "800 600"},
		{name: "zoom-200", pose: "zoomed", script: demo},
		{name: "projects", pose: "projects", script: demo},
		{name: "projects-dark", pose: "projects", script: demo, env: []string{"GTK_THEME=Adwaita:dark"}},
		{name: "project-dialog", pose: "projects=dialog", script: demo},
		{name: "move-to-project", pose: "projects=move", script: demo},
	}
	audits := map[string]a11yReport{}
	var audited []string
	for _, s := range shots {
		t.Run(s.name, func(t *testing.T) {
			srv := providertest.NewOllama(s.script)
			defer srv.Close()
			host := strings.TrimPrefix(srv.URL, "http://")
			if s.down {
				host = strings.TrimPrefix(providertest.DownURL(), "http://")
			}
			app := start(t, launch{ollamaHost: host, dataHome: s.dataHome, scenario: "poseAudited:" + s.pose, extraEnv: s.env})
			a11y := a11yOf(t, app.waitPose(90*time.Second))
			audits[s.name], audited = a11y, append(audited, s.name)
			if s.size != "" {
				// --onlyvisible: Wails also makes a hidden 10×10 window named "brook".
				xdotool(t, "search", "--sync", "--onlyvisible", "--name", "^Brook$", "windowsize", "--sync", strings.Fields(s.size)[0], strings.Fields(s.size)[1])
				time.Sleep(500 * time.Millisecond) // the relayout's frame
			}
			path := app.screenshotTo(dir, s.name)
			if fi, err := os.Stat(path); err != nil || fi.Size() < 10_000 {
				t.Fatalf("no usable screenshot at %s: %v", path, err)
			}
			app.quit()
			failSerious(t, a11y)
		})
	}
	// The table is of every state, so a run of some of them leaves it alone.
	if len(audited) == len(shots) {
		if err := writeA11yTable("../bench-results/a11y.md", audited, audits); err != nil {
			t.Error(err)
		}
	}
}
