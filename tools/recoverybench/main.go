// Command recoverybench measures how Brook recovers a broken answer stream,
// before and after recovery learned to continue answers and to pace its
// watchdog by the stream (issue 8, point 4). It runs the real chat engine,
// with a real store, against the loopback fake servers of providertest on
// both wire protocols (Ollama's native API and the OpenAI-compatible one),
// with a model that generates n = 400 tokens at 10 ms a token, and measures:
//
//   - how many tokens the recovery asked the server to generate for a break
//     at token k = 380 (the goal is n − k, not n);
//   - the time from that break to the whole answer;
//   - the time from a 200 that sends nothing to the start of recovery;
//   - the time from a stall after 50 tokens to the start of recovery.
//
// "Before" is Brook as it was: every endpoint a server that cannot continue
// (so the whole question is asked again) and fixed timeouts of 300 s before
// the first token and 60 s of silence after it. "After" is Brook now: Ollama
// for the Ollama protocol, llama.cpp's server for the OpenAI one, and the
// default clocks.
//
// It prints a Markdown table and writes it, with a line describing the
// machine, to bench-results/recovery.md. The full run takes about five
// minutes, because the old timeouts take that long by construction; -quick
// skips those two cases. It exits non-zero only when a case failed to run
// (an answer did not complete whole), never because of a timing.
//
//	go run ./tools/recoverybench [-quick] [-out bench-results/recovery.md]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"brook/backend/chat"
	"brook/backend/events"
	"brook/backend/provider"
	"brook/backend/provider/ollama"
	"brook/backend/provider/openai"
	"brook/backend/providertest"
	"brook/backend/store"
)

const (
	nTokens    = 400                   // n: the answer's length in tokens
	breakAt    = 380                   // k: the stream breaks after this many tokens
	stallAfter = 50                    // the stream stalls after this many tokens
	perToken   = 10 * time.Millisecond // the model's pace: 100 tokens a second
	question   = "How do rivers come to bend into meanders?"
)

// oldFirstToken and oldIdle are the fixed timeouts Brook had before.
const (
	oldFirstToken = 300 * time.Second
	oldIdle       = 60 * time.Second
)

type protocol struct {
	name      string
	newServer func(providertest.Script) *providertest.Server
	newClient func(url string) provider.Client
	kind      provider.ServerKind // the server kind Brook now knows it as
}

var protocols = []protocol{
	{"Ollama", providertest.NewOllama, func(u string) provider.Client { return ollama.New(u) }, provider.ServerOllama},
	{"OpenAI-compatible", providertest.NewOpenAI, func(u string) provider.Client { return openai.New(u, "") }, provider.ServerLlamaCpp},
}

// era is Brook before or after the change.
type era int

const (
	before era = iota
	after
)

func (e era) String() string { return [...]string{"before", "after"}[e] }

// scenario is how the stream misbehaves.
type scenario int

const (
	dropped scenario = iota // the connection drops after breakAt tokens
	silent                  // 200 and headers, then nothing
	stalled                 // stallAfter tokens, then nothing
)

func (s scenario) String() string { return [...]string{"break", "silent 200", "stall"}[s] }

func (s scenario) script() providertest.Script {
	sc := providertest.Script{Tokens: answerTokens(), GenerationDelay: perToken}
	switch s {
	case dropped:
		sc.Fault, sc.FaultAfterTokens = providertest.DropBetweenLines, breakAt
	case silent:
		sc.Fault = providertest.NoFirstToken
	case stalled:
		sc.Fault, sc.FaultAfterTokens = providertest.StallAfterFirstToken, stallAfter
	}
	return sc
}

// wantReason is the broken-stream reason each scenario should be recovered for.
func (s scenario) wantReason() provider.BrokenReason {
	return [...]provider.BrokenReason{provider.BrokenDropped, provider.BrokenFirstTokenTimeout, provider.BrokenIdleTimeout}[s]
}

// answerTokens is an answer of nTokens word tokens, each with its leading
// space as a model's tokenizer has it.
func answerTokens() []string {
	words := strings.Fields(`A river bends because its flow is never quite even: water on the outside
		of a curve runs faster and cuts into the bank, while water on the inside slows
		and drops the sand and gravel it carries, so the curve grows a little every
		flood; over centuries the loops swing across the valley floor, and when two
		of them meet the river takes the shortcut and leaves an oxbow lake behind`)
	toks := make([]string, nTokens)
	for i := range toks {
		w := words[i%len(words)]
		if i > 0 {
			w = " " + w
		}
		toks[i] = w
	}
	toks[nTokens-1] = "."
	return toks
}

