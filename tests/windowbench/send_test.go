package windowbench

import (
	"brook/backend/chat"

	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"brook/backend/providertest"
)

// sendPrompt is what the user types for the answer benchSend measures.
const sendPrompt = "Show me a long answer in Markdown, please."

// sendSettle is how long CPU is still counted once the window has drawn the
// finished answer and gone quiet: work a timer leaves for later counts too.
const sendSettle = 2 * time.Second

// benchSend measures CPU per token the way a user meets an answer: from
// before the keystrokes that type and send the prompt, through the stream of
// a 1,500-token Markdown answer at 50 tokens/s, until the window has drawn
// the finished answer (the answer is stored whole, Brook and WebKit have gone
// quiet) and sendSettle more. A stream Brook gave up on part way is measured
// again, once, as in benchCPU.
func benchSend(t *testing.T, r *report) {
	const rate, n = 50, 1500
	toks := tokensOf(markdownAnswer(n))
	for attempt := 1; ; attempt++ {
		err := sendCPU(t, r, rate, toks)
		if err == nil {
			return
		}
		if attempt == 2 {
			t.Fatal(err)
		}
		t.Logf("%s; measuring again", err)
		r.note("As a user meets it, the first attempt did not count: %s.", err)
		waitMachineQuiet(20 * time.Second)
	}
}

// markdownAnswer is a Markdown answer of exactly n tokens of 4 characters:
// the whole sections of longMarkdown that fit, then a closing paragraph, as
// answers usually end.
func markdownAnswer(n int) string {
	var b strings.Builder
	for i := 1; ; i++ {
		s := section(i)
		if b.Len()+len(s)+40 > n*4 {
			break
		}
		b.WriteString(s)
	}
	// Filler words up to the last character, closed with a full stop.
	room := n*4 - b.Len()
	closing := strings.TrimRight(strings.Repeat("That is how an answer ends. ", n)[:room-2], " ")
	b.WriteString(closing + strings.Repeat(".", room-1-len(closing)) + "\n")
	return b.String()
}

