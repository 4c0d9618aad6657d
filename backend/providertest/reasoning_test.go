package providertest_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"brook/backend/provider"
	"brook/backend/provider/ollama"
	pt "brook/backend/providertest"
)

// thought is the fake model's reasoning in these tests.
const thought = "Let me think… they say hello.\nGrüße back ✓ <b>bold</b>"

var shapes = []pt.ReasoningShape{pt.ReasoningDefault, pt.ReasoningOllamaThinking, pt.ReasoningContentField,
	pt.ReasoningField, pt.ReasoningInlineTags}

// collected is a streamed answer as the deltas brought it.
type collected struct {
	text, reasoning strings.Builder
	// textFirst is the index of the first delta with text, -1 before one.
	textFirst     int
	n             int
	lateReasoning bool // reasoning after text began
	empty         bool // a delta with neither
	invalid       bool // a delta that is not valid UTF-8
}

func newCollected() *collected { return &collected{textFirst: -1} }

func (c *collected) add(d provider.Delta) {
	if d.Text == "" && d.Reasoning == "" {
		c.empty = true
	}
	if !utf8.ValidString(d.Text) || !utf8.ValidString(d.Reasoning) {
		c.invalid = true
	}
	if d.Reasoning != "" && c.textFirst >= 0 {
		c.lateReasoning = true
	}
	if d.Text != "" && c.textFirst < 0 {
		c.textFirst = c.n
	}
	c.text.WriteString(d.Text)
	c.reasoning.WriteString(d.Reasoning)
	c.n++
}

// check compares the deltas with the completion.
func (c *collected) check(t *testing.T, comp provider.Completion) {
	t.Helper()
	if c.text.String() != comp.Text || c.reasoning.String() != comp.Reasoning {
		t.Errorf("deltas brought %q / %q, completion has %q / %q", c.text.String(), c.reasoning.String(), comp.Text, comp.Reasoning)
	}
	if c.lateReasoning || c.empty || c.invalid {
		t.Errorf("deltas: reasoning after text %v, empty %v, invalid UTF-8 %v", c.lateReasoning, c.empty, c.invalid)
	}
}

func TestReasoningShapes(t *testing.T) {
	for _, p := range protos {
		srv := p.newServer(pt.Script{})
		t.Cleanup(srv.Close)
		client := p.newClient(srv.URL)
		for _, shape := range shapes {
			for _, tokens := range []bool{false, true} {
				sc := pt.Script{Reasoning: thought, ReasoningShape: shape, StreamUsage: true}
				name := p.name + "/" + shape.String()
				if tokens {
					// An answer that starts with white space and a tag.
					sc.Tokens = []string{"\n", " <", "b>ok</b>"}
					name += "/tokens"
				}
				answer := sc.FullText()
				if shape == pt.ReasoningInlineTags {
					answer = strings.TrimLeft(answer, " \n") // The white space after </think> is dropped.
				}
				t.Run(name+"/stream", func(t *testing.T) {
					srv.SetScript(sc)
					got := newCollected()
					comp, err := client.Stream(t.Context(), chatReq(), got.add)
					checkOutcome(t, comp, err, want{text: answer, finish: "stop"})
					if comp.Reasoning != thought {
						t.Errorf("reasoning = %q, want %q", comp.Reasoning, thought)
					}
					got.check(t, comp)
					if got.n < 2 {
						t.Errorf("only %d deltas", got.n)
					}
				})
				t.Run(name+"/complete", func(t *testing.T) {
					srv.SetScript(sc)
					comp, err := client.Complete(t.Context(), chatReq())
					checkOutcome(t, comp, err, want{text: answer, finish: "stop"})
					if comp.Reasoning != thought {
						t.Errorf("reasoning = %q, want %q", comp.Reasoning, thought)
					}
				})
			}
		}
		t.Run(p.name+"/no reasoning", func(t *testing.T) {
			srv.SetScript(pt.Script{})
			comp, err := client.Complete(t.Context(), chatReq())
			checkOutcome(t, comp, err, want{text: pt.DefaultAnswer})
			if comp.Reasoning != "" {
				t.Errorf("reasoning = %q", comp.Reasoning)
			}
		})
	}
}