// result is what one case measured.
type result struct {
	proto    string
	era      era
	scenario scenario

	generated   int           // tokens the recovery requests asked the server to generate
	toRecovery  time.Duration // from the scenario's moment to the start of recovery
	toWhole     time.Duration // from the scenario's moment to the final event
	method      string        // how the answer was completed
	reason      string        // why the stream was recovered
	err         error         // the case failed to run
	warn        []string      // something unexpected that does not stop the case
	skipped     bool
	constructed time.Duration // the value a skipped case has by construction
}

func main() {
	quick := flag.Bool("quick", false, "skip the old timeouts' cases, which take 300 s and 60 s by construction")
	out := flag.String("out", "bench-results/recovery.md", "where to write the results; empty writes nothing")
	verbose := flag.Bool("v", false, "log the engine's messages to stderr")
	flag.Parse()

	logger := slog.New(slog.DiscardHandler)
	if *verbose {
		logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	start := time.Now()
	if *quick {
		fmt.Fprintln(os.Stderr, "recoverybench: quick run, skipping the old 300 s and 60 s timeouts (about half a minute)")
	} else {
		fmt.Fprintln(os.Stderr, "recoverybench: full run; the old 300 s first-token timeout makes it take about 5 minutes (-quick skips it)")
	}

	results := map[string]*result{}
	var mu sync.Mutex
	keep := func(r result) {
		mu.Lock()
		defer mu.Unlock()
		results[key(r.proto, r.era, r.scenario)] = &r
		status := "ok"
		switch {
		case r.skipped:
			status = "skipped"
		case r.err != nil:
			status = "FAILED: " + r.err.Error()
		}
		fmt.Fprintf(os.Stderr, "  %-17s %-6s %-10s %s (%s)\n", r.proto, r.era, r.scenario, status, time.Since(start).Round(time.Second))
	}

	// The waits are idle for seconds or minutes: they all run at once, while
	// the breaks, whose times are a few hundred milliseconds, run one by one.
	var wg sync.WaitGroup
	for _, p := range protocols {
		for _, e := range []era{before, after} {
			for _, s := range []scenario{silent, stalled} {
				if *quick && e == before {
					r := result{proto: p.name, era: e, scenario: s, skipped: true, constructed: oldFirstToken}
					if s == stalled {
						r.constructed = oldIdle
					}
					keep(r)
					continue
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					keep(runCase(p, e, s, logger))
				}()
			}
		}
	}
	for _, p := range protocols {
		for _, e := range []era{before, after} {
			keep(runCase(p, e, dropped, logger))
		}
	}
	wg.Wait()

	table := render(results)
	fmt.Print(table)
	failed := false
	for _, r := range results {
		if r.err != nil {
			failed = true
		}
		for _, w := range r.warn {
			fmt.Fprintf(os.Stderr, "note: %s %s %s: %s\n", r.proto, r.era, r.scenario, w)
		}
	}
	if *out != "" {
		if err := write(*out, table, *quick); err != nil {
			fmt.Fprintln(os.Stderr, "recoverybench:", err)
			failed = true
		} else {
			fmt.Fprintln(os.Stderr, "recoverybench: wrote", *out)
		}
	}
	if failed {
		fmt.Fprintln(os.Stderr, "recoverybench: a case failed to run")
		os.Exit(1)
	}
}

func key(proto string, e era, s scenario) string { return fmt.Sprintf("%s/%d/%d", proto, e, s) }

// providers serves one endpoint, "ep", with a fixed profile.
type providers struct {
	client  provider.Client
	profile provider.ServerProfile
}

func (p providers) Client(_ context.Context, id string) (provider.Client, error) {
	if id != "ep" {
		return nil, errors.New("unknown endpoint " + id)
	}
	return p.client, nil
}

func (p providers) Profile(context.Context, string) provider.ServerProfile { return p.profile }

// stamped is a stream event and when it was emitted.
type stamped struct {
	at time.Time
	ev events.StreamEvent
}

// recorder is an [events.Emitter] that keeps the stream events with the
// time each was emitted.
type recorder struct {
	mu  sync.Mutex
	evs []stamped
}

func (r *recorder) Emit(_ string, payload any) {
	if ev, ok := payload.(events.StreamEvent); ok {
		now := time.Now()
		r.mu.Lock()
		r.evs = append(r.evs, stamped{now, ev})
		r.mu.Unlock()
	}
}

func (r *recorder) events() []stamped {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]stamped(nil), r.evs...)
}

