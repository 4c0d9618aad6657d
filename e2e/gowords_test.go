package e2e

import (
	"strings"
	"testing"
	"time"

	"brook/backend/providertest"
)

// TestGoWordsFollowTheDesktopLanguage starts Brook under a German desktop
// (LC_MESSAGES) with a stream that breaks and cannot be recovered: the
// reason Go words and stores beside the answer is German, and the window
// shows it; artifacts/gowords-de.png shows the answer.
func TestGoWordsFollowTheDesktopLanguage(t *testing.T) {
	script := providertest.Script{Answer: providertest.DemoAnswer, Tokens: providertest.SplitTokens(providertest.DemoAnswer, 3), TokenDelay: 12 * time.Millisecond}
	script.Fault, script.FaultAfterTokens, script.NonStreamFailures = providertest.DropBetweenLines, 20, 1000
	srv := providertest.NewOllama(script)
	defer srv.Close()
	app := start(t, launch{ollamaHost: strings.TrimPrefix(srv.URL, "http://"), scenario: "poseAudited:answered",
		extraEnv: []string{"LC_ALL=", "LC_MESSAGES=de_DE.UTF-8", "LANG=C.UTF-8"}})
	app.waitPose(90 * time.Second)
	app.screenshot("gowords-de")
	msgs := waitMessages(t, app.dbPath(), 30*time.Second, func(ms []storedMessage) bool {
		for _, m := range ms {
			if m.Role == "assistant" && m.State == "interrupted" {
				return true
			}
		}
		return false
	})
	app.quit()
	for _, m := range msgs {
		if m.Role == "assistant" && m.State == "interrupted" {
			if !strings.Contains(m.Error, "Die Verbindung ist mitten in der Antwort abgebrochen") {
				t.Errorf("the interrupted answer's words are not German: %q", m.Error)
			}
			return
		}
	}
	t.Fatal("no interrupted answer")
}
