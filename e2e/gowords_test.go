package e2e

import (
	"strings"
	"testing"
	"time"

	"brook/backend/providertest"
)

// TestGoWordsFollowTheDesktopLanguage starts Brook under a German desktop
// (LC_MESSAGES), then under the pseudo-locale, with a stream that breaks
// and cannot be recovered: the reason Go words and stores beside the answer
// is in that language, and the window shows it (artifacts/gowords-*.png).
func TestGoWordsFollowTheDesktopLanguage(t *testing.T) {
	for _, tt := range []struct{ locale, want string }{
		{"de_DE.UTF-8", "Die Verbindung ist mitten in der Antwort abgebrochen"},
		{"en_XA.UTF-8", "[Ţĥé çöññéçţíöñ ðŕöþþéð ɱíð-áñšŵéŕ"},
	} {
		t.Run(tt.locale, func(t *testing.T) {
			script := providertest.Script{Answer: providertest.DemoAnswer, Tokens: providertest.SplitTokens(providertest.DemoAnswer, 3), TokenDelay: 12 * time.Millisecond}
			script.Fault, script.FaultAfterTokens, script.NonStreamFailures = providertest.DropBetweenLines, 20, 1000
			srv := providertest.NewOllama(script)
			defer srv.Close()
			app := start(t, launch{ollamaHost: strings.TrimPrefix(srv.URL, "http://"), scenario: "poseAudited:answered",
				extraEnv: []string{"LC_ALL=", "LC_MESSAGES=" + tt.locale, "LANG=C.UTF-8"}})
			app.waitPose(90 * time.Second)
			app.screenshot("gowords-" + strings.Split(tt.locale, ".")[0])
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
					if !strings.Contains(m.Error, tt.want) {
						t.Errorf("the interrupted answer's words: %q, want %q in them", m.Error, tt.want)
					}
					return
				}
			}
			t.Fatal("no interrupted answer")
		})
	}
}
