// Package openai is the [provider.Client] for OpenAI-compatible servers
// (/v1/chat/completions, /v1/models), built on github.com/sashabaranov/go-openai.
package openai

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	goopenai "github.com/sashabaranov/go-openai"

	"brook/backend/provider"
	"brook/backend/provider/internal/httprec"
	"brook/backend/provider/thinktags"
)

// Client talks to one OpenAI-compatible server. It is safe for concurrent use.
type Client struct {
	api *goopenai.Client
	hc  *http.Client
}

var _ provider.Client = (*Client)(nil)

// New returns a [Client] for the server at baseURL with apiKey, sent as
// "Authorization: Bearer" when not empty. The base URL is used as given,
// except that one with an empty path gets "/v1", so "http://host:8080"
// and "http://host:8080/v1" mean the same server.
func New(baseURL, apiKey string) *Client {
	return NewWithHeaders(baseURL, apiKey, nil)
}

// NewWithHeaders is [New] with extra headers sent on every request (a
// gateway's own key, OpenRouter's HTTP-Referer). They are checked when
// saved ([provider.CheckHeaderName]), not here.
func NewWithHeaders(baseURL, apiKey string, headers http.Header) *Client {
	baseURL = strings.TrimSpace(baseURL)
	if u, err := url.Parse(baseURL); err == nil && strings.Trim(u.Path, "/") == "" {
		u.Path = "/v1"
		baseURL = u.String()
	}
	return newClient(baseURL, apiKey, provider.WithHeaders(httprec.NewHTTPClient(), headers))
}

// newClient lets tests supply the HTTP client; its transport must be an
// [httprec.Transport] for errors to be classified.
func newClient(baseURL, apiKey string, hc *http.Client) *Client {
	cfg := goopenai.DefaultConfig(apiKey)
	cfg.BaseURL = baseURL
	cfg.HTTPClient = &doer{client: hc}
	return &Client{api: goopenai.NewClientWithConfig(cfg), hc: hc}
}

// CloseIdleConnections implements [provider.IdleCloser].
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }

