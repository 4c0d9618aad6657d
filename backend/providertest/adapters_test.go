package providertest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"brook/backend/provider"
	"brook/backend/provider/ollama"
	"brook/backend/provider/openai"
	pt "brook/backend/providertest"
)

// proto is one wire protocol: its fault server and its adapter.
type proto struct {
	name      string
	newServer func(pt.Script) *pt.Server
	newClient func(baseURL string) provider.Client
}

const testKey = "sk-test-0123456789"

var protos = []proto{
	{"ollama", pt.NewOllama, func(u string) provider.Client { return ollama.New(u) }},
	{"openai", pt.NewOpenAI, func(u string) provider.Client { return openai.New(u, testKey) }},
}

// want is the exact outcome of one call.
type want struct {
	text       string
	broken     provider.BrokenReason // "" when no BrokenError is expected
	status     int                   // BrokenError.Status
	retryAfter time.Duration
	refused    *provider.RequestError
	ctxErr     error // context.Canceled or context.DeadlineExceeded
	usage      *provider.Usage
	finish     string
}

func checkOutcome(t *testing.T, comp provider.Completion, err error, w want) {
	t.Helper()
	if comp.Text != w.text {
		t.Errorf("text = %q, want %q", comp.Text, w.text)
	}
	var broken *provider.BrokenError
	var refused *provider.RequestError
	isBroken := errors.As(err, &broken)
	isRefused := errors.As(err, &refused)
	switch {
	case w.ctxErr != nil:
		if !errors.Is(err, w.ctxErr) {
			t.Errorf("err = %v, want errors.Is %v", err, w.ctxErr)
		}
		if isBroken || isRefused {
			t.Errorf("cancellation classified as %T: %v", err, err)
		}
	case w.broken != "":
		if !isBroken {
			t.Fatalf("err = %v (%T), want BrokenError %s", err, err, w.broken)
		}
		if broken.Reason != w.broken || broken.Status != w.status || broken.RetryAfter != w.retryAfter {
			t.Errorf("BrokenError{%s, %d, %v} = %v; want {%s, %d, %v}", broken.Reason, broken.Status, broken.RetryAfter, err,
				w.broken, w.status, w.retryAfter)
		}
		if w.broken == provider.BrokenDropped && !errors.Is(err, io.ErrUnexpectedEOF) {
			// The fault servers cut bodies short, which Go reports as io.ErrUnexpectedEOF.
			t.Errorf("dropped stream does not wrap io.ErrUnexpectedEOF: %v", err)
		}
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("broken stream looks like a cancellation: %v", err)
		}
	case w.refused != nil:
		if !isRefused {
			t.Fatalf("err = %v (%T), want RequestError", err, err)
		}
		if *refused != *w.refused {
			t.Errorf("RequestError = %+v, want %+v", *refused, *w.refused)
		}
	default:
		if err != nil {
			t.Fatalf("err = %v, want nil", err)
		}
	}
	if w.usage != nil && comp.Usage != *w.usage {
		t.Errorf("usage = %+v, want %+v", comp.Usage, *w.usage)
	}
	if w.finish != "" && comp.FinishReason != w.finish {
		t.Errorf("finish reason = %q, want %q", comp.FinishReason, w.finish)
	}
}

func chatReq() provider.Request {
	return provider.Request{Model: "tiny:latest", Messages: []provider.Message{{Role: "user", Content: "Say hello"}}}
}

// firstMultiByteToken is the index of the first token with a multi-byte character.
func firstMultiByteToken(t *testing.T, toks []string) int {
	t.Helper()
	for i, tok := range toks {
		if utf8.RuneCountInString(tok) != len(tok) {
			return i
		}
	}
	t.Fatal("no token with a multi-byte character")
	return 0
}

