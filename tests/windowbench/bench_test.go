package windowbench

import (
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"brook/backend/chat"
	"brook/backend/providertest"
	"brook/tests/realollama"
)

// A figure of the table.
type row struct{ figure, value, goal string }

// report collects the figures and notes of a run.
type report struct {
	rows  []row
	notes []string
}

func (r *report) add(figure, value, goal string) { r.rows = append(r.rows, row{figure, value, goal}) }
func (r *report) note(format string, args ...any) {
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
}

// measure is one figure (or a few) of the table.
type measure struct {
	name string
	run  func(t *testing.T, r *report)
}

var measures = []measure{
	{"size", benchSize},
	{"launch", benchLaunch},
	{"idle", benchIdle},
	{"waiting", benchWaiting},
	{"send", benchSend},
	{"cpu5", func(t *testing.T, r *report) { benchCPU(t, r, 5, 100) }},
	{"cpu50", func(t *testing.T, r *report) { benchCPU(t, r, 50, 2000) }},
	{"cpu300", func(t *testing.T, r *report) { benchCPU(t, r, 300, 2000) }},
	{"slowdown", benchSlowdown},
	{"pss-idle", benchPSSIdle},
	{"pss-answer", benchPSSAnswer},
}

func idleWindow() time.Duration {
	if s, err := strconv.Atoi(os.Getenv("BROOK_WINDOW_BENCH_IDLE_SECONDS")); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	return 30 * time.Second
}

