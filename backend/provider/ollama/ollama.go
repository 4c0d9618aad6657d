// Package ollama is the [provider.Client] for Ollama's native API
// (/api/chat, /api/tags, /api/ps, /api/show), built on
// github.com/ollama/ollama/api.
package ollama

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ollama/ollama/api"

	"brook/backend/provider"
	"brook/backend/provider/internal/httprec"
	"brook/backend/provider/thinktags"
)

// DefaultBaseURL is where a local Ollama listens when no address is given.
const DefaultBaseURL = "http://127.0.0.1:11434"

// Client talks to one Ollama server. It is safe for concurrent use.
type Client struct {
	api *api.Client
	hc  *http.Client
	// urlErr is a malformed base URL, reported by every call.
	urlErr error
}

var _ provider.Client = (*Client)(nil)

// errDone stops the library's read loop once done:true has arrived, so a
// server that keeps the connection open afterwards cannot hold the call.
var errDone = errors.New("ollama: done")

// New returns a [Client] for the server at baseURL, such as
// "http://127.0.0.1:11434". An empty baseURL means [DefaultBaseURL]; a
// missing scheme means http. A malformed URL makes every call fail.
func New(baseURL string) *Client {
	return NewWithHeaders(baseURL, nil)
}

// NewWithHeaders is [New] with extra headers sent on every request (for a
// server behind a gateway). They are checked when saved
// ([provider.CheckHeaderName]), not here.
func NewWithHeaders(baseURL string, headers http.Header) *Client {
	baseURL = strings.TrimSpace(baseURL)
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	if !strings.Contains(baseURL, "://") {
		baseURL = "http://" + baseURL
	}
	u, err := url.Parse(baseURL)
	if err == nil && u.Host == "" {
		err = fmt.Errorf("no host in %q", baseURL)
	}
	if err != nil {
		return &Client{urlErr: fmt.Errorf("ollama: bad server address: %w", err)}
	}
	return newClient(u, provider.WithHeaders(httprec.NewHTTPClient(), headers))
}

// newClient lets tests supply the HTTP client; its transport must be an
// [httprec.Transport] for errors to be classified.
func newClient(u *url.URL, hc *http.Client) *Client {
	return &Client{api: api.NewClient(u, hc), hc: hc}
}

// CloseIdleConnections implements [provider.IdleCloser].
func (c *Client) CloseIdleConnections() {
	if c.hc != nil {
		c.hc.CloseIdleConnections()
	}
}

// ListModels returns the server's local models with their sizes, from /api/tags.
func (c *Client) ListModels(ctx context.Context) ([]provider.Model, error) {
	if c.urlErr != nil {
		return nil, c.urlErr
	}
	ctx, rec := httprec.With(ctx)
	resp, err := c.api.List(ctx)
	if cerr, ok := httprec.Classify(ctx, "ollama: list models", err, rec.Snapshot(), errorField); ok {
		return nil, cerr
	}
	if err != nil {
		return nil, fmt.Errorf("ollama: list models: %w", err)
	}
	models := make([]provider.Model, 0, len(resp.Models))
	for _, m := range resp.Models {
		models = append(models, provider.Model{Name: m.Name, SizeBytes: m.Size})
	}
	return models, nil
}

// Stream implements [provider.Client.Stream] with a streaming /api/chat.
// The end marker is a line with done:true. Reasoning arrives in
// message.thinking, or, from servers and templates that leave it in the
// answer, as a <think> block at the start of the content, which is split
// out ([thinktags]), except when req continues an answer whose text has
// begun. A continued message with reasoning and no text goes with its
// reasoning as message.thinking; whether the model carries on from it is
// up to the server and the model's template. A stream that breaks leaves
// out the little the splitter held back (white space, part of a tag).
// A trailing assistant message is continued by Ollama itself (since
// v0.2.8), so every [provider.Prefill] is sent the same way.
func (c *Client) Stream(ctx context.Context, req provider.Request, onDelta func(provider.Delta)) (provider.Completion, error) {
	return c.chat(ctx, req, true, onDelta)
}

// Complete implements [provider.Client.Complete] with a non-streaming
// /api/chat, whose one object must also say done:true.
func (c *Client) Complete(ctx context.Context, req provider.Request) (provider.Completion, error) {
	return c.chat(ctx, req, false, nil)
}