func TestStream(t *testing.T) {
	toks := pt.SplitTokens(pt.DefaultAnswer, 3)
	full := pt.DefaultAnswer
	part := func(k int) string { return strings.Join(toks[:k], "") }
	runeTok := firstMultiByteToken(t, toks)
	httpDate := time.Now().Add(60 * time.Second).UTC().Format(http.TimeFormat)

	type streamCase struct {
		name    string
		script  pt.Script
		timeout time.Duration // a ctx deadline, for hanging faults
		want    func(p proto) want
	}
	same := func(w want) func(proto) want { return func(proto) want { return w } }
	cases := []streamCase{
		{name: "normal end", script: pt.Script{StreamUsage: true},
			want: same(want{text: full, usage: &provider.Usage{PromptTokens: 10, CompletionTokens: len(toks)}, finish: "stop"})},
		{name: "normal end, no usage chunk", script: pt.Script{FinishReason: "length"},
			want: func(p proto) want {
				w := want{text: full, finish: "length", usage: &provider.Usage{}}
				if p.name == "ollama" { // Ollama always reports counts on the done line.
					w.usage = &provider.Usage{PromptTokens: 10, CompletionTokens: len(toks)}
				}
				return w
			}},
		{name: "slow tokens", script: pt.Script{FirstTokenDelay: 30 * time.Millisecond, TokenDelay: 3 * time.Millisecond},
			want: same(want{text: full})},
		{name: "custom tokens", script: pt.Script{Tokens: []string{"a", "ü", "", "✓z"}}, want: same(want{text: "aü✓z"})},
		{name: "drop between lines", script: pt.Script{Fault: pt.DropBetweenLines, FaultAfterTokens: 3},
			want: same(want{text: part(3), broken: provider.BrokenDropped})},
		{name: "drop before any token", script: pt.Script{Fault: pt.DropBetweenLines},
			want: same(want{text: "", broken: provider.BrokenDropped})},
		{name: "drop mid-line", script: pt.Script{Fault: pt.DropMidLine, FaultAfterTokens: 2},
			want: same(want{text: part(2), broken: provider.BrokenDropped})},
		{name: "drop mid-line of the end marker", script: pt.Script{Fault: pt.DropMidLine, FaultAfterTokens: len(toks)},
			want: same(want{text: full, broken: provider.BrokenDropped})},
		{name: "drop inside a rune", script: pt.Script{Fault: pt.DropInsideRune, FaultAfterTokens: runeTok},
			want: same(want{text: part(runeTok), broken: provider.BrokenDropped})},
		{name: "clean end without marker", script: pt.Script{Fault: pt.CleanEndNoMarker, FaultAfterTokens: 4},
			want: same(want{text: part(4), broken: provider.BrokenNoEndMarker})},
		{name: "clean end after all text without marker", script: pt.Script{Fault: pt.CleanEndNoMarker, FaultAfterTokens: len(toks)},
			want: same(want{text: full, broken: provider.BrokenNoEndMarker})},
		{name: "error in first chunk", script: pt.Script{Fault: pt.ErrorFirstChunk, ErrorMessage: "model crashed"},
			want: same(want{text: "", broken: provider.BrokenErrorInStream})},
		{name: "error later", script: pt.Script{Fault: pt.ErrorLater, FaultAfterTokens: 2},
			want: same(want{text: part(2), broken: provider.BrokenErrorInStream})},
		{name: "no first token", script: pt.Script{Fault: pt.NoFirstToken}, timeout: 200 * time.Millisecond,
			want: same(want{text: "", ctxErr: context.DeadlineExceeded})},
		{name: "stall after first token", script: pt.Script{Fault: pt.StallAfterFirstToken, FaultAfterTokens: 2}, timeout: 200 * time.Millisecond,
			want: same(want{text: part(2), ctxErr: context.DeadlineExceeded})},
		{name: "500 before first token", script: pt.Script{Fault: pt.Status5xxBeforeFirst},
			want: same(want{broken: provider.BrokenServerError, status: 500})},
		{name: "503 before first token", script: pt.Script{Fault: pt.Status5xxBeforeFirst, Status: 503},
			want: same(want{broken: provider.BrokenServerError, status: 503})},
		{name: "429 with Retry-After seconds", script: pt.Script{Fault: pt.Status429BeforeFirst, RetryAfter: "7"},
			want: same(want{broken: provider.BrokenRateLimited, status: 429, retryAfter: 7 * time.Second})},
		{name: "400 with reason", script: pt.Script{Fault: pt.StatusError, Status: 400, ErrorMessage: "messages must not be empty"},
			want: same(want{refused: &provider.RequestError{Status: 400, Message: "messages must not be empty"}})},
		{name: "401 with reason", script: pt.Script{Fault: pt.StatusError, Status: 401, ErrorMessage: "unauthorized: bad key"},
			want: same(want{refused: &provider.RequestError{Status: 401, Message: "unauthorized: bad key"}})},
		{name: "404 with reason", script: pt.Script{Fault: pt.StatusError, Status: 404, ErrorMessage: `model "nope" not found, try pulling it first`},
			want: same(want{refused: &provider.RequestError{Status: 404, Message: `model "nope" not found, try pulling it first`}})},
	}
	for _, p := range protos {
		srv := p.newServer(pt.Script{})
		t.Cleanup(srv.Close)
		client := p.newClient(srv.URL)
		for _, tc := range cases {
			t.Run(p.name+"/"+tc.name, func(t *testing.T) {
				srv.SetScript(tc.script)
				ctx := t.Context()
				if tc.timeout > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tc.timeout)
					defer cancel()
				} else {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, 10*time.Second) // Only against hangs.
					defer cancel()
				}
				var pieces strings.Builder
				comp, err := client.Stream(ctx, chatReq(), func(d provider.Delta) { pieces.WriteString(d.Text) })
				checkOutcome(t, comp, err, tc.want(p))
				if pieces.String() != comp.Text {
					t.Errorf("onText got %q, Completion.Text %q", pieces.String(), comp.Text)
				}
			})
		}

		t.Run(p.name+"/429 with Retry-After date", func(t *testing.T) {
			srv.SetScript(pt.Script{Fault: pt.Status429BeforeFirst, RetryAfter: httpDate})
			_, err := client.Stream(t.Context(), chatReq(), nil)
			var broken *provider.BrokenError
			if !errors.As(err, &broken) || broken.Reason != provider.BrokenRateLimited || broken.Status != 429 {
				t.Fatalf("err = %v, want rate limited", err)
			}
			// A date has one-second resolution and the clock moves: bound it loosely.
			if broken.RetryAfter < 30*time.Second || broken.RetryAfter > 61*time.Second {
				t.Errorf("RetryAfter = %v, want about 60s", broken.RetryAfter)
			}
		})

		t.Run(p.name+"/cancel mid-stream", func(t *testing.T) {
			srv.SetScript(pt.Script{TokenDelay: 20 * time.Millisecond})
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			n := 0
			comp, err := client.Stream(ctx, chatReq(), func(provider.Delta) {
				if n++; n == 3 {
					cancel()
				}
			})
			checkOutcome(t, comp, err, want{text: part(3), ctxErr: context.Canceled})
		})

		t.Run(p.name+"/server down", func(t *testing.T) {
			comp, err := p.newClient(pt.DownURL()).Stream(t.Context(), chatReq(), nil)
			checkOutcome(t, comp, err, want{broken: provider.BrokenUnreachable})
		})
	}
}