func sendCPU(t *testing.T, r *report, rate int, toks []string) error {
	n := len(toks)
	srv := fakeOllama(t, providertest.Script{Tokens: toks, TokenDelay: time.Second / time.Duration(rate)})
	proxy := newCountingProxy(srv.URL)
	defer proxy.Close()
	b := startBrook(t, "", hostOf(proxy.URL))
	defer b.stop()
	b.mustReady()
	b.waitQuiet(10 * time.Second)
	last, err := b.lastAnswer()
	if err != nil {
		t.Fatal(err)
	}

	marks := []int{1, n}
	snaps := make([]cpuSnap, len(marks))
	proxy.watch(marks, func(i int) { snaps[i] = snap(b.pid) })
	s0 := snap(b.pid)
	typeMessage(t, sendPrompt)
	typed := snap(b.pid)
	xdotool(t, "key", "Return")

	// No picture of the screen is taken while CPU is counted: each one wakes
	// WebKit (a grab of the screen repaints the window; measured at about
	// 0.2 CPU-s a second while pictures were taken every 150 ms).
	streaming := time.Duration(n) * time.Second / time.Duration(rate)
	ans, err := b.waitAnswer(last.ID, 3*streaming+60*time.Second)
	if err != nil {
		saveScreen(t, "send-timeout")
		t.Fatal(err)
	}
	stored := time.Now()
	quiet := b.waitQuiet(30 * time.Second)
	rendered := time.Now()
	time.Sleep(sendSettle)
	s1 := snap(b.pid)
	// The window had nothing left to draw: it looks the same now and a second later.
	first := messageArea(t)
	time.Sleep(time.Second)
	settled := bytes.Equal(first, messageArea(t))
	saveScreen(t, "send")
	span, lines := proxy.span() // also orders the reads of snaps after their writes
	if lines < n || len(srv.ChatRequests(true))+len(srv.ChatRequestsBut(false, chat.TitlePrompt)) != 1 {
		return errBroken{fmt.Sprintf("the stream broke after %d of %d tokens (longest pause between lines at the proxy: %s; Brook's log: %s)",
			lines, n, proxy.longestGap().Round(time.Millisecond), strings.Join(grepLines(logPathOf(b.dataHome), "stream broke"), " / "))}
	}
	if ans.State != "complete" || ans.Content != strings.Join(toks, "") {
		t.Fatalf("the answer was stored %s with %d bytes; want complete with %d bytes", ans.State, len(ans.Content), len(strings.Join(toks, "")))
	}
	if !quiet || !settled {
		t.Fatalf("the window did not settle after the answer was stored (quiet within 30 s: %v; the same picture a second apart: %v)", quiet, settled)
	}

	d := delta(s0, s1)
	perToken := 1000 * seconds(d.ticks) / float64(n)
	paced := float64(n-1) / span.Seconds()
	phases := []struct {
		name string
		d    cpuDelta
	}{
		{"typing the prompt", delta(s0, typed)},
		{"Return to the first token", delta(typed, snaps[0])},
		{"the stream", delta(snaps[0], snaps[1])},
		{"the last token to the finished answer drawn and settled", delta(snaps[1], s1)},
	}
	var parts []string
	for _, p := range phases {
		parts = append(parts, fmt.Sprintf("%s %.2f CPU-s", p.name, seconds(p.d.ticks)))
	}
	t.Logf("as a user meets it: %d tokens in %s (%.1f tok/s as sent); stored %s after the last token, the window quiet %s after that; %.3f CPU-s, %.2f ms/token; by phase %s; by process %v; other load %.2f cores",
		n, span.Round(time.Millisecond), paced, stored.Sub(snaps[1].at).Round(time.Millisecond), rendered.Sub(stored).Round(time.Millisecond),
		seconds(d.ticks), perToken, strings.Join(parts, ", "), byRoleMs(d), d.otherLoad())
	r.add(fmt.Sprintf("CPU per token as a user meets it, at 50 tokens/s (typing and sending the prompt, a %s-token Markdown answer, its final render)", thousands(int64(n))),
		fmt.Sprintf("%.2f ms (sent at %.0f tokens/s; %.2f CPU-s in all, %.0f%% of a core for %s)", perToken, paced, seconds(d.ticks), d.percentOfCore(), d.wall.Round(100*time.Millisecond)),
		"≤ 2 ms")
	r.add("CPU as a user meets it, by step", strings.Join(parts, " · "), "")
	var roles []string
	for _, role := range rolesOf(d) {
		roles = append(roles, fmt.Sprintf("%s %.2f ms", role, 1000*seconds(d.byRole[role])/float64(n)))
	}
	r.add("CPU per token as a user meets it, by process", strings.Join(roles, " · "), "")
	r.note("As a user meets it: counted from before the click into the composer and the keystrokes of the prompt (%d characters) until %s after the window had drawn the finished answer (Brook and WebKit went quiet %s after the answer was stored; pictures of the window a second apart were then the same); the fake server sent the %d tokens in %s (%.1f tokens/s); the machine outside Brook kept %.2f cores busy meanwhile (of %d).",
		len(sendPrompt), sendSettle, rendered.Sub(stored).Round(10*time.Millisecond),
		n, span.Round(100*time.Millisecond), paced, d.otherLoad(), runtime.NumCPU())
	return nil
}

// The message list's part of the window (sidebar and composer left out: the
// composer's caret blinks).
const messageAreaGeometry = "970x690+300+90"

// messageArea is the message list's pixels, raw.
func messageArea(t testing.TB) []byte {
	t.Helper()
	cmd := exec.Command("import", "-silent", "-display", display, "-window", "root", "-crop", messageAreaGeometry, "+repage", "rgb:-")
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("screenshot: %v %s", err, errb.String())
	}
	return out.Bytes()
}
