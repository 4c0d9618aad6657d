package chat

import (
	"slices"
	"testing"

	"brook/backend/provider"
)

// TestEndReasonsKeepTheirStoredValues pins the strings every database and
// export written so far holds, which the window also compares with
// (MessageItem.svelte's "length") and ChatGPT imports write: a changed value
// would leave old answers with an end reason nothing knows.
func TestEndReasonsKeepTheirStoredValues(t *testing.T) {
	for reason, stored := range map[EndReason]string{
		EndStop:       "stop",
		EndLength:     "length",
		EndUserStop:   "user_stop",
		EndAppClosed:  "app_closed",
		EndNoEndpoint: "no_endpoint",
		EndUnreadable: "images",
		EndRefused:    "refused",
	} {
		if string(reason) != stored {
			t.Errorf("end reason %q is stored as %q", reason, stored)
		}
	}
}

func TestReasonTextSaysStoredCodesAsSentences(t *testing.T) {
	tests := []struct {
		code string
		want string
		ok   bool
	}{
		{"dropped", "The connection dropped mid-answer", true},
		{"idle_timeout", "The model stopped sending words for too long", true},
		{"user_skipped_wait", "You chose not to wait for the stream", true},
		{"length", "The answer reached the token limit", true},
		{"user_stop", "Stopped by you", true},
		{"stop", "", true},
		{"content_filter", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got, ok := ReasonText(tt.code); got != tt.want || ok != tt.ok {
			t.Errorf("ReasonText(%q) = %q, %v; want %q, %v", tt.code, got, ok, tt.want, tt.ok)
		}
	}
	codes := ReasonCodes()
	if len(codes) != len(provider.BrokenReasons)+4 || !slices.IsSorted(codes) {
		t.Errorf("ReasonCodes() = %v", codes)
	}
}

func TestAWholeAnswerEndsAsTheServerSaid(t *testing.T) {
	if got := finishedAs(""); got != string(EndStop) {
		t.Errorf("no finish reason: %q, want %q", got, EndStop)
	}
	if got := finishedAs("content_filter"); got != "content_filter" {
		t.Errorf("the server's own finish reason: %q", got)
	}
}