func TestOpenAIEndMarker(t *testing.T) {
	srv := pt.NewOpenAI(pt.Script{})
	t.Cleanup(srv.Close)
	for _, base := range []string{srv.URL, srv.URL + "/", srv.URL + "/v1"} {
		client := openai.New(base, testKey)
		t.Run("finish_reason without [DONE] "+base, func(t *testing.T) {
			srv.SetScript(pt.Script{OmitDone: true})
			comp, err := client.Stream(t.Context(), chatReq(), nil)
			checkOutcome(t, comp, err, want{text: pt.DefaultAnswer, finish: "stop"})
		})
	}
	t.Run("wrong API key", func(t *testing.T) {
		srv.SetScript(pt.Script{APIKey: "sk-right-key"})
		comp, err := openai.New(srv.URL, "sk-wrong-key").Stream(t.Context(), chatReq(), nil)
		checkOutcome(t, comp, err, want{refused: &provider.RequestError{Status: 401, Message: "Incorrect API key provided: ****-key."}})
	})
	t.Run("right API key", func(t *testing.T) {
		srv.SetScript(pt.Script{APIKey: testKey})
		comp, err := openai.New(srv.URL, testKey).Stream(t.Context(), chatReq(), nil)
		checkOutcome(t, comp, err, want{text: pt.DefaultAnswer})
	})
}