// TestReasoningFaults breaks streams at every token, during the reasoning
// and after it, and checks that the client has exactly what arrived.
func TestReasoningFaults(t *testing.T) {
	faults := []struct {
		fault  pt.Fault
		broken provider.BrokenReason
	}{
		{pt.DropBetweenLines, provider.BrokenDropped},
		{pt.DropMidLine, provider.BrokenDropped},
		{pt.DropInsideRune, provider.BrokenDropped},
		{pt.CleanEndNoMarker, provider.BrokenNoEndMarker},
		{pt.ErrorLater, provider.BrokenErrorInStream},
	}
	for _, p := range protos {
		srv := p.newServer(pt.Script{})
		t.Cleanup(srv.Close)
		client := p.newClient(srv.URL)
		for _, shape := range []pt.ReasoningShape{pt.ReasoningDefault, pt.ReasoningField, pt.ReasoningInlineTags} {
			base := pt.Script{Reasoning: thought, ReasoningShape: shape, Answer: "Hi ✓ there."}
			total := len(pt.SplitTokens(thought, 3)) + len(pt.SplitTokens(base.Answer, 3))
			if shape == pt.ReasoningInlineTags {
				total = len(pt.SplitTokens("<think>\n"+thought+"\n</think>\n\n", 3)) + len(pt.SplitTokens(base.Answer, 3))
			}
			for _, f := range faults {
				t.Run(p.name+"/"+shape.String()+"/"+f.fault.String(), func(t *testing.T) {
					for k := range total + 1 {
						sc := base
						sc.Fault, sc.FaultAfterTokens = f.fault, k
						srv.SetScript(sc)
						got := newCollected()
						comp, err := client.Stream(t.Context(), chatReq(), got.add)
						text, reasoning := sc.PartialReply()
						var broken *provider.BrokenError
						if !errors.As(err, &broken) || broken.Reason != f.broken {
							t.Fatalf("k=%d: err = %v, want %s", k, err, f.broken)
						}
						if comp.Text != text || comp.Reasoning != reasoning {
							t.Fatalf("k=%d: got %q / %q, want %q / %q", k, comp.Text, comp.Reasoning, text, reasoning)
						}
						got.check(t, comp)
					}
				})
			}
		}
	}
}

func TestThinkSent(t *testing.T) {
	cases := []struct {
		think  string
		ollama any // nil: not sent
		effort any // nil: not sent
		// reasoning says whether the fake model thinks.
		reasoning bool
	}{
		{"", nil, nil, true},
		{"on", true, nil, true},
		{"off", false, nil, false}, // OpenAI-compatible servers get no switch.
		{"low", "low", "low", true},
		{"medium", "medium", "medium", true},
		{"high", "high", "high", true},
	}
	for _, p := range protos {
		srv := p.newServer(pt.Script{Reasoning: thought})
		t.Cleanup(srv.Close)
		client := p.newClient(srv.URL)
		for _, tc := range cases {
			for _, stream := range []bool{true, false} {
				t.Run(p.name+"/"+tc.think+map[bool]string{true: "/stream", false: "/complete"}[stream], func(t *testing.T) {
					req := chatReq()
					req.Think = tc.think
					before := len(srv.Requests())
					var comp provider.Completion
					var err error
					if stream {
						comp, err = client.Stream(t.Context(), req, nil)
					} else {
						comp, err = client.Complete(t.Context(), req)
					}
					checkOutcome(t, comp, err, want{text: pt.DefaultAnswer})
					body := srv.Requests()[before].Body
					key, wantV := "think", tc.ollama
					if p.name == "openai" {
						key, wantV = "reasoning_effort", tc.effort
						if tc.think == "off" {
							tc.reasoning = true
						}
						if body["think"] != nil {
							t.Errorf("think sent to an OpenAI-compatible server: %v", body["think"])
						}
					} else if body["reasoning_effort"] != nil {
						t.Errorf("reasoning_effort sent to Ollama: %v", body["reasoning_effort"])
					}
					gotV, has := body[key]
					if has != (wantV != nil) || gotV != wantV {
						t.Errorf("%s = %v (sent %v), want %v", key, gotV, has, wantV)
					}
					if (comp.Reasoning != "") != tc.reasoning {
						t.Errorf("reasoning = %q, want some: %v", comp.Reasoning, tc.reasoning)
					}
				})
			}
		}
		t.Run(p.name+"/unknown think value", func(t *testing.T) {
			req := chatReq()
			req.Think = "max"
			before := len(srv.Requests())
			if _, err := client.Stream(t.Context(), req, nil); err == nil {
				t.Error("no error")
			}
			if len(srv.Requests()) != before {
				t.Error("request sent")
			}
		})
	}
}

