package windowbench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"brook/tests/realollama"
)

// slowdownPrompt gets the tiny model's whole 200-token answer at
// temperature 0 (some prompts end early; this one does not).
const slowdownPrompt = "write a long story"

// slowdownModel is the tiny model registered to answer at length.
const slowdownModel = "long"

// slowdownRuns is how many answers each side reads. The tiny model serves
// 200 tokens in a fraction of a second, so one run is noisy; the medians of
// seven taken in turns are steady to a few hundredths.
const slowdownRuns = 7

// waitGIN waits until the log has more than n chat lines and returns the new ones.
func waitGIN(srv *realollama.Server, n int, timeout time.Duration) ([]time.Duration, error) {
	deadline := time.Now().Add(timeout)
	for {
		if ts := srv.ChatRequestTimes(); len(ts) > n {
			return ts[n:], nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("the server logged no request time for /api/chat within %s", timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// bareChat streams one answer from /api/chat, as Brook asks for it (model,
// one user message, stream), reading each line as it comes.
func bareChat(ctx context.Context, baseURL, model, prompt string) (text string, evalCount int, done bool, err error) {
	body, _ := json.Marshal(map[string]any{
		"model":    model,
		"messages": []map[string]string{{"role": "user", "content": prompt}},
		"stream":   true,
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+"/api/chat", bytes.NewReader(body))
	if err != nil {
		return "", 0, false, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", 0, false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", 0, false, fmt.Errorf("status %s", resp.Status)
	}
	var b strings.Builder
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		var line struct {
			Message   struct{ Content string } `json:"message"`
			Done      bool                     `json:"done"`
			EvalCount int                      `json:"eval_count"`
			Error     string                   `json:"error"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			return b.String(), 0, false, err
		}
		if line.Error != "" {
			return b.String(), 0, false, fmt.Errorf("server: %s", line.Error)
		}
		b.WriteString(line.Message.Content)
		if line.Done {
			return b.String(), line.EvalCount, true, nil
		}
	}
	return b.String(), 0, false, sc.Err()
}

// benchSlowdown compares the real Ollama server's own request time for one
// 200-token answer read by a bare client with the same answer streamed into
// Brook's window. The ratio bare/Brook is 1 when the window costs the model
// nothing.
func benchSlowdown(t *testing.T, r *report) {
	srv := realollama.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if err := srv.AddVariant(ctx, slowdownModel, map[string]any{"num_predict": realollama.LongNumPredict, "temperature": 0}); err != nil {
		t.Fatal(err)
	}
	// Brook selects the first model it finds: leave it only the long one.
	if err := srv.RemoveModel(ctx, realollama.ModelName); err != nil {
		t.Fatal(err)
	}
	model := slowdownModel + ":latest"
	ollamaBin, err := filepath.EvalSymlinks(srv.Bin)
	if err != nil {
		t.Fatal(err)
	}
	// What the machine did during a run, in cores: the model server, Brook
	// (with WebKit) and everything else.
	type loads struct{ server, brook, other float64 }
	var bareLoads, brookLoads []loads
	measureLoads := func(brookPid int) func() loads {
		m0, o0, at := machineBusy(), exeTicks(ollamaBin), time.Now()
		var b0 uint64
		if brookPid != 0 {
			b0 = treeTicks(brookPid)
		}
		return func() loads {
			secs := time.Since(at).Seconds() * clockTicks
			l := loads{server: float64(exeTicks(ollamaBin)-o0) / secs}
			if brookPid != 0 {
				l.brook = float64(treeTicks(brookPid)-b0) / secs
			}
			l.other = max(float64(machineBusy()-m0)/secs-l.server-l.brook, 0)
			return l
		}
	}

	// Brook's window is open, idle, while the bare client reads, so the runs
	// can take turns: a load from elsewhere that comes and goes then falls
	// on both alike.
	b := startBrook(t, "", hostOf(srv.URL))
	b.mustReady()
	b.waitQuiet(10 * time.Second)

	bare := func() (time.Duration, string, int) {
		t.Helper()
		n := len(srv.ChatRequestTimes())
		done := measureLoads(b.pid)
		text, evals, ok, err := bareChat(ctx, srv.URL, model, slowdownPrompt)
		l := done()
		if err != nil || !ok {
			t.Fatalf("bare client: done %v, err %v, after %d bytes", ok, err, len(text))
		}
		ts, err := waitGIN(srv, n, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		bareLoads = append(bareLoads, l)
		return ts[0], text, evals
	}
	_, reference, evals := bare() // loads the model
	bareLoads = nil
	t.Logf("warm-up: %d tokens, %d bytes", evals, len(reference))

	var bareTimes, brookTimes []float64
	for i := 0; i < slowdownRuns; i++ {
		waitMachineQuiet(10 * time.Second)
		d, text, evals := bare()
		if text != reference {
			t.Logf("bare answer %d differs from the first (%d bytes, %d tokens)", i, len(text), evals)
		}
		t.Logf("bare %d: %s, %d tokens; cores busy: %+v", i, d, evals, bareLoads[len(bareLoads)-1])
		bareTimes = append(bareTimes, d.Seconds())

		if i > 0 {
			xdotool(t, "key", "ctrl+n") // a new conversation, so the prompt is the same
			time.Sleep(500 * time.Millisecond)
		}
		typeMessage(t, slowdownPrompt)
		b.waitQuiet(3 * time.Second)
		waitMachineQuiet(10 * time.Second)
		last, err := b.lastAnswer()
		if err != nil {
			t.Fatal(err)
		}
		n := len(srv.ChatRequestTimes())
		done := measureLoads(b.pid)
		xdotool(t, "key", "Return")
		ans, err := b.waitAnswer(last.ID, 3*time.Minute)
		l := done()
		if err != nil {
			saveScreen(t, "slowdown-timeout")
			t.Fatal(err)
		}
		ts, err := waitGIN(srv, n, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if ans.State != "complete" {
			t.Fatalf("Brook's answer %d was stored %s", i, ans.State)
		}
		if len(ts) > 1 {
			t.Logf("Brook made %d chat requests for answer %d: %v", len(ts), i, ts)
		}
		same := "the same answer as the bare client's"
		if ans.Content != reference {
			same = fmt.Sprintf("a different answer from the bare client's (%d bytes against %d)", len(ans.Content), len(reference))
		}
		t.Logf("Brook %d: %s, %d tokens, %s; cores busy: %+v", i, ts[0], ans.CompletionTokens, same, l)
		brookLoads = append(brookLoads, l)
		brookTimes = append(brookTimes, ts[0].Seconds())
		saveScreen(t, fmt.Sprintf("slowdown-%d", i))
		b.waitQuiet(30 * time.Second)
	}
	bm, km := median(bareTimes), median(brookTimes)
	r.add(fmt.Sprintf("Model slowdown: real Ollama's request time for a %d-token answer, bare client ÷ Brook's window (medians of %d)", evals, slowdownRuns),
		fmt.Sprintf("%.2f (bare %s s, in Brook %s s)", bm/km, joinSeconds(bareTimes), joinSeconds(brookTimes)), "≥ 0.9")
	avg := func(ls []loads) (l loads) {
		for _, x := range ls {
			l.server += x.server / float64(len(ls))
			l.brook += x.brook / float64(len(ls))
			l.other += x.other / float64(len(ls))
		}
		return l
	}
	ba, ka := avg(bareLoads), avg(brookLoads)
	r.note("Slowdown: bare and Brook's runs took turns, with Brook's window open throughout. While the bare client read its answers the model server kept %.2f cores busy, "+
		"Brook's idle window %.2f and the rest of the machine %.2f; while Brook's window showed them, the server %.2f, Brook and WebKit %.2f, the rest %.2f (of %d cores).",
		ba.server, ba.brook, ba.other, ka.server, ka.brook, ka.other, runtime.NumCPU())
}

func joinSeconds(xs []float64) string {
	var parts []string
	for _, x := range xs {
		parts = append(parts, fmt.Sprintf("%.2f", x))
	}
	return strings.Join(parts, ", ")
}