func TestComplete(t *testing.T) {
	toks := pt.SplitTokens(pt.DefaultAnswer, 3)
	cases := []struct {
		name    string
		script  pt.Script
		timeout time.Duration
		want    want
	}{
		{"success", pt.Script{}, 0, want{text: pt.DefaultAnswer, finish: "stop",
			usage: &provider.Usage{PromptTokens: 10, CompletionTokens: len(toks)}}},
		{"stream fault does not apply", pt.Script{Fault: pt.DropMidLine}, 0, want{text: pt.DefaultAnswer}},
		{"500", pt.Script{NonStreamFault: pt.Status5xxBeforeFirst}, 0, want{broken: provider.BrokenServerError, status: 500}},
		{"429", pt.Script{NonStreamFault: pt.Status429BeforeFirst, RetryAfter: "3"}, 0,
			want{broken: provider.BrokenRateLimited, status: 429, retryAfter: 3 * time.Second}},
		{"404", pt.Script{NonStreamFault: pt.StatusError, Status: 404, ErrorMessage: "no such model"}, 0,
			want{refused: &provider.RequestError{Status: 404, Message: "no such model"}}},
		{"drop", pt.Script{NonStreamFault: pt.DropMidLine}, 0, want{broken: provider.BrokenDropped}},
		{"drop inside rune", pt.Script{NonStreamFault: pt.DropInsideRune}, 0, want{broken: provider.BrokenDropped}},
		// Ollama's object is whole, with done:false, so its text arrives (set below).
		{"clean end without marker", pt.Script{NonStreamFault: pt.CleanEndNoMarker}, 0, want{broken: provider.BrokenNoEndMarker}},
		{"error object", pt.Script{NonStreamFault: pt.ErrorFirstChunk}, 0, want{broken: provider.BrokenErrorInStream}},
		{"hang", pt.Script{NonStreamFault: pt.NoFirstToken}, 200 * time.Millisecond, want{ctxErr: context.DeadlineExceeded}},
	}
	for _, p := range protos {
		srv := p.newServer(pt.Script{})
		t.Cleanup(srv.Close)
		client := p.newClient(srv.URL)
		for _, tc := range cases {
			t.Run(p.name+"/"+tc.name, func(t *testing.T) {
				srv.SetScript(tc.script)
				timeout := tc.timeout
				if timeout == 0 {
					timeout = 10 * time.Second
				}
				ctx, cancel := context.WithTimeout(t.Context(), timeout)
				defer cancel()
				comp, err := client.Complete(ctx, chatReq())
				w := tc.want
				if p.name == "ollama" && tc.name == "clean end without marker" {
					w.text = pt.DefaultAnswer
				}
				checkOutcome(t, comp, err, w)
			})
		}
		t.Run(p.name+"/non-stream failures then success", func(t *testing.T) {
			srv.SetScript(pt.Script{NonStreamFailures: 2, ErrorMessage: "busy"})
			before := len(srv.ChatRequests(false))
			for range 2 {
				comp, err := client.Complete(t.Context(), chatReq())
				checkOutcome(t, comp, err, want{broken: provider.BrokenServerError, status: 500})
			}
			comp, err := client.Complete(t.Context(), chatReq())
			checkOutcome(t, comp, err, want{text: pt.DefaultAnswer})
			if got := len(srv.ChatRequests(false)) - before; got != 3 {
				t.Errorf("non-streaming requests = %d, want 3", got)
			}
		})
		t.Run(p.name+"/server down", func(t *testing.T) {
			comp, err := p.newClient(pt.DownURL()).Complete(t.Context(), chatReq())
			checkOutcome(t, comp, err, want{broken: provider.BrokenUnreachable})
		})
	}
}