// runCase runs one answer through a fresh engine, store and fake server.
func runCase(p protocol, e era, s scenario, logger *slog.Logger) (res result) {
	res = result{proto: p.name, era: e, scenario: s}
	script := s.script()
	srv := p.newServer(script)
	tp, err := newTap(srv.URL)
	if err != nil {
		srv.Close()
		res.err = err
		return res
	}
	// Last, after the engine: the server, so the tap's connections end, then the tap.
	defer func() {
		srv.Close()
		tp.Close()
	}()
	dir, err := os.MkdirTemp("", "recoverybench-")
	if err != nil {
		res.err = err
		return res
	}
	defer os.RemoveAll(dir)
	st, err := store.Open(filepath.Join(dir, "brook.db"))
	if err != nil {
		res.err = err
		return res
	}
	defer st.Close()

	profile := provider.ServerProfile{Kind: p.kind, MaxParallel: 4}
	clocks := &chat.Clocks{} // the defaults
	if e == before {
		// Every endpoint a server that cannot continue, and the old fixed timeouts.
		profile.Kind = provider.ServerOpenAI
		clocks = &chat.Clocks{FirstTokenFloor: oldFirstToken, FirstTokenCeiling: oldFirstToken, StallFloor: oldIdle, StallCeiling: oldIdle}
	}
	rec := &recorder{}
	eng := chat.New(chat.Config{
		Store: st, Providers: providers{client: p.newClient(tp.URL()), profile: profile},
		Emitter: rec, Logger: logger, Clocks: clocks,
	})
	defer eng.Close()

	sent, err := eng.Send(context.Background(), chat.SendRequest{Text: question, EndpointID: "ep", Model: "tiny"})
	if err != nil {
		res.err = err
		return res
	}
	done := make(chan struct{})
	go func() { eng.Wait(sent.Answer.ID); close(done) }()
	limit := 2 * time.Minute
	if e == before {
		limit = oldFirstToken + 2*time.Minute
	}
	select {
	case <-done:
	case <-time.After(limit):
		res.err = fmt.Errorf("no answer after %v", limit)
		return res
	}

	got, err := st.GetMessage(context.Background(), sent.Answer.ID)
	if err != nil {
		res.err = err
		return res
	}
	res.method, res.reason = got.RecoveryMethod, got.RecoveryReason
	whole := strings.Join(script.Tokens, "")
	if got.State != store.StateComplete || got.Content != whole {
		res.err = fmt.Errorf("the answer is %s with %d of %d bytes (%s)", got.State, len(got.Content), len(whole), got.Error)
		return res
	}
	if !got.Recovered || got.RecoveryReason != string(s.wantReason()) {
		res.warn = append(res.warn, fmt.Sprintf("recovered %v for %q, want for %q", got.Recovered, got.RecoveryReason, s.wantReason()))
	}
	wantMethod := store.RecoveryContinued
	if e == before || s == silent {
		wantMethod = store.RecoveryReasked
	}
	if got.RecoveryMethod != wantMethod {
		res.warn = append(res.warn, fmt.Sprintf("completed by %q, want %q", got.RecoveryMethod, wantMethod))
	}

	for _, r := range srv.ChatRequests(false) {
		res.generated += r.GeneratedTokens
	}

	var recovering, final time.Time
	for _, se := range rec.events() {
		switch {
		case se.ev.Phase == events.PhaseRecovering && recovering.IsZero():
			// Since is when the engine began recovering; the event leaves on the next frame.
			recovering = time.UnixMilli(se.ev.Since)
		case se.ev.Phase == events.PhaseFinal:
			final = se.at
		}
	}
	requested, lastData, closed, ok := tp.streamConn()
	if !ok || recovering.IsZero() || final.IsZero() {
		res.err = fmt.Errorf("missing a moment: stream seen %v, recovering event %v, final event %v", ok, !recovering.IsZero(), !final.IsZero())
		return res
	}
	var from time.Time
	switch s {
	case dropped:
		from = closed // when the server cut the stream
	case silent:
		from = requested // when the request reached the server
	case stalled:
		from = lastData // when the last token left the server
	}
	if from.IsZero() {
		res.err = errors.New("the tap did not see the moment the stream broke")
		return res
	}
	res.toRecovery, res.toWhole = recovering.Sub(from), final.Sub(from)
	return res
}