func TestThinkUnsupported(t *testing.T) {
	for _, p := range protos {
		srv := p.newServer(pt.Script{Reasoning: thought, ThinkUnsupported: true})
		t.Cleanup(srv.Close)
		client := p.newClient(srv.URL)
		refusing := []string{"on", "low", "high"}
		if p.name == "openai" {
			refusing = []string{"low", "high"} // on is not sent.
		}
		for _, think := range refusing {
			for _, stream := range []bool{true, false} {
				t.Run(p.name+"/"+think+map[bool]string{true: "/stream", false: "/complete"}[stream], func(t *testing.T) {
					req := chatReq()
					req.Think = think
					var comp provider.Completion
					var err error
					if stream {
						comp, err = client.Stream(t.Context(), req, nil)
					} else {
						comp, err = client.Complete(t.Context(), req)
					}
					checkOutcome(t, comp, err, want{refused: &provider.RequestError{Status: 400,
						Message: `"tiny:latest" does not support thinking`}})
					if got := provider.Explain(err); !strings.Contains(got, "does not support thinking") {
						t.Errorf("Explain = %q", got)
					}
				})
			}
		}
		t.Run(p.name+"/off and default are answered", func(t *testing.T) {
			for _, think := range []string{"", "off"} {
				req := chatReq()
				req.Think = think
				comp, err := client.Stream(t.Context(), req, nil)
				checkOutcome(t, comp, err, want{text: pt.DefaultAnswer})
			}
		})
	}
}

func TestOllamaCapabilities(t *testing.T) {
	srv := pt.NewOllama(pt.Script{})
	t.Cleanup(srv.Close)
	client := ollama.New(srv.URL)
	for _, tc := range []struct {
		sc   pt.Script
		want []string
	}{
		{pt.Script{}, []string{"completion"}},
		{pt.Script{Reasoning: thought}, []string{"completion", provider.CapabilityThinking}},
		{pt.Script{Reasoning: thought, ThinkUnsupported: true}, []string{"completion"}},
	} {
		srv.SetScript(tc.sc)
		got, err := client.Capabilities(t.Context(), "tiny:latest")
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("capabilities = %v, %v; want %v", got, err, tc.want)
		}
	}
	if body := srv.Requests()[0]; body.Path != "/api/show" || body.Body["model"] != "tiny:latest" {
		t.Errorf("request = %s %v", body.Path, body.Body)
	}
	srv.SetScript(pt.Script{ModelsFault: pt.StatusError, Status: 404, ErrorMessage: `model "nope" not found`})
	_, err := client.Capabilities(t.Context(), "nope")
	checkOutcome(t, provider.Completion{}, err, want{refused: &provider.RequestError{Status: 404, Message: `model "nope" not found`}})
	_, err = ollama.New(pt.DownURL()).Capabilities(t.Context(), "tiny")
	checkOutcome(t, provider.Completion{}, err, want{broken: provider.BrokenUnreachable})
}