func TestListModels(t *testing.T) {
	for _, p := range protos {
		srv := p.newServer(pt.Script{Models: []string{"tiny:latest", "small:7b"}})
		t.Cleanup(srv.Close)
		client := p.newClient(srv.URL)
		t.Run(p.name+"/ok", func(t *testing.T) {
			models, err := client.ListModels(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			want := []provider.Model{{Name: "tiny:latest"}, {Name: "small:7b"}}
			if p.name == "ollama" {
				want[0].SizeBytes, want[1].SizeBytes = 1_000_000, 2_000_000
			}
			if !reflect.DeepEqual(models, want) {
				t.Errorf("models = %+v, want %+v", models, want)
			}
		})
		t.Run(p.name+"/401", func(t *testing.T) {
			srv.SetScript(pt.Script{ModelsFault: pt.StatusError, Status: 401, ErrorMessage: "invalid key"})
			_, err := client.ListModels(t.Context())
			checkOutcome(t, provider.Completion{}, err, want{refused: &provider.RequestError{Status: 401, Message: "invalid key"}})
		})
		t.Run(p.name+"/503", func(t *testing.T) {
			srv.SetScript(pt.Script{ModelsFault: pt.Status5xxBeforeFirst, Status: 503})
			_, err := client.ListModels(t.Context())
			checkOutcome(t, provider.Completion{}, err, want{broken: provider.BrokenServerError, status: 503})
		})
		t.Run(p.name+"/down", func(t *testing.T) {
			_, err := p.newClient(pt.DownURL()).ListModels(t.Context())
			checkOutcome(t, provider.Completion{}, err, want{broken: provider.BrokenUnreachable})
		})
	}
}

// unsupported are parameters some servers reject; they are never sent.
var unsupported = []string{"tools", "tool_choice", "stream_options", "functions", "function_call", "parallel_tool_calls"}

func TestParameters(t *testing.T) {
	zero := 0.0
	warm := 0.7
	cases := []struct {
		name string
		req  provider.Request
		// wantOllama is Ollama's expected options; wantOpenAI the expected top-level fields.
		wantOllama map[string]any
		wantOpenAI map[string]any
	}{
		{"defaults are not sent", chatReq(), nil, map[string]any{}},
		{"temperature 0 is sent", func() provider.Request { r := chatReq(); r.Temperature = &zero; return r }(),
			map[string]any{"temperature": 0.0}, map[string]any{"temperature": 0.0}},
		{"all set", func() provider.Request {
			r := chatReq()
			r.Temperature, r.MaxTokens, r.ContextLength = &warm, 64, 2048
			return r
		}(), map[string]any{"temperature": 0.7, "num_predict": 64.0, "num_ctx": 2048.0},
			map[string]any{"temperature": 0.7, "max_tokens": 64.0}},
	}
	for _, p := range protos {
		srv := p.newServer(pt.Script{})
		t.Cleanup(srv.Close)
		client := p.newClient(srv.URL)
		for _, tc := range cases {
			for _, stream := range []bool{true, false} {
				t.Run(p.name+"/"+tc.name+map[bool]string{true: "/stream", false: "/complete"}[stream], func(t *testing.T) {
					before := len(srv.Requests())
					var err error
					if stream {
						_, err = client.Stream(t.Context(), tc.req, nil)
					} else {
						_, err = client.Complete(t.Context(), tc.req)
					}
					if err != nil {
						t.Fatal(err)
					}
					reqs := srv.Requests()[before:]
					if len(reqs) != 1 {
						t.Fatalf("got %d requests, want 1", len(reqs))
					}
					got := reqs[0]
					if got.Stream != stream {
						t.Errorf("stream = %v, want %v", got.Stream, stream)
					}
					if got.Body["model"] != "tiny:latest" {
						t.Errorf("model = %v", got.Body["model"])
					}
					for _, key := range unsupported {
						if got.Has(key) {
							t.Errorf("sent %q: %v", key, got.Body[key])
						}
					}
					switch p.name {
					case "ollama":
						opts, _ := got.Body["options"].(map[string]any)
						if !equalMaps(opts, tc.wantOllama) {
							t.Errorf("options = %v, want %v", opts, tc.wantOllama)
						}
					case "openai":
						for _, key := range []string{"temperature", "max_tokens", "max_completion_tokens", "num_ctx", "options", "top_p"} {
							wantV, want := tc.wantOpenAI[key]
							gotV, has := got.Body[key]
							if has != want || gotV != wantV {
								t.Errorf("%s = %v (sent %v), want %v (sent %v)", key, gotV, has, wantV, want)
							}
						}
						if auth := got.Header.Get("Authorization"); auth != "Bearer "+testKey {
							t.Errorf("Authorization = %q", auth)
						}
					}
				})
			}
		}
	}
}

func equalMaps(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
