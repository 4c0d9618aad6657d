// Package ollama is the [provider.Client] for Ollama's native API
// (/api/chat, /api/tags), built on github.com/ollama/ollama/api.
package ollama

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/ollama/ollama/api"

	"brook/backend/provider"
	"brook/backend/provider/internal/httprec"
)

// DefaultBaseURL is where a local Ollama listens when no address is given.
const DefaultBaseURL = "http://127.0.0.1:11434"

// Client talks to one Ollama server. It is safe for concurrent use.
type Client struct {
	api *api.Client
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
	return newClient(u, httprec.NewHTTPClient())
}

// newClient lets tests supply the HTTP client; its transport must be an
// [httprec.Transport] for errors to be classified.
func newClient(u *url.URL, hc *http.Client) *Client {
	return &Client{api: api.NewClient(u, hc)}
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
// The end marker is a line with done:true.
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
	ctx, rec := httprec.With(ctx)
	var (
		text strings.Builder
		comp provider.Completion
		done bool
	)
	err := c.api.Chat(ctx, chatRequest(req, stream), func(r api.ChatResponse) error {
		if err := ctx.Err(); err != nil {
			return err // Nothing more reaches the caller after it cancelled.
		}
		if r.Message.Content != "" {
			text.WriteString(r.Message.Content)
			if onDelta != nil {
				onDelta(provider.Delta{Text: r.Message.Content})
			}
		}
		if r.Done {
			done = true
			comp.FinishReason = r.DoneReason
			comp.Usage = provider.Usage{PromptTokens: r.PromptEvalCount, CompletionTokens: r.EvalCount}
			comp.Timings = provider.Timings{Load: r.LoadDuration, PromptEval: r.PromptEvalDuration}
			return errDone
		}
		return nil
	})
	comp.Text = text.String()
	if done {
		// The answer is whole; anything after done:true does not matter.
		return comp, nil
	}
	if cerr, ok := httprec.Classify(ctx, op, err, rec.Snapshot(), errorField); ok {
		return comp, cerr
	}
	if err != nil {
		// The response was 200 and the body read cleanly, so the library's
		// error comes from a line: an {"error":...} object (or a line that
		// is not JSON at all), which it returns as errors.New(text).
		return comp, &provider.BrokenError{Reason: provider.BrokenErrorInStream, Err: fmt.Errorf("%s: %w", op, err)}
	}
	return comp, &provider.BrokenError{Reason: provider.BrokenNoEndMarker,
		Err: fmt.Errorf("%s: body ended without done:true", op)}
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
func chatRequest(req provider.Request, stream bool) *api.ChatRequest {
	msgs := make([]api.Message, len(req.Messages))
	for i, m := range req.Messages {
		msgs[i] = api.Message{Role: m.Role, Content: m.Content}
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
	return &api.ChatRequest{Model: req.Model, Messages: msgs, Stream: &stream, Options: opts}
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