// ListModels returns the ids the server lists at /v1/models.
func (c *Client) ListModels(ctx context.Context) ([]provider.Model, error) {
	const op = "openai: list models"
	ctx, rec := httprec.With(ctx)
	list, err := c.api.ListModels(ctx)
	if cerr, ok := httprec.Classify(ctx, op, err, rec.Snapshot(), errorMessage); ok {
		return nil, cerr
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	models := make([]provider.Model, 0, len(list.Models))
	for _, m := range list.Models {
		models = append(models, provider.Model{Name: m.ID})
	}
	return models, nil
}

// Stream implements [provider.Client.Stream]. The end marker is a choice with
// a non-empty finish_reason; once it has arrived the answer is whole, whether
// or not "data: [DONE]" follows. Chunks without choices (usage) are skipped
// for text but their usage is kept.
//
// Reasoning arrives as delta.reasoning_content or delta.reasoning, or as a
// <think> block at the start of the content, which is split out
// ([thinktags]). When req continues a trailing assistant message that has
// only reasoning so far, sent as an open <think> block ([prefillContent]),
// content that arrives before any reasoning field continues that block:
// reasoning up to </think>, text after. When req continues an answer whose
// text has begun, the content is all text. A server that echoes the prefill
// repeats its <think> block first: that repeat is dropped ([blockEcho]), and
// the echo of the answer text after it is left to the caller, who knows that
// text. A stream that breaks leaves out the little the splitter held back
// (white space, part of a tag).
func (c *Client) Stream(ctx context.Context, req provider.Request, onDelta func(provider.Delta)) (provider.Completion, error) {
	const op = "openai: chat stream"
	wire, err := chatRequest(req)
	if err != nil {
		return provider.Completion{}, fmt.Errorf("%s: %w", op, err)
	}
	ctx, rec := httprec.With(withBodyFields(ctx, req))
	acc := provider.NewStreamAccumulator(onDelta)
	var (
		split        *thinktags.Splitter // made at the first content
		sawReasoning bool                // a reasoning field has arrived
		echo         = newBlockEcho(req)
	)
	stream, err := c.api.CreateChatCompletionStream(ctx, wire)
	if err == nil {
		defer stream.Close()
		for {
			var chunk goopenai.ChatCompletionStreamResponse
			chunk, err = stream.Recv()
			if err == nil {
				err = ctx.Err() // Nothing more reaches the caller after it cancelled.
			}
			if err != nil {
				break
			}
			if chunk.Usage != nil {
				acc.Usage = provider.Usage{PromptTokens: chunk.Usage.PromptTokens, CompletionTokens: chunk.Usage.CompletionTokens}
			}
			for _, choice := range chunk.Choices {
				if choice.Index != 0 {
					continue // Only one answer is asked for.
				}
				r := choice.Delta.ReasoningContent
				sawReasoning = sawReasoning || r != ""
				var t, inline string
				content := echo.feed(choice.Delta.Content)
				if choice.FinishReason != "" {
					content += echo.end()
				}
				if s := content; s != "" {
					if split == nil {
						split = &thinktags.Splitter{}
						switch {
						case continuesText(req):
							split.TextOnly()
						case !sawReasoning && resumesReasoning(req):
							split.Resume()
						}
					}
					t, inline = split.Feed(s)
				}
				acc.Emit(t, r+inline)
				for k, tc := range choice.Delta.ToolCalls {
					index := k // A server that leaves out the index sends each call whole, in order.
					if tc.Index != nil {
						index = *tc.Index
					}
					acc.EmitToolCall(provider.ToolCallDelta{Index: index, ID: tc.ID, Name: tc.Function.Name, Arguments: tc.Function.Arguments})
				}
				if choice.FinishReason != "" {
					acc.End(string(choice.FinishReason))
				}
			}
			if acc.Ended() && split != nil {
				acc.Emit(split.End())
				split = nil
			}
		}
	}
	if errors.Is(err, io.EOF) && rec.Snapshot().BodyReadErr == nil {
		// A clean end of body, with or without [DONE].
		err = nil
	}
	// A break after finish_reason can only lose a usage chunk or [DONE].
	// Before it, with a 200 and a clean body, an error is an error object
	// inside the stream, or data that is not a chunk at all.
	comp, err := acc.Result(op, "finish_reason", err, func(err error) (error, bool) {
		return httprec.Classify(ctx, op, err, rec.Snapshot(), errorMessage)
	})
	return comp, provider.ToolsRefusal(req, err)
}

// Complete implements [provider.Client.Complete] with a non-streaming
// request. A response that decodes whole with at least one choice is complete.
// Reasoning is read from message.reasoning_content or message.reasoning, or
// split from the start of the content, as in [Client.Stream].
func (c *Client) Complete(ctx context.Context, req provider.Request) (provider.Completion, error) {
	const op = "openai: chat"
	wire, err := chatRequest(req)
	if err != nil {
		return provider.Completion{}, fmt.Errorf("%s: %w", op, err)
	}
	ctx, rec := httprec.With(withBodyFields(ctx, req))
	resp, err := c.api.CreateChatCompletion(ctx, wire)
	if cerr, ok := httprec.Classify(ctx, op, err, rec.Snapshot(), errorMessage); ok {
		return provider.Completion{}, provider.ToolsRefusal(req, cerr)
	}
	if err != nil {
		var apiErr *goopenai.APIError
		if errors.As(err, &apiErr) {
			return provider.Completion{}, &provider.BrokenError{Reason: provider.BrokenErrorInStream, Err: fmt.Errorf("%s: %w", op, err)}
		}
		// A clean body that does not decode: cut short with a clean close.
		return provider.Completion{}, &provider.BrokenError{Reason: provider.BrokenNoEndMarker, Err: fmt.Errorf("%s: %w", op, err)}
	}
	if len(resp.Choices) == 0 {
		// A 200 with no answer in it; servers send this shape with an error
		// object in place of choices.
		return provider.Completion{}, &provider.BrokenError{Reason: provider.BrokenErrorInStream,
			Err: fmt.Errorf("%s: response has no choices", op)}
	}
	choice := resp.Choices[0]
	var split thinktags.Splitter
	switch {
	case continuesText(req):
		split.TextOnly()
	case choice.Message.ReasoningContent == "" && resumesReasoning(req):
		split.Resume()
	}
	echo := newBlockEcho(req)
	t1, r1 := split.Feed(echo.feed(choice.Message.Content) + echo.end())
	t2, r2 := split.End()
	var calls []provider.ToolCall
	for i, tc := range choice.Message.ToolCalls {
		if tc.Function.Name == "" {
			continue
		}
		id := tc.ID
		if id == "" {
			id = fmt.Sprintf("call_%d", i)
		}
		calls = append(calls, provider.ToolCall{ID: id, Name: tc.Function.Name, Arguments: tc.Function.Arguments})
	}
	return provider.Completion{
		ToolCalls:    calls,
		Text:         t1 + t2,
		Reasoning:    choice.Message.ReasoningContent + r1 + r2,
		FinishReason: string(choice.FinishReason),
		Usage:        provider.Usage{PromptTokens: resp.Usage.PromptTokens, CompletionTokens: resp.Usage.CompletionTokens},
	}, nil
}

// chatRequest builds the wire request. It sends tools only when req offers
// some, and never tool_choice or stream_options, which some compatible
// servers reject; nor ContextLength, which is Ollama's alone. Assistant
// messages carry their tool_calls, and messages of role tool the
// tool_call_id they answer.
//
// Think's levels (low, medium, high) are sent as reasoning_effort; on and
// off are not sent, as OpenAI-compatible servers have no such switch
// (a model there thinks or not by itself). No message carries its
// Thinking as a field, since the protocol has none; a trailing assistant
// message being continued carries it in its content ([prefillContent]).
func chatRequest(req provider.Request) (goopenai.ChatCompletionRequest, error) {
	msgs := make([]goopenai.ChatCompletionMessage, len(req.Messages))
	for i, m := range req.Messages {
		content := m.Content
		if req.Prefill != provider.PrefillNone && i == len(req.Messages)-1 && m.Role == "assistant" {
			content = prefillContent(m)
		}
		msgs[i] = goopenai.ChatCompletionMessage{Role: m.Role, Content: content}
		if len(m.Images) > 0 {
			msgs[i] = goopenai.ChatCompletionMessage{Role: m.Role, MultiContent: imageParts(content, m.Images)}
		}
		for _, tc := range m.ToolCalls {
			msgs[i].ToolCalls = append(msgs[i].ToolCalls, goopenai.ToolCall{ID: tc.ID, Type: goopenai.ToolTypeFunction,
				Function: goopenai.FunctionCall{Name: tc.Name, Arguments: tc.Arguments}})
		}
		msgs[i].ToolCallID = m.ToolCallID
	}
	wire := goopenai.ChatCompletionRequest{Model: req.Model, Messages: msgs}
	for _, t := range req.Tools {
		params := t.Parameters
		if len(params) == 0 {
			params = json.RawMessage(`{"type":"object","properties":{}}`)
		}
		wire.Tools = append(wire.Tools, goopenai.Tool{Type: goopenai.ToolTypeFunction,
			Function: &goopenai.FunctionDefinition{Name: t.Name, Description: t.Description, Parameters: params}})
	}
	if req.Temperature != nil {
		// A zero is dropped by omitempty; withBodyFields puts it back.
		wire.Temperature = float32(*req.Temperature)
	}
	if req.MaxTokens > 0 {
		wire.MaxTokens = req.MaxTokens
	}
	switch req.Think {
	case provider.ThinkDefault, provider.ThinkOn, provider.ThinkOff:
	case provider.ThinkLow, provider.ThinkMedium, provider.ThinkHigh:
		wire.ReasoningEffort = req.Think
	default:
		return wire, fmt.Errorf("unknown think value %q", req.Think)
	}
	// The library refuses max_tokens for reasoning models (o1, o3, gpt-5, ...)
	// and wants max_completion_tokens there instead.
	if err := goopenai.NewReasoningValidator().Validate(wire); errors.Is(err, goopenai.ErrReasoningModelMaxTokensDeprecated) {
		wire.MaxCompletionTokens, wire.MaxTokens = wire.MaxTokens, 0
	}
	if err := goopenai.NewReasoningValidator().Validate(wire); err != nil {
		return wire, err
	}
	return wire, nil
}

type bodyFieldsKey struct{}

// withBodyFields marks a call whose JSON body needs fields go-openai cannot
// express, for [doer] to write in:
//   - temperature 0: go-openai's Temperature is a float32 with omitempty, so
//     0 would silently become the server's default (often 1);
//   - vLLM's continue_final_message and add_generation_prompt, which it needs
//     to continue a trailing assistant message ([provider.PrefillFlagged]).
func withBodyFields(ctx context.Context, req provider.Request) context.Context {
	fields := map[string]json.RawMessage{}
	if req.Temperature != nil && float32(*req.Temperature) == 0 {
		fields["temperature"] = json.RawMessage("0")
	}
	if req.Prefill == provider.PrefillFlagged {
		fields["continue_final_message"] = json.RawMessage("true")
		fields["add_generation_prompt"] = json.RawMessage("false")
	}
	if len(fields) == 0 {
		return ctx
	}
	return context.WithValue(ctx, bodyFieldsKey{}, fields)
}

// doer is go-openai's HTTPDoer: the recording client, plus the body fields
// of calls marked by withBodyFields, plus the "reasoning" fields of chat
// responses made readable as reasoning_content ([reasoningBody]).
type doer struct {
	client *http.Client
}

func (d *doer) Do(req *http.Request) (*http.Response, error) {
	if fields, _ := req.Context().Value(bodyFieldsKey{}).(map[string]json.RawMessage); fields != nil && req.Body != nil {
		if err := setJSONFields(req, fields); err != nil {
			return nil, err
		}
	}
	resp, err := d.client.Do(req)
	if err == nil {
		reasoningBody(req, resp)
	}
	return resp, err
}

// setJSONFields rewrites the JSON object body of req with set's keys set to its values.
func setJSONFields(req *http.Request, set map[string]json.RawMessage) error {
	raw, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return err
	}
	for k, v := range set {
		fields[k] = v
	}
	body, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return nil
}

// errorMessage is an OpenAI error body's reason: {"error":{"message":"..."}}.
// Some compatible servers send {"error":"..."} instead; that is accepted too.
func errorMessage(body []byte) string {
	var e struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil || len(e.Error) == 0 {
		return ""
	}
	var obj struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(e.Error, &obj) == nil && obj.Message != "" {
		return obj.Message
	}
	var s string
	if json.Unmarshal(e.Error, &s) == nil {
		return s
	}
	return ""
}

// imageParts is a message's content as OpenAI's parts: its text, then each
// image as a data URL.
func imageParts(text string, images [][]byte) []goopenai.ChatMessagePart {
	parts := []goopenai.ChatMessagePart{{Type: goopenai.ChatMessagePartTypeText, Text: text}}
	for _, img := range images {
		url := "data:" + http.DetectContentType(img) + ";base64," + base64.StdEncoding.EncodeToString(img)
		parts = append(parts, goopenai.ChatMessagePart{Type: goopenai.ChatMessagePartTypeImageURL,
			ImageURL: &goopenai.ChatMessageImageURL{URL: url}})
	}
	return parts
}