func TestWindowBench(t *testing.T) {
	if os.Getenv("BROOK_WINDOW_BENCH") != "1" {
		t.Skip("the window benchmark runs with BROOK_WINDOW_BENCH=1 (make bench)")
	}
	if runtime.GOOS != "linux" {
		t.Skip("the window benchmark needs Linux (Xvfb, /proc)")
	}
	if _, err := os.Stat(brookBin()); err != nil {
		t.Fatalf("Brook's binary: %v (run make build/bin/brook, or set BROOK_BIN)", err)
	}
	// Run a copy, so a rebuild meanwhile cannot change what is measured.
	data, err := os.ReadFile(brookBin())
	if err != nil {
		t.Fatal(err)
	}
	runBin = filepath.Join(t.TempDir(), "brook")
	if err := os.WriteFile(runBin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	binSize = int64(len(data))
	for _, tool := range []string{"Xvfb", "xdotool", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: make deps-test installs it", tool)
		}
	}

	only := map[string]bool{}
	for _, n := range strings.Split(os.Getenv("BROOK_WINDOW_BENCH_ONLY"), ",") {
		if n = strings.TrimSpace(n); n != "" {
			if !slices.ContainsFunc(measures, func(m measure) bool { return m.name == n }) {
				t.Fatalf("BROOK_WINDOW_BENCH_ONLY: unknown measure %q", n)
			}
			only[n] = true
		}
	}

	stopX, err := startXvfb()
	if err != nil {
		t.Fatal(err)
	}
	defer stopX()

	machine := describeMachine()
	t.Logf("machine:\n%s", machine)
	r := &report{}
	began := time.Now()
	busiest := 0.0 // the most cores other work kept busy before a figure
	for _, m := range measures {
		if len(only) > 0 && !only[m.name] {
			continue
		}
		start := time.Now()
		if load := waitMachineQuiet(20 * time.Second); load >= 0.25 {
			t.Logf("the machine is busy with other work (%.2f cores): measuring %s anyway", load, m.name)
			busiest = max(busiest, load)
		}
		before := len(r.rows)
		ok := t.Run(m.name, func(t *testing.T) { m.run(t, r) })
		if !ok && len(r.rows) == before {
			r.add(m.name, "did not run: see the log", "")
		}
		t.Logf("%s took %s", m.name, time.Since(start).Round(time.Second))
	}

	table := markdownTable(r.rows)
	fmt.Printf("\n%s\n", table)
	for _, n := range r.notes {
		fmt.Printf("- %s\n", n)
	}

	out := os.Getenv("BROOK_WINDOW_BENCH_OUT")
	if out == "" && len(only) == 0 {
		root, err := realollama.ModuleRoot()
		if err != nil {
			t.Fatal(err)
		}
		out = filepath.Join(root, "bench-results", "window.md")
	}
	if out == "" {
		t.Logf("a selection ran (BROOK_WINDOW_BENCH_ONLY): bench-results/window.md left as it was")
		return
	}
	var b strings.Builder
	b.WriteString("# What Brook's window costs\n\n")
	fmt.Fprintf(&b, "Measured by `make bench` (tests/windowbench, %s in all): the built binary in a real WebKitGTK window under Xvfb "+
		"(1280×900, software rendering, no WEBKIT_* variables set: what a user gets by default), typed into with xdotool, against the fake Ollama server of "+
		"backend/providertest and, for the slowdown, the real Ollama server with the tiny generated model. "+
		"CPU is utime+stime of Brook's process and all its WebKit processes together.", time.Since(began).Round(time.Second))
	if len(only) > 0 {
		fmt.Fprintf(&b, " Only some figures ran: BROOK_WINDOW_BENCH_ONLY=%s.", os.Getenv("BROOK_WINDOW_BENCH_ONLY"))
	}
	b.WriteString("\n\n## Machine\n\n")
	b.WriteString(machine)
	if busiest >= 0.5 {
		fmt.Fprintf(&b, "- **Busy:** other work kept up to %.2f of its %d cores busy before some figures were measured (see the notes for each stream): "+
			"CPU figures come out higher and times longer than on a quiet machine.\n", busiest, runtime.NumCPU())
	}
	b.WriteString("\n## Figures\n\n")
	b.WriteString(table)
	if len(r.notes) > 0 {
		b.WriteString("\n## Notes\n\n")
		for _, n := range r.notes {
			b.WriteString("- " + n + "\n")
		}
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", out)
}

func markdownTable(rows []row) string {
	var b strings.Builder
	b.WriteString("| Figure | Value | Goal |\n|---|---|---|\n")
	for _, r := range rows {
		goal := r.goal
		if goal == "" {
			goal = "–"
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", r.figure, r.value, goal)
	}
	return b.String()
}

// describeMachine is a Markdown list saying where the figures come from.
func describeMachine() string {
	run := func(name string, args ...string) string {
		cmd := exec.Command(name, args...)
		if root, err := realollama.ModuleRoot(); err == nil {
			cmd.Dir = root
		}
		out, err := cmd.Output()
		if err != nil {
			return "unknown"
		}
		return strings.TrimSpace(string(out))
	}
	cpu, mem := "unknown", "unknown"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if f := strings.Fields(l); len(f) >= 2 && f[0] == "MemTotal:" {
				if kb, err := strconv.Atoi(f[1]); err == nil {
					mem = fmt.Sprintf("%.1f GiB", float64(kb)/1024/1024)
				}
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "- System: %s\n", run("uname", "-srm"))
	fmt.Fprintf(&b, "- CPUs: %s (nproc), %s\n", run("nproc"), cpu)
	fmt.Fprintf(&b, "- Memory: %s\n", mem)
	fmt.Fprintf(&b, "- Go: %s\n", run("go", "version"))
	fmt.Fprintf(&b, "- WebKitGTK: %s\n", run("pkg-config", "--modversion", "webkit2gtk-4.1"))
	fmt.Fprintf(&b, "- Date: %s\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&b, "- Tree: %s (git describe --always --dirty --tags)\n", run("git", "describe", "--always", "--dirty", "--tags"))
	fmt.Fprintf(&b, "- Load average when the bench began: %s\n", loadAverage())
	if fi, err := os.Stat(brookBin()); err == nil {
		fmt.Fprintf(&b, "- Binary: %s, built %s\n", brookBin(), fi.ModTime().UTC().Format("2006-01-02 15:04 UTC"))
	}
	return b.String()
}

func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// ---- the figures ---------------------------------------------------------------

// runBin is the copy of Brook's binary the bench runs; binSize its size.
var (
	runBin  string
	binSize int64
)

func benchSize(t *testing.T, r *report) {
	r.add("Binary size (build/bin/brook)", fmt.Sprintf("%s bytes (%.1f MB, %.1f MiB)", thousands(binSize), float64(binSize)/1e6, float64(binSize)/(1<<20)), "≤ 22 MB (18 MB before the document readers and the MCP SDK, issues 19 and 21)")
}

// fakeOllama is a fake Ollama server listing one model.
func fakeOllama(t *testing.T, sc providertest.Script) *providertest.Server {
	sc.Models = []string{"tiny:latest"}
	srv := providertest.NewOllama(sc)
	t.Cleanup(srv.Close)
	return srv
}

func hostOf(url string) string { return strings.TrimPrefix(url, "http://") }

func benchLaunch(t *testing.T, r *report) {
	srv := fakeOllama(t, providertest.Script{})
	dataHome := t.TempDir()
	// The first launch creates the database and WebKit's caches: it is a
	// first run, not counted. The next five are a user's ordinary launches.
	var times, inside []float64
	for i := 0; i < 6; i++ {
		b := startBrook(t, dataHome, hostOf(srv.URL))
		d, err := b.waitReady(90 * time.Second)
		if err != nil {
			t.Fatal(err)
		}
		ms := float64(d.Microseconds()) / 1000
		lines := grepLines(logPathOf(dataHome), "ui ready")
		own := ""
		if len(lines) > 0 {
			if _, v, ok := strings.Cut(lines[len(lines)-1], "since_launch_ms="); ok {
				own = strings.Fields(v)[0]
			}
		}
		t.Logf("launch %d: %.0f ms from exec to \"ui ready\" in the log (Brook's own count: %s ms)", i, ms, own)
		if i > 0 {
			times = append(times, ms)
			if v, err := strconv.ParseFloat(own, 64); err == nil {
				inside = append(inside, v)
			}
		}
		b.waitQuiet(3 * time.Second)
		b.stop()
	}
	r.add("Launch to a usable composer (exec → \"ui ready\" logged; median of 5)",
		fmt.Sprintf("%.0f ms (%s)", median(times), joinMs(times)), "")
	r.note("Launch: Brook's own count from its start to \"ui ready\" has median %.0f ms; the rest of the time above is exec and loading the binary and its libraries before Brook's clock starts, and the bench noticing the log line (polled every 5 ms).", median(inside))
}

func benchIdle(t *testing.T, r *report) {
	srv := fakeOllama(t, providertest.Script{})
	dataHome := t.TempDir()
	if err := seedLongConversation(dataHome, 200); err != nil {
		t.Fatal(err)
	}
	b := startBrook(t, dataHome, hostOf(srv.URL))
	b.mustReady()
	b.waitQuiet(5 * time.Second)
	// Where the first conversation sits depends on what the sidebar shows
	// above it (projects, their hint), so the rows are tried from the top.
	opened := 0
	beforeOpen := snap(b.pid)
	for _, y := range firstChatYs {
		before := screen(t)
		xdotool(t, "mousemove", firstChatX, y, "click", "1")
		time.Sleep(1500 * time.Millisecond)
		if n := changedPixels(before, screen(t), image.Rect(300, 90, 1270, 780)); n >= 2000 {
			opened = n
			break
		}
	}
	if opened == 0 {
		saveScreen(t, "idle-not-opened")
		t.Fatalf("clicking where the first conversation may be (x %s, y %v) changed fewer than 2000 pixels of the message area: it did not open", firstChatX, firstChatYs)
	}
	restPointer(t)
	quiet := b.waitQuiet(20 * time.Second)
	open := delta(beforeOpen, snap(b.pid))
	r.note("Opening the 200-message conversation (its Markdown and code rendered) until the window was quiet: %.2f CPU-s (%v).", seconds(open.ticks), byRoleMs(open))
	saveScreen(t, "idle-long-conversation")
	s0 := snap(b.pid)
	time.Sleep(idleWindow())
	d := delta(s0, snap(b.pid))
	t.Logf("idle: %.2f%% of a core over %s (%v); other load %.2f cores; quiet before: %v", d.percentOfCore(), d.wall.Round(time.Second), byRoleMs(d), d.otherLoad(), quiet)
	r.add(fmt.Sprintf("Idle CPU, a 200-message conversation open (%s)", d.wall.Round(time.Second)),
		fmt.Sprintf("%.2f%% of a core", d.percentOfCore()), "< 1%")
	r.note("Idle with a 200-message conversation open, %s: %s.", d.wall.Round(time.Second), byRoleMs(d))
}

func benchWaiting(t *testing.T, r *report) {
	srv := fakeOllama(t, providertest.Script{Answer: "late", FirstTokenDelay: 10 * time.Minute})
	b := startBrook(t, "", hostOf(srv.URL))
	b.mustReady()
	b.waitQuiet(5 * time.Second)
	typeMessage(t, "Are you there?")
	xdotool(t, "key", "Return")
	deadline := time.Now().Add(15 * time.Second)
	for len(srv.ChatRequests(true)) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("Brook sent no chat request within 15 s of Return")
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // the window settles into its waiting state
	saveScreen(t, "waiting")
	s0 := snap(b.pid)
	time.Sleep(idleWindow())
	d := delta(s0, snap(b.pid))
	if a, err := b.lastAnswer(); err != nil || a.State != "streaming" {
		t.Fatalf("the answer should still be waiting for its first token, but it is %q (%v)", a.State, err)
	}
	t.Logf("waiting: %.2f%% of a core over %s (%v); other load %.2f cores", d.percentOfCore(), d.wall.Round(time.Second), byRoleMs(d), d.otherLoad())
	r.add(fmt.Sprintf("Idle CPU, an answer waiting for its first token (%s)", d.wall.Round(time.Second)),
		fmt.Sprintf("%.2f%% of a core", d.percentOfCore()), "< 1%")
	r.note("Waiting for the first token, %s: %s.", d.wall.Round(time.Second), byRoleMs(d))
}

// benchCPU streams a Markdown answer of about n tokens at rate tokens/s into
// the window and measures the CPU of Brook and its WebKit processes. A
// stream that Brook gave up on part way (its watchdog took a pause for a
// stall, as can happen on a machine overloaded by other work) is not a
// measurement of streaming: it is measured again, once.
func benchCPU(t *testing.T, r *report, rate, n int) {
	toks := tokensOf(longMarkdown(n))
	if len(toks) > n && n < 1000 {
		toks = toks[:n] // a short answer: its first n tokens
	}
	for attempt := 1; ; attempt++ {
		err := streamCPU(t, r, rate, toks)
		if err == nil {
			return
		}
		if attempt == 2 {
			t.Fatal(err)
		}
		t.Logf("%s; measuring again", err)
		r.note("At %d tokens/s the first attempt did not count: %s.", rate, err)
		waitMachineQuiet(20 * time.Second)
	}
}

// errBroken is a streamed answer Brook did not receive whole as a stream.
type errBroken struct{ msg string }

func (e errBroken) Error() string { return e.msg }

func streamCPU(t *testing.T, r *report, rate int, toks []string) error {
	n := len(toks)
	srv := fakeOllama(t, providertest.Script{Tokens: toks, TokenDelay: time.Second / time.Duration(rate)})
	proxy := newCountingProxy(srv.URL)
	defer proxy.Close()
	b := startBrook(t, "", hostOf(proxy.URL))
	defer b.stop()
	b.mustReady()
	b.waitQuiet(10 * time.Second)
	typeMessage(t, "Show me a long answer in Markdown, please.")
	b.waitQuiet(3 * time.Second)
	last, err := b.lastAnswer()
	if err != nil {
		t.Fatal(err)
	}

	marks := []int{1, n / 4, n / 2, 3 * n / 4, n}
	snaps := make([]cpuSnap, len(marks))
	proxy.watch(marks, func(i int) { snaps[i] = snap(b.pid) })
	s0 := snap(b.pid)
	xdotool(t, "key", "Return")
	streaming := time.Duration(n) * time.Second / time.Duration(rate)
	ans, err := b.waitAnswer(last.ID, 3*streaming+60*time.Second)
	if err != nil {
		saveScreen(t, fmt.Sprintf("cpu%d-timeout", rate))
		t.Fatal(err)
	}
	stored := time.Now()
	quiet := b.waitQuiet(60 * time.Second)
	s1 := snap(b.pid)
	saveScreen(t, fmt.Sprintf("cpu%d", rate))
	span, lines := proxy.span() // also orders the reads of snaps after their writes
	if lines < n || len(srv.ChatRequests(true))+len(srv.ChatRequestsBut(false, chat.TitlePrompt)) != 1 {
		return errBroken{fmt.Sprintf("the stream broke after %d of %d tokens (longest pause between lines at the proxy: %s; Brook's log: %s)",
			lines, n, proxy.longestGap().Round(time.Millisecond), strings.Join(grepLines(logPathOf(b.dataHome), "stream broke"), " / "))}
	}
	if ans.State != "complete" || ans.Content != strings.Join(toks, "") {
		t.Fatalf("the answer was stored %s with %d bytes; want complete with %d bytes", ans.State, len(ans.Content), len(strings.Join(toks, "")))
	}

	d := delta(s0, s1)
	perToken := 1000 * seconds(d.ticks) / float64(n)
	paced := float64(n-1) / span.Seconds()
	t.Logf("%d tok/s: %d tokens in %s (%.1f tok/s as sent), stored whole %s after the last token, quiet %s later (%v); %.3f CPU-s, %.2f ms/token, %.0f%% of a core; by process %v; other load %.2f cores",
		rate, n, span.Round(time.Millisecond), paced, stored.Sub(snaps[4].at).Round(time.Millisecond), time.Since(stored).Round(time.Millisecond), quiet,
		seconds(d.ticks), perToken, d.percentOfCore(), byRoleMs(d), d.otherLoad())
	// The goal is on the figure as a user meets it (benchSend), which also
	// counts the typing and a shorter answer's fixed costs.
	r.add(fmt.Sprintf("CPU per token at %d tokens/s, counted from Return (%s-token Markdown answer)", rate, thousands(int64(n))),
		fmt.Sprintf("%.2f ms (sent at %.0f tokens/s; %.2f CPU-s in all, %.0f%% of a core for %s)", perToken, paced, seconds(d.ticks), d.percentOfCore(), d.wall.Round(100*time.Millisecond)),
		"")
	if !quiet {
		r.note("At %d tokens/s the window had not gone quiet 60 s after the answer was stored; CPU was counted up to then.", rate)
	}
	r.note("At %d tokens/s the fake server sent the %d tokens in %s (%.1f tokens/s); the machine outside Brook kept %.2f cores busy meanwhile (of %d).",
		rate, n, span.Round(100*time.Millisecond), paced, d.otherLoad(), runtime.NumCPU())

	if rate == 50 {
		parts := []string{}
		for _, role := range rolesOf(d) {
			parts = append(parts, fmt.Sprintf("%s %.2f ms", role, 1000*seconds(d.byRole[role])/float64(n)))
		}
		r.add("CPU per token at 50 tokens/s, by process", strings.Join(parts, " · "), "")
	}
	if n >= 400 {
		q1 := delta(snaps[0], snaps[1])
		q4 := delta(snaps[3], snaps[4])
		first := 1000 * seconds(q1.ticks) / float64(marks[1]-marks[0])
		lastQ := 1000 * seconds(q4.ticks) / float64(marks[4]-marks[3])
		r.add(fmt.Sprintf("Flat as the answer grows? CPU per token at %d tokens/s, first vs last quarter", rate),
			fmt.Sprintf("%.2f → %.2f ms (×%.2f)", first, lastQ, lastQ/first), "flat (×1)")
	}
	return nil
}

func benchPSSIdle(t *testing.T, r *report) {
	srv := fakeOllama(t, providertest.Script{})
	dataHome := t.TempDir()
	start := time.Now()
	msgs, err := seedManyConversations(dataHome, 10000)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote 10,000 conversations (%d messages) in %s", msgs, time.Since(start).Round(100*time.Millisecond))
	b := startBrook(t, dataHome, hostOf(srv.URL))
	ready, err := b.waitReady(120 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	// At rest means after Brook has handed its start-up heap back, which it
	// does once, a few seconds after the window is ready.
	settled := b.waitLogLine("start-up heap returned", 30*time.Second)
	quiet := b.waitQuiet(30 * time.Second)
	time.Sleep(2 * time.Second)
	saveScreen(t, "pss-idle")
	pss, err := pssOf(b.pid)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("10,000 conversations: ready in %s, start-up heap returned %v, quiet %v, PSS %v kB", ready.Round(time.Millisecond), settled, quiet, pss)
	r.add(fmt.Sprintf("PSS, idle with 10,000 conversations (%s messages) in the database", thousands(int64(msgs))), pssText(pss), "≤ 260 MB (248 MiB)")
	r.note("With 10,000 conversations in the database the window was ready %s after exec.", ready.Round(time.Millisecond))
}

func benchPSSAnswer(t *testing.T, r *report) {
	toks := tokensOf(longMarkdown(20000))
	n := len(toks)
	srv := fakeOllama(t, providertest.Script{Tokens: toks, TokenDelay: time.Millisecond})
	b := startBrook(t, "", hostOf(srv.URL))
	b.mustReady()
	b.waitQuiet(10 * time.Second)
	typeMessage(t, "Now a very long answer, please.")
	b.waitQuiet(3 * time.Second)
	last, err := b.lastAnswer()
	if err != nil {
		t.Fatal(err)
	}
	idle, _ := pssOf(b.pid)
	s0 := snap(b.pid)
	sent := time.Now()
	xdotool(t, "key", "Return")
	ans, err := b.waitAnswer(last.ID, 6*time.Minute)
	if err != nil {
		saveScreen(t, "pss-answer-timeout")
		t.Fatal(err)
	}
	storedAfter := time.Since(sent)
	quiet := b.waitQuiet(2 * time.Minute)
	s1 := snap(b.pid)
	time.Sleep(2 * time.Second)
	saveScreen(t, "pss-answer")
	if ans.State != "complete" || ans.Content != strings.Join(toks, "") {
		t.Fatalf("the answer was stored %s with %d bytes; want complete with %d bytes", ans.State, len(ans.Content), len(strings.Join(toks, "")))
	}
	pss, err := pssOf(b.pid)
	if err != nil {
		t.Fatal(err)
	}
	d := delta(s0, s1)
	t.Logf("%d tokens (%d bytes): stored whole %s after Return, quiet %v after %s; %.1f CPU-s (%.2f ms/token, %v); PSS before %v kB, after %v kB",
		n, len(ans.Content), storedAfter.Round(time.Millisecond), quiet, d.wall.Round(time.Millisecond), seconds(d.ticks),
		1000*seconds(d.ticks)/float64(n), byRoleMs(d), idle, pss)
	r.add(fmt.Sprintf("PSS after a %s-token answer (%d KiB of Markdown, sent at up to 1,000 tokens/s)", thousands(int64(n)), len(ans.Content)/1024),
		pssText(pss)+fmt.Sprintf("; before it: %.0f MiB", float64(sum(idle))/1024), "")
	r.note("The %s-token answer was stored whole %s after Return; Brook and WebKit used %.1f CPU-s (%.2f ms per token) until the window went quiet%s.",
		thousands(int64(n)), storedAfter.Round(100*time.Millisecond), seconds(d.ticks), 1000*seconds(d.ticks)/float64(n),
		map[bool]string{true: "", false: " (it had not, 2 min after the answer was stored)"}[quiet])
}

// ---- formatting ------------------------------------------------------------------

func sum(m map[string]int) int {
	s := 0
	for _, v := range m {
		s += v
	}
	return s
}

// pssText is "total (by process)" in MiB.
func pssText(pss map[string]int) string {
	var parts []string
	for _, role := range sortedRoles(pss) {
		parts = append(parts, fmt.Sprintf("%s %.0f", role, float64(pss[role])/1024))
	}
	return fmt.Sprintf("%.0f MiB (%s)", float64(sum(pss))/1024, strings.Join(parts, " · "))
}

// sortedRoles puts Brook and WebKit's processes first, in that order.
func sortedRoles[V any](m map[string]V) []string {
	order := map[string]int{"Brook": 0, "WebKitWebProcess": 1, "WebKitNetworkProcess": 2}
	var roles []string
	for k := range m {
		roles = append(roles, k)
	}
	slices.SortFunc(roles, func(a, b string) int {
		oa, ok := order[a]
		if !ok {
			oa = 3
		}
		ob, ok := order[b]
		if !ok {
			ob = 3
		}
		if oa != ob {
			return oa - ob
		}
		return strings.Compare(a, b)
	})
	return roles
}

func rolesOf(d cpuDelta) []string { return sortedRoles(d.byRole) }

func byRoleMs(d cpuDelta) string {
	var parts []string
	for _, role := range rolesOf(d) {
		parts = append(parts, fmt.Sprintf("%s %.2f CPU-s", role, seconds(d.byRole[role])))
	}
	return strings.Join(parts, ", ")
}

func joinMs(xs []float64) string {
	var parts []string
	for _, x := range xs {
		parts = append(parts, fmt.Sprintf("%.0f", x))
	}
	return strings.Join(parts, ", ") + " ms"
}

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
