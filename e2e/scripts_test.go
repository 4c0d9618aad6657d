package e2e

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"brook/backend/providertest"
)

// everyScript is text in the scripts a user may well write in: Chinese,
// Japanese, Arabic and Hebrew (right to left), Hindi (Devanagari, with its
// joined letters) and emoji, flags included (a tag-sequence flag too).
const everyScript = "中文：你好，世界。日本語：こんにちは、世界。العربية: مرحبا بالعالم. עברית: שלום עולם. हिन्दी: नमस्ते दुनिया। Emoji: 😀 👍🏽 👩‍💻 🇯🇵 🇫🇷 🏴󠁧󠁢󠁳󠁣󠁴󠁿"

// TestEveryScriptScreenshot shows a conversation with every script above,
// in the question, the answer and a code block, and photographs it; look at
// artifacts/every-script.png for boxes (a script with no font). The fonts
// come from scripts/install-deps.sh test (fonts-noto-cjk, -color-emoji,
// -core): this test installs nothing.
func TestEveryScriptScreenshot(t *testing.T) {
	out, err := exec.Command("fc-list").Output()
	if err != nil {
		t.Fatalf("fc-list: %v", err)
	}
	for _, font := range []string{"Noto Sans CJK", "Noto Sans Mono CJK", "Noto Color Emoji", "Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans Devanagari"} {
		if !strings.Contains(string(out), font) {
			t.Fatalf("no %q font installed: run scripts/install-deps.sh test", font)
		}
	}
	// CJK and Latin on lines of the same shape show, by eye, whether the
	// code block keeps a monospace face for CJK (the comments line up only
	// roughly: DejaVu Sans Mono's Latin is not half a CJK cell).
	answer := "Here it is again:\n\n" + everyScript + "\n\n```\n// 代码：日本語のコメント\nname := \"名前\"  // 名前\nname := \"na\"    // name\nfmt.Println(\"你好 🇯🇵\")\n```\n"
	srv := providertest.NewOllama(providertest.Script{Answer: answer, Tokens: providertest.SplitTokens(answer, 3), TokenDelay: 5 * time.Millisecond})
	defer srv.Close()
	app := start(t, launch{ollamaHost: strings.TrimPrefix(srv.URL, "http://"), scenario: "poseAudited:answered=" + everyScript})
	failSerious(t, a11yOf(t, app.waitPose(90*time.Second)))
	path := app.screenshot("every-script")
	if fi, err := os.Stat(path); err != nil || fi.Size() < 10_000 {
		t.Fatalf("no usable screenshot at %s: %v", path, err)
	}
	app.quit()
}
