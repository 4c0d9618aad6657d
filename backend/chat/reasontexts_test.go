package chat

import (
	"testing"

	"brook/backend/provider"
	"brook/backend/store"
)

func TestReasonTextsSayEveryStoredCodeInWords(t *testing.T) {
	texts := AllReasonTexts()
	for _, r := range provider.BrokenReasons {
		if texts.Reasons[string(r)] == "" {
			t.Errorf("no words for %s", r)
		}
	}
	for code, want := range map[string]string{
		"dropped":   "The connection dropped mid-answer",
		"length":    "The answer reached the token limit",
		"user_stop": "Stopped by you",
	} {
		if got := texts.Reasons[code]; got != want {
			t.Errorf("reason %s: %q, want %q", code, got, want)
		}
	}
	if text, ok := texts.Reasons["stop"]; !ok || text != "" {
		t.Errorf(`a whole answer ("stop") is said as %q, %v; want no words`, text, ok)
	}
}

func TestReasonTextsDescribeEveryRecovery(t *testing.T) {
	marks := map[[2]string]RecoveredMark{}
	for _, m := range AllReasonTexts().Recovered {
		key := [2]string{m.Method, m.Reason}
		if _, twice := marks[key]; twice {
			t.Errorf("two marks for %q after %q", m.Method, m.Reason)
		}
		if m.Label == "" || m.Title == "" {
			t.Errorf("the mark for %q after %q says nothing: %+v", m.Method, m.Reason, m)
		}
		marks[key] = m
	}
	for _, method := range []string{store.RecoveryContinued, store.RecoveryReasked, ""} {
		for _, r := range append([]provider.BrokenReason{""}, provider.BrokenReasons...) {
			if _, ok := marks[[2]string{method, string(r)}]; !ok {
				t.Errorf("no mark for %q after %q", method, r)
			}
		}
	}
	for _, tt := range []struct{ method, code, label, title string }{
		{store.RecoveryContinued, "dropped", "Recovered: continued after the connection dropped mid-answer", "Recovered: continued after the connection dropped mid-answer"},
		{store.RecoveryReasked, "user_skipped_wait", "Recovered: asked again without streaming after you chose not to wait for the stream", "Recovered: asked again without streaming after you chose not to wait for the stream"},
		{"", "dropped", "Recovered: The connection dropped mid-answer; Brook fetched the whole answer again.", "The connection dropped mid-answer; Brook fetched the whole answer again."},
		{store.RecoveryContinued, "", "Recovered: continued after the stream broke", "Recovered: continued after the stream broke"},
	} {
		if got := marks[[2]string{tt.method, tt.code}]; got.Label != tt.label || got.Title != tt.title {
			t.Errorf("recovered %q after %q: %+v, want label %q, title %q", tt.method, tt.code, got, tt.label, tt.title)
		}
	}
}