// TestReasoningContinued breaks a stream during the reasoning and continues
// it with the reasoning so far as a trailing assistant message, in every
// shape: the continuation brings the rest of the reasoning and the answer.
func TestReasoningContinued(t *testing.T) {
	const answer = "Hi ✓ there."
	for _, p := range protos {
		srv := p.newServer(pt.Script{})
		t.Cleanup(srv.Close)
		client := p.newClient(srv.URL)
		for _, shape := range shapes {
			for _, stream := range []bool{true, false} {
				name := p.name + "/" + shape.String() + map[bool]string{true: "/stream", false: "/complete"}[stream]
				t.Run(name, func(t *testing.T) {
					sc := pt.Script{Reasoning: thought, ReasoningShape: shape, Answer: answer, Fault: pt.DropBetweenLines, FaultAfterTokens: 5}
					srv.SetScript(sc)
					first, err := client.Stream(t.Context(), chatReq(), nil)
					if err == nil || first.Reasoning == "" || first.Text != "" || !strings.HasPrefix(thought, first.Reasoning) {
						t.Fatalf("first = %+v, %v", first, err)
					}
					sc.Fault = pt.None
					srv.SetScript(sc)
					req := chatReq()
					req.Prefill = provider.PrefillImplicit
					req.Messages = append(req.Messages, provider.Message{Role: "assistant", Thinking: first.Reasoning})
					got := newCollected()
					var comp provider.Completion
					if stream {
						comp, err = client.Stream(t.Context(), req, got.add)
					} else {
						comp, err = client.Complete(t.Context(), req)
					}
					wantReasoning := strings.TrimPrefix(thought, first.Reasoning)
					if p.name == "ollama" && shape == pt.ReasoningInlineTags {
						// A template that leaves the reasoning in the
						// content has no thinking field: the block starts
						// afresh.
						wantReasoning = thought
					}
					checkOutcome(t, comp, err, want{text: answer})
					if comp.Reasoning != wantReasoning {
						t.Errorf("reasoning = %q, want %q", comp.Reasoning, wantReasoning)
					}
					if stream {
						got.check(t, comp)
					}
					last := srv.Requests()[len(srv.Requests())-1].Body["messages"].([]any)
					sent := last[len(last)-1].(map[string]any)
					if p.name == "ollama" {
						if sent["thinking"] != first.Reasoning || sent["content"] != "" {
							t.Errorf("sent %v", sent)
						}
					} else if sent["content"] != "<think>\n"+first.Reasoning || sent["reasoning_content"] != nil {
						t.Errorf("sent %v", sent)
					}
				})
			}
		}
		t.Run(p.name+"/answer begun", func(t *testing.T) {
			// With answer text, the thinking is over and what comes is text,
			// even when it looks like a tag.
			srv.SetScript(pt.Script{Reasoning: thought, Answer: "Use <think> tags."})
			req := chatReq()
			req.Prefill = provider.PrefillImplicit
			req.Messages = append(req.Messages, provider.Message{Role: "assistant", Thinking: thought, Content: "Use "})
			got := newCollected()
			comp, err := client.Stream(t.Context(), req, got.add)
			checkOutcome(t, comp, err, want{text: "<think> tags."})
			if comp.Reasoning != "" {
				t.Errorf("reasoning = %q", comp.Reasoning)
			}
			got.check(t, comp)
			last := srv.Requests()[len(srv.Requests())-1].Body["messages"].([]any)
			sent := last[len(last)-1].(map[string]any)
			wantContent := "<think>\n" + thought + "\n</think>\n\nUse "
			if p.name == "ollama" {
				wantContent = "Use "
			}
			if sent["content"] != wantContent {
				t.Errorf("sent content %q, want %q", sent["content"], wantContent)
			}
		})
		t.Run(p.name+"/finished turns go without thinking", func(t *testing.T) {
			srv.SetScript(pt.Script{})
			req := chatReq()
			req.Messages = []provider.Message{{Role: "user", Content: "a"}, {Role: "assistant", Content: "b", Thinking: "t"}, {Role: "user", Content: "c"}}
			if _, err := client.Complete(t.Context(), req); err != nil {
				t.Fatal(err)
			}
			msgs := srv.Requests()[len(srv.Requests())-1].Body["messages"].([]any)
			if m := msgs[1].(map[string]any); m["content"] != "b" || m["thinking"] != nil || m["reasoning_content"] != nil {
				t.Errorf("sent %v", m)
			}
		})
	}
}

func TestReasoningSampled(t *testing.T) {
	for _, p := range protos {
		srv := p.newServer(pt.Script{Reasoning: thought, Sampling: true})
		t.Cleanup(srv.Close)
		client := p.newClient(srv.URL)
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		a, errA := client.Complete(ctx, chatReq())
		b, errB := client.Complete(ctx, chatReq())
		if errA != nil || errB != nil {
			t.Fatal(errA, errB)
		}
		if a.Reasoning != pt.Variant(thought, 1) || b.Reasoning != pt.Variant(thought, 2) || a.Reasoning == b.Reasoning {
			t.Errorf("%s: reasoning %q then %q", p.name, a.Reasoning, b.Reasoning)
		}
	}
}