// render is the results as a Markdown table.
func render(results map[string]*result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| metric | protocol | before | after | ratio (before/after) |\n|---|---|---|---|---|\n")
	type metric struct {
		name     string
		scenario scenario
		value    func(*result) (float64, string)
	}
	tokens := func(r *result) (float64, string) { return float64(r.generated), fmt.Sprint(r.generated) }
	dur := func(get func(*result) time.Duration) func(*result) (float64, string) {
		return func(r *result) (float64, string) { d := get(r); return d.Seconds(), seconds(d) }
	}
	metrics := []metric{
		{fmt.Sprintf("tokens the recovery asked the server to generate, break at token %d of %d (goal: n − k = %d)", breakAt, nTokens, nTokens-breakAt), dropped, tokens},
		{"time from the break to the whole answer", dropped, dur(func(r *result) time.Duration { return r.toWhole })},
		{"time from a silent 200 to the start of recovery", silent, dur(func(r *result) time.Duration { return r.toRecovery })},
		{fmt.Sprintf("time from a stall (after %d tokens) to the start of recovery", stallAfter), stalled, dur(func(r *result) time.Duration { return r.toRecovery })},
	}
	for _, m := range metrics {
		for _, p := range protocols {
			bef, aft := results[key(p.name, before, m.scenario)], results[key(p.name, after, m.scenario)]
			cell := func(r *result) (float64, string, bool) {
				switch {
				case r == nil:
					return 0, "(not run)", false
				case r.skipped:
					return 0, fmt.Sprintf("(skipped: %.0f s by construction)", r.constructed.Seconds()), false
				case r.err != nil:
					return 0, "(failed)", false
				}
				v, s := m.value(r)
				return v, s, true
			}
			bv, bs, bok := cell(bef)
			av, as, aok := cell(aft)
			ratio := "—"
			if bok && aok && av > 0 {
				ratio = fmt.Sprintf("%.1f×", bv/av)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", m.name, p.name, bs, as, ratio)
		}
	}
	return b.String()
}

// seconds formats d for the table: milliseconds under a second, else seconds.
func seconds(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// write writes the results file: what was measured, on what, and the table.
func write(path, table string, quick bool) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	run := "full run"
	if quick {
		run = "quick run (-quick: the old timeouts not waited for)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Recovery of a broken stream, before and after\n\n")
	fmt.Fprintf(&b, "Machine: %s\n\n", machine())
	fmt.Fprintf(&b, "Measured by `go run ./tools/recoverybench` (`make bench`), %s: the real chat engine and store against the loopback fake servers, "+
		"a model that generates n = %d tokens at %d ms a token, the stream broken at token k = %d (dropped), "+
		"silent after its headers, or stalled after %d tokens. Before: every endpoint a server that cannot continue "+
		"(the whole question asked again), fixed timeouts of %.0f s before the first token and %.0f s after it. "+
		"After: Ollama for the Ollama protocol, llama.cpp's server for the OpenAI-compatible one, the default clocks.\n\n",
		run, nTokens, perToken.Milliseconds(), breakAt, stallAfter, oldFirstToken.Seconds(), oldIdle.Seconds())
	b.WriteString(table)
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// machine is a one-line description of the machine and toolchain.
func machine() string {
	uname := "unknown system"
	if out, err := exec.Command("uname", "-srm").Output(); err == nil {
		uname = strings.TrimSpace(string(out))
	}
	cpus := fmt.Sprint(runtime.NumCPU())
	if out, err := exec.Command("nproc").Output(); err == nil {
		cpus = strings.TrimSpace(string(out))
	}
	return fmt.Sprintf("%s, %s CPUs, %s, %s", uname, cpus, runtime.Version(), time.Now().UTC().Format("2006-01-02 15:04 UTC"))
}
