package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

// a11yReport is what the poseAudited scenario found with axe-core
// (frontend/src/testmode/a11y.ts).
type a11yReport struct {
	Counts struct {
		Critical int `json:"critical"`
		Serious  int `json:"serious"`
		Moderate int `json:"moderate"`
		Minor    int `json:"minor"`
	} `json:"counts"`
	Violations []struct {
		ID      string   `json:"id"`
		Impact  string   `json:"impact"`
		Help    string   `json:"help"`
		Targets []string `json:"targets"`
	} `json:"violations"`
}

// a11yOf reads the axe report out of a poseAudited report.
func a11yOf(t *testing.T, report []byte) a11yReport {
	t.Helper()
	var r struct {
		A11y *a11yReport `json:"a11y"`
	}
	if err := json.Unmarshal(report, &r); err != nil || r.A11y == nil {
		t.Fatalf("no accessibility report in %s: %v", tail(string(report), 500), err)
	}
	return *r.A11y
}

// failSerious fails the test for every serious or critical violation, naming
// the rule, its impact, where it is and how to fix it.
func failSerious(t *testing.T, r a11yReport) {
	t.Helper()
	for _, v := range r.Violations {
		if v.Impact != "serious" && v.Impact != "critical" {
			continue
		}
		t.Errorf("axe %s (%s): %s\n\t%s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, "\n\t"))
	}
	for _, v := range r.Violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			continue
		}
		t.Logf("axe %s (%s): %s: %s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, "; "))
	}
}

// writeA11yTable writes the counts per pose as a Markdown table.
func writeA11yTable(path string, names []string, reports map[string]a11yReport) error {
	var b strings.Builder
	b.WriteString("# Accessibility: axe-core in the real window\n\n")
	b.WriteString("`TestMainStatesScreenshots` (e2e/screenshots_test.go) poses each main state and runs axe-core " +
		"(WCAG 2.2 A and AA rules plus best practices) inside the real WebKitGTK window. It fails on any serious " +
		"or critical violation. Counts are of elements, per impact.\n\n")
	b.WriteString("| state | critical | serious | moderate | minor |\n|---|---:|---:|---:|---:|\n")
	for _, n := range names {
		r := reports[n]
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d |\n", n, r.Counts.Critical, r.Counts.Serious, r.Counts.Moderate, r.Counts.Minor)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