func (c *Client) chat(ctx context.Context, req provider.Request, stream bool, onDelta func(provider.Delta)) (provider.Completion, error) {
	if c.urlErr != nil {
		return provider.Completion{}, c.urlErr
	}
	op := "ollama: chat"
	wire, err := chatRequest(req, stream)
	if err != nil {
		return provider.Completion{}, fmt.Errorf("%s: %w", op, err)
	}
	ctx, rec := httprec.With(ctx)
	acc := provider.NewStreamAccumulator(onDelta)
	// split takes the reasoning out of content that has it inline, from
	// servers and templates that do not parse it into message.thinking.
	var split thinktags.Splitter
	if continuesText(req) {
		split.TextOnly()
	}
	err = c.api.Chat(ctx, wire, func(r api.ChatResponse) error {
		if err := ctx.Err(); err != nil {
			return err // Nothing more reaches the caller after it cancelled.
		}
		t, inline := split.Feed(r.Message.Content)
		acc.Emit(t, r.Message.Thinking+inline)
		// Ollama sends each call whole, in the chunk that ends it; a later
		// chunk's calls follow the earlier ones'.
		base := acc.ToolCallCount()
		for k, tc := range r.Message.ToolCalls {
			args, err := json.Marshal(tc.Function.Arguments)
			if err != nil {
				return err
			}
			acc.EmitToolCall(provider.ToolCallDelta{Index: base + k, ID: tc.ID, Name: tc.Function.Name, Arguments: string(args)})
		}
		if r.Done {
			acc.Emit(split.End())
			acc.Usage = provider.Usage{PromptTokens: r.PromptEvalCount, CompletionTokens: r.EvalCount}
			acc.Timings = provider.Timings{Load: r.LoadDuration, PromptEval: r.PromptEvalDuration}
			acc.End(r.DoneReason)
			return errDone
		}
		return nil
	})
	// Anything after done:true does not matter. Before it, with a 200 and a
	// body read cleanly, the library's error comes from a line: an
	// {"error":...} object (or a line that is not JSON at all), which it
	// returns as errors.New(text).
	comp, err := acc.Result(op, "done:true", err, func(err error) (error, bool) {
		return httprec.Classify(ctx, op, err, rec.Snapshot(), errorField)
	})
	return comp, provider.ToolsRefusal(req, err)
}

// Loaded reports whether the server has model in memory now, from /api/ps.
// A name without a tag means ":latest", as Ollama reads it.
func (c *Client) Loaded(ctx context.Context, model string) (bool, error) {
	if c.urlErr != nil {
		return false, c.urlErr
	}
	ctx, rec := httprec.With(ctx)
	resp, err := c.api.ListRunning(ctx)
	if cerr, ok := httprec.Classify(ctx, "ollama: list running models", err, rec.Snapshot(), errorField); ok {
		return false, cerr
	}
	if err != nil {
		return false, fmt.Errorf("ollama: list running models: %w", err)
	}
	want := withTag(model)
	for _, m := range resp.Models {
		if withTag(m.Name) == want || withTag(m.Model) == want {
			return true, nil
		}
	}
	return false, nil
}

func withTag(name string) string {
	if name == "" || strings.Contains(name[strings.LastIndex(name, "/")+1:], ":") {
		return name
	}
	return name + ":latest"
}

// chatRequest builds the wire request. Only parameters the caller set are
// sent, so the server's and the model's own defaults apply otherwise.
//
// Think is sent as Ollama's think: true for on, false for off, and the
// level's name for low, medium and high (gpt-oss takes only levels). A
// model that cannot think answers think:true or a level with 400 "... does
// not support thinking", which the caller gets as a [*provider.RequestError]
// with that text.
//
// A trailing assistant message being continued goes with its thinking, so
// the model can carry on from the middle of its reasoning; every other
// message goes without.
func chatRequest(req provider.Request, stream bool) (*api.ChatRequest, error) {
	msgs := make([]api.Message, len(req.Messages))
	for i, m := range req.Messages {
		msgs[i] = api.Message{Role: m.Role, Content: m.Content}
		for _, img := range m.Images {
			msgs[i].Images = append(msgs[i].Images, api.ImageData(img))
		}
		if req.Prefill != provider.PrefillNone && i == len(req.Messages)-1 && m.Role == "assistant" {
			msgs[i].Thinking = m.Thinking
		}
		for _, tc := range m.ToolCalls {
			call := api.ToolCall{ID: tc.ID, Function: api.ToolCallFunction{Name: tc.Name, Arguments: api.NewToolCallFunctionArguments()}}
			if err := json.Unmarshal([]byte(tc.Arguments), &call.Function.Arguments); err != nil {
				// Arguments that are not an object went unrun; the model is
				// told so in the call's result, and sees no arguments here.
				call.Function.Arguments = api.NewToolCallFunctionArguments()
			}
			msgs[i].ToolCalls = append(msgs[i].ToolCalls, call)
		}
		msgs[i].ToolCallID, msgs[i].ToolName = m.ToolCallID, m.ToolName
	}
	var tools api.Tools
	for _, t := range req.Tools {
		tool := api.Tool{Type: "function", Function: api.ToolFunction{Name: t.Name, Description: t.Description}}
		if len(t.Parameters) > 0 {
			if err := json.Unmarshal(t.Parameters, &tool.Function.Parameters); err != nil {
				return nil, fmt.Errorf("the schema of tool %q: %w", t.Name, err)
			}
		} else {
			tool.Function.Parameters.Type = "object"
		}
		tools = append(tools, tool)
	}
	opts := map[string]any{}
	if req.Temperature != nil {
		opts["temperature"] = *req.Temperature // 0 is a real choice here: options is a map.
	}
	if req.MaxTokens > 0 {
		opts["num_predict"] = req.MaxTokens
	}
	if req.ContextLength > 0 {
		opts["num_ctx"] = req.ContextLength
	}
	if len(opts) == 0 {
		opts = nil
	}
	wire := &api.ChatRequest{Model: req.Model, Messages: msgs, Stream: &stream, Options: opts, Tools: tools}
	if req.KeepWhole {
		// Left to itself, Ollama drops the oldest messages that do not fit
		// and says so only in its debug log (server/prompt.go chatPrompt).
		truncate := false
		wire.Truncate = &truncate
	}
	switch req.Think {
	case provider.ThinkDefault:
	case provider.ThinkOn:
		wire.Think = &api.ThinkValue{Value: true}
	case provider.ThinkOff:
		wire.Think = &api.ThinkValue{Value: false}
	case provider.ThinkLow, provider.ThinkMedium, provider.ThinkHigh:
		wire.Think = &api.ThinkValue{Value: req.Think}
	default:
		return nil, fmt.Errorf("unknown think value %q", req.Think)
	}
	return wire, nil
}

// continuesText reports whether req continues a trailing assistant message
// whose answer text has begun, so that what comes back is all text.
func continuesText(req provider.Request) bool {
	if req.Prefill == provider.PrefillNone || len(req.Messages) == 0 {
		return false
	}
	last := req.Messages[len(req.Messages)-1]
	return last.Role == "assistant" && last.Content != ""
}

// Capabilities returns what the server says model can do, from /api/show:
// "completion", "thinking" ([provider.CapabilityThinking]), "vision",
// "tools", ... An unknown model is a [*provider.RequestError] (404).
func (c *Client) Capabilities(ctx context.Context, model string) ([]string, error) {
	if c.urlErr != nil {
		return nil, c.urlErr
	}
	const op = "ollama: show model"
	ctx, rec := httprec.With(ctx)
	resp, err := c.api.Show(ctx, &api.ShowRequest{Model: model})
	if cerr, ok := httprec.Classify(ctx, op, err, rec.Snapshot(), errorField); ok {
		return nil, cerr
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	caps := make([]string, len(resp.Capabilities))
	for i, c := range resp.Capabilities {
		caps[i] = string(c)
	}
	return caps, nil
}

// MaxTokens returns how many tokens model generates at most when a request
// sets no limit: the num_predict of its Modelfile, from /api/show, whose
// parameters Ollama lists one a line as the name padded to 30 columns, a
// space and the value (server/routes.go, fmt "%-*s %#v"). It is 0 when the
// model sets none, or sets a negative one (-1 unlimited, -2 fill the
// context).
func (c *Client) MaxTokens(ctx context.Context, model string) (int, error) {
	if c.urlErr != nil {
		return 0, c.urlErr
	}
	const op = "ollama: show model"
	ctx, rec := httprec.With(ctx)
	resp, err := c.api.Show(ctx, &api.ShowRequest{Model: model})
	if cerr, ok := httprec.Classify(ctx, op, err, rec.Snapshot(), errorField); ok {
		return 0, cerr
	}
	if err != nil {
		return 0, fmt.Errorf("%s: %w", op, err)
	}
	return numPredict(resp.Parameters), nil
}

// numPredict reads num_predict from the parameters of /api/show.
func numPredict(parameters string) int {
	for line := range strings.SplitSeq(parameters, "\n") {
		fields := strings.Fields(line)
		if len(fields) != 2 || fields[0] != "num_predict" {
			continue
		}
		n, err := strconv.ParseFloat(fields[1], 64)
		if err != nil || n <= 0 || n > math.MaxInt32 {
			return 0
		}
		return int(n)
	}
	return 0
}

// Version asks the server's version (/api/version), the cheapest request
// it answers: whether it answers at all, even while every model slot is busy.
func (c *Client) Version(ctx context.Context) (string, error) {
	if c.urlErr != nil {
		return "", c.urlErr
	}
	const op = "ollama: version"
	ctx, rec := httprec.With(ctx)
	v, err := c.api.Version(ctx)
	if cerr, ok := httprec.Classify(ctx, op, err, rec.Snapshot(), errorField); ok {
		return "", cerr
	}
	if err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	return v, nil
}

// errorField is Ollama's reason in an error body: {"error":"..."}.
func errorField(body []byte) string {
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	return e.Error
}
