// Package providertest runs loopback HTTP servers that speak Ollama's and
// OpenAI's wire protocols exactly, and break them on purpose.
//
// A [Server] follows a [Script]: the answer, its pacing, and one [Fault] for
// streaming chat, one for non-streaming chat and one for model listing. The
// script can be changed while the server runs ([Server.SetScript]); each
// request reads it once when it arrives. Chat responses are written as raw
// bytes on a hijacked connection, so a dropped connection is really an
// incomplete body for the client ("unexpected EOF"), never a clean end.
//
// Every request is recorded ([Server.Requests]) with its decoded JSON body,
// so tests can assert what a client sent, and chat requests also with what
// the server generated for them.
//
// Beyond faults, a server can behave like the particular software a client
// may meet: it can word every answer differently ([Script.Sampling]),
// continue a trailing assistant message in the ways real servers do or
// refuse to ([Script.Prefill]), answer the probes that tell servers apart
// (Ollama's /api/ps, vLLM's /version, llama-server's /props), and show
// signs of life without text while it waits ([Script.KeepAliveEvery],
// [Script.RoleChunksEvery]).
package providertest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Fault is one way a server misbehaves. Stream faults that take effect after
// some tokens use [Script.FaultAfterTokens] as k: the client has received
// exactly the first k tokens when the fault happens.
type Fault int

const (
	// None answers normally with the end marker.
	None Fault = iota
	// DropBetweenLines sends k token lines, then closes the connection
	// without the terminating chunk.
	DropBetweenLines
	// DropMidLine sends k token lines and the first half of the next line,
	// then closes the connection.
	DropMidLine
	// DropInsideRune sends k token lines and the next line up to the middle
	// of its first multi-byte character (mid-line when it has none), then
	// closes the connection.
	DropInsideRune
	// CleanEndNoMarker sends k token lines, then ends the body cleanly
	// (terminating chunk) without done:true / finish_reason / [DONE].
	CleanEndNoMarker
	// ErrorFirstChunk answers 200 and sends an error object as the first
	// line, then ends the body cleanly.
	ErrorFirstChunk
	// ErrorLater sends k token lines, then an error object, then ends the
	// body cleanly.
	ErrorLater
	// NoFirstToken sends the 200 headers (and OpenAI's role chunk, which has
	// no text) and then nothing until the client goes away or the server closes.
	NoFirstToken
	// StallAfterFirstToken sends max(k,1) token lines and then nothing until
	// the client goes away or the server closes.
	StallAfterFirstToken
	// Status5xxBeforeFirst answers [Script.Status] (default 500) with the
	// protocol's error body before any token.
	Status5xxBeforeFirst
	// Status429BeforeFirst answers 429 with a Retry-After header
	// ([Script.RetryAfter], default "2") and the protocol's error body.
	Status429BeforeFirst
	// StatusError answers [Script.Status] (default 400) with
	// [Script.ErrorMessage] in the protocol's error body.
	StatusError
)

var faultNames = [...]string{"None", "DropBetweenLines", "DropMidLine", "DropInsideRune", "CleanEndNoMarker",
	"ErrorFirstChunk", "ErrorLater", "NoFirstToken", "StallAfterFirstToken", "Status5xxBeforeFirst",
	"Status429BeforeFirst", "StatusError"}

func (f Fault) String() string {
	if f >= 0 && int(f) < len(faultNames) {
		return faultNames[f]
	}
	return fmt.Sprintf("Fault(%d)", int(f))
}

// Script is what a [Server] does. The zero value answers [DefaultAnswer].
type Script struct {
	// Answer is the assistant's reply; empty means [DefaultAnswer].
	Answer string
	// Tokens is the Answer as streamed, one line per token; nil means
	// [SplitTokens](Answer, 3). When set, Answer is their concatenation.
	Tokens []string

	// Fault applies to streaming chat requests.
	Fault Fault
	// FaultAfterTokens is how many tokens are sent before the fault (capped
	// at the number of tokens).
	FaultAfterTokens int
	// TokenDelay is the pause before each token after the first.
	TokenDelay time.Duration
	// FirstTokenDelay is the pause before the first token.
	FirstTokenDelay time.Duration
	// GenerationDelay is the time the model takes to generate one token,
	// for benchmarks that need a realistic pace. A non-streaming reply
	// waits GenerationDelay times its number of tokens (after
	// FirstTokenDelay) before its body is written, so a whole answer takes
	// as long as generating it; a stream uses it as the pause before each
	// token after the first when TokenDelay is zero. Zero adds no delay.
	GenerationDelay time.Duration

	// NonStreamFailures makes the first N non-streaming chat requests after
	// SetScript fail with 500.
	NonStreamFailures int
	// DownAfterStreams, when set, takes the server down after that many
	// streaming chat requests: every later chat request, streaming or not,
	// has its connection closed before any response, as a server that
	// stopped does (the client sees the request fail at once).
	DownAfterStreams int
	// NonStreamFault applies to non-streaming chat requests (after the
	// NonStreamFailures). Drops cut the JSON body (Content-Length promises
	// more); CleanEndNoMarker sends, for Ollama, a whole object with
	// done:false and, for OpenAI, a truncated object with a matching
	// Content-Length; ErrorFirstChunk and ErrorLater answer 200 with an
	// error object; NoFirstToken and StallAfterFirstToken hang.
	NonStreamFault Fault
	// ModelsFault applies to model listing; only the Status faults are used.
	ModelsFault Fault

	// Status is the status of StatusError (default 400) and
	// Status5xxBeforeFirst (default 500).
	Status int
	// RetryAfter is the Retry-After value sent with 429: seconds or an HTTP date.
	RetryAfter string
	// ErrorMessage is the server's reason in error bodies and in-stream errors.
	ErrorMessage string

	// Models are the listed model names; nil means {"tiny:latest"}.
	Models []string
	// VisionModels are the models that can see images: /api/show lists
	// "vision" for them, and they answer [VisionAnswer] of the images a
	// request carries instead of the script's answer. nil means
	// {[VisionModel]}.
	VisionModels []string
	// APIKey, when set, makes the OpenAI server require "Authorization:
	// Bearer APIKey" and answer 401 otherwise, as OpenAI does.
	APIKey string
	// FinishReason is OpenAI's finish_reason and Ollama's done_reason; default "stop".
	FinishReason string
	// PromptTokens is the reported prompt token count; default 10. The
	// completion count is the number of tokens.
	PromptTokens int
	// StreamUsage makes the OpenAI server send a usage chunk (with no
	// choices) after the finish_reason chunk even when not asked for it.
	StreamUsage bool
	// OmitDone makes the OpenAI server leave out "data: [DONE]" after the
	// finish_reason chunk, as some compatible servers do.
	OmitDone bool

	// Sampling makes the server word every answer differently, as a real
	// model does: chat request n ([Request.N]) answers [Variant] of the
	// answer (Answer or DefaultAnswer) and n, streamed as
	// [SplitTokens](variant, 3). With Tokens set, sampling
	// varies nothing: every request answers the Tokens. PartialText and
	// FullText describe the unsampled answer; see [Server.Answers] and
	// [Request.Generated] for what was sent.
	Sampling bool
	// Prefill is how a trailing assistant message is treated; the zero
	// value, [PrefillContinue], continues it, as Ollama and llama-server do,
	// on both [NewOllama] and [NewOpenAI]. Requests without a trailing
	// assistant message are answered the same in every mode (but for
	// [PrefillNeedsFlag]'s 400 on contradictory flags).
	Prefill PrefillMode
	// TrimsTrailingWhitespace makes the server's chat template strip
	// trailing whitespace from a trailing assistant message before
	// continuing it, so the continuation is that of the trimmed text and
	// starts with the whitespace that was trimmed, as a real model's would.
	TrimsTrailingWhitespace bool

	// Loaded are the model names Ollama's GET /api/ps lists as loaded; nil
	// means every listed model (Models), an empty non-nil slice none.
	Loaded []string
	// Kind makes the OpenAI server answer the probe of one OpenAI-compatible
	// server: "vllm" serves vLLM's GET /version, "llamacpp" serves
	// llama-server's GET /props. "" serves neither (404), as OpenAI itself.
	Kind string
	// Slots is the total_slots llama-server's /props reports; default 1.
	Slots int
	// PromptEvalDuration is Ollama's prompt_eval_duration; default 2ms, a
	// negative value reports 0.
	PromptEvalDuration time.Duration
	// LoadDuration is Ollama's load_duration; default 1ms, a negative value
	// reports 0 (the model was loaded already).
	LoadDuration time.Duration

	// KeepAliveEvery makes the OpenAI server send the SSE comment
	// ": keep-alive" every KeepAliveEvery while a stream waits: before a
	// token (FirstTokenDelay, TokenDelay) or hanging (NoFirstToken,
	// StallAfterFirstToken). NDJSON has no comments, so the Ollama server
	// sends nothing while it waits, as Ollama does. Non-streaming requests
	// get no keep-alives.
	KeepAliveEvery time.Duration
	// RoleChunksEvery makes the OpenAI server send a role-only chunk
	// ({"delta":{"role":"assistant","content":""}}) every RoleChunksEvery
	// while a stream waits before its first token, including NoFirstToken's
	// hang. The Ollama server ignores it.
	RoleChunksEvery time.Duration

	// Reasoning is the thinking the model does before its answer, streamed
	// as tokens ([SplitTokens] of 3 runes) before the answer's tokens, in
	// the place ReasoningShape says; "" means the model does not think.
	// Faults count reasoning and answer tokens together, so a break can
	// fall during the reasoning: [Script.PartialReply] says what a client
	// has then received, while PartialText and FullText describe the
	// answer alone, as do [Request.Generated], [Server.Answers] and the
	// reported token counts. With Sampling, request n thinks
	// [Variant](Reasoning, n). See reasoning.go for how think,
	// reasoning_effort and a continued assistant message's reasoning are
	// answered.
	Reasoning string
	// ReasoningShape is where the reasoning goes on the wire; the zero
	// value is each protocol's own place.
	ReasoningShape ReasoningShape
	// ThinkUnsupported makes the model one the server knows cannot think:
	// a request that asks it to (Ollama's think true or a level; a
	// reasoning_effort other than "none") gets 400 `"<model>" does not
	// support thinking`, as Ollama answers, and /api/show does not list
	// "thinking". Reasoning is still sent when not asked for, as a model
	// that writes its <think> block into the content does.
	ThinkUnsupported bool

	// ToolCalls are the calls the model makes, after ToolCallText, in
	// every answer; with ToolCallsOnce only in answers to a request whose
	// last message is not a tool's result, which get the Answer instead.
	// Without ToolCallsOnce the model calls forever (a model that loops).
	// Faults count each call's lines as tokens, so a break can cut a call
	// mid-arguments. See tools.go for the wire shapes.
	ToolCalls     []ScriptToolCall
	ToolCallsOnce bool
	ToolCallText  string
	// ToolsUnsupported makes the model one that takes no tools: a request
	// that offers some gets Ollama's 400 "... does not support tools".
	ToolsUnsupported bool
	// ToolCapable makes /api/show list "tools" even without ToolCalls; a
	// script with ToolCalls lists it unless ToolsUnsupported.
	ToolCapable bool
	// ReadFileTool makes the model one that reads files with the tool of
	// that name (such as the filesystem server's "read_text_file"): to a
	// user's message that names an absolute path it answers with one call,
	// {"path": that path}; to a request whose last message is a tool's
	// result it answers [ReadFileAnswerPrefix] and the result, quoted. Other
	// messages get the Answer. For end-to-end tests of tool calls.
	ReadFileTool string
	// calls are the calls of the request being answered ([Script.toolCallsFor]).
	calls []ScriptToolCall

	// echoedBlock is, for a [PrefillEcho] reply, the <think> block of the
	// continued message's content, which the reply repeats first, before
	// any reasoning and the echoed answer text.
	echoedBlock string
}

// DemoAnswer shows off what Brook renders: code, a table and math.
const DemoAnswer = "Here is a quick example in **Go**:\n\n```go\npackage main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"Hello from Brook\")\n}\n```\n\n| Step | What happens |\n|---|---|\n| 1 | Brook streams tokens |\n| 2 | A broken stream is recovered |\n\n> Answers are checkpointed while they stream.\n\nThe area of a circle is $A = \\pi r^2$.\n"

// DefaultAnswer is the answer of a zero [Script]. It has multi-byte
// characters, so DropInsideRune has something to cut.
const DefaultAnswer = "Hello! Grüße from the loopback — ünïcödé ✓ done."

// SplitTokens splits s into pieces of at most n runes (n < 1 means 1).
// Pieces are whole runes, because each is sent inside a JSON string.
func SplitTokens(s string, n int) []string {
	n = max(n, 1)
	var out []string
	for s != "" {
		i, count := 0, 0
		for i < len(s) && count < n {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			count++
		}
		out = append(out, s[:i])
		s = s[i:]
	}
	return out
}

// tokens returns the tokens the script streams.
func (sc Script) tokens() []string {
	if sc.Tokens != nil {
		return sc.Tokens
	}
	return SplitTokens(sc.answer(), 3)
}

func (sc Script) answer() string {
	if sc.Tokens != nil {
		return strings.Join(sc.Tokens, "")
	}
	if sc.Answer == "" {
		return DefaultAnswer
	}
	return sc.Answer
}

// PartialText is the text a client has received when the stream fault
// strikes: the first FaultAfterTokens tokens (none for ErrorFirstChunk and
// NoFirstToken, at least one for StallAfterFirstToken, all for None).
func (sc Script) PartialText() string {
	toks := sc.tokens()
	switch sc.Fault {
	case None:
		return sc.answer()
	case ErrorFirstChunk, NoFirstToken, Status5xxBeforeFirst, Status429BeforeFirst, StatusError:
		return ""
	case StallAfterFirstToken:
		return strings.Join(toks[:min(max(sc.FaultAfterTokens, 1), len(toks))], "")
	}
	return strings.Join(toks[:min(sc.FaultAfterTokens, len(toks))], "")
}

// FullText is the whole answer the script streams.
func (sc Script) FullText() string { return sc.answer() }

func (sc Script) models() []string {
	if sc.Models == nil {
		return []string{"tiny:latest"}
	}
	return sc.Models
}

func (sc Script) errorMessage(def string) string {
	if sc.ErrorMessage == "" {
		return def
	}
	return sc.ErrorMessage
}

func (sc Script) status(def int) int {
	if sc.Status == 0 {
		return def
	}
	return sc.Status
}

func (sc Script) finishReason() string {
	if sc.FinishReason == "" {
		return "stop"
	}
	return sc.FinishReason
}

// ollamaDuration is an Ollama duration field: d, def when d is 0, 0 when
// d is negative.
func ollamaDuration(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return max(d, 0)
}

func (sc Script) slots() int {
	if sc.Slots == 0 {
		return 1
	}
	return sc.Slots
}

func (sc Script) promptTokens() int {
	if sc.PromptTokens == 0 {
		return 10
	}
	return sc.PromptTokens
}

// Request is one request a [Server] received.
type Request struct {
	Method string
	Path   string
	Header http.Header
	// Stream says whether a chat request asked to stream (Ollama's default
	// is true, OpenAI's false).
	Stream bool
	// Body is the decoded JSON body; nil when there was none.
	Body map[string]any

	// N is a chat request's number: 1, 2, 3, ... in order of arrival over
	// the server's life, streaming or not, on any chat endpoint. It is 0 for
	// other requests.
	N int
	// Generated is the text the server generated as the chat request's
	// reply, in full: the answer, a continuation of a trailing assistant
	// message, or (with [PrefillEcho]) the prefill followed by its
	// continuation. It is set before the response starts, even when a fault
	// then cuts the response short, and is "" when the request was answered
	// with an error status instead.
	Generated string
	// GeneratedTokens is the number of tokens of Generated: for a stream cut
	// by a fault, the number it planned to send, not the number it sent.
	GeneratedTokens int
}

// Has reports whether the JSON body has the top-level key.
func (r Request) Has(key string) bool {
	_, ok := r.Body[key]
	return ok
}

// Server is a running loopback model server. Create one with [NewOllama]
// or [NewOpenAI]; Close it when done.
type Server struct {
	// URL is the server's base URL, such as http://127.0.0.1:40123 (no /v1).
	URL string

	srv     *httptest.Server
	done    chan struct{}
	closeMu sync.Once

	mu              sync.Mutex
	script          Script
	nonStreamFailed int
	streamsSeen     int // streaming chat requests, for Script.DownAfterStreams
	requests        []Request
	conns           map[net.Conn]struct{}
	answers         []string // per chat request, by N-1
	chatsNow        int      // chat requests being handled
	chatsPeak       int
}

func newServer(sc Script, mux func(s *Server) http.Handler) *Server {
	s := &Server{script: sc, done: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	s.srv = httptest.NewServer(mux(s))
	s.URL = s.srv.URL
	return s
}

// SetScript replaces the script for the requests that arrive from now on
// and resets the NonStreamFailures and DownAfterStreams counts.
func (s *Server) SetScript(sc Script) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = sc
	s.nonStreamFailed, s.streamsSeen = 0, 0
}

// Script returns the current script.
func (s *Server) Script() Script {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.script
}

// Requests returns every request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// ChatRequests returns the chat requests received so far; stream selects
// streaming or non-streaming ones.
func (s *Server) ChatRequests(stream bool) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if (r.Path == "/api/chat" || r.Path == "/v1/chat/completions") && r.Stream == stream {
			out = append(out, r)
		}
	}
	return out
}

// ChatRequestsBut is [Server.ChatRequests] less the requests whose last
// message is skip: the prompt of a client's background request, such as
// Brook's request for a title, which a test counting answers leaves out.
func (s *Server) ChatRequestsBut(stream bool, skip string) []Request {
	return slices.DeleteFunc(s.ChatRequests(stream), func(r Request) bool { return r.LastMessage() == skip })
}

// LastMessage is the text of a chat request's last message; "" when it has
// none, or its content is not plain text.
func (r Request) LastMessage() string {
	msgs, _ := r.Body["messages"].([]any)
	if len(msgs) == 0 {
		return ""
	}
	last, _ := msgs[len(msgs)-1].(map[string]any)
	text, _ := last["content"].(string)
	return text
}

// Answers returns, per chat request in order of arrival (index N-1), the
// whole answer its reply belongs to: the answer or its variant, or for a
// continued assistant message that message (as the server saw it) followed
// by the continuation, never doubled by [PrefillEcho]. It is "" for a
// request answered with an error status instead.
func (s *Server) Answers() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.answers)
}

// PeakConcurrentChats returns the most chat requests the server has handled
// at the same time, each from its arrival until its response finished or
// its connection closed. A response counts as finished as soon as the
// server starts writing its last bytes (the end marker, an error object,
// the non-streaming body), so a client that sends its next request on
// reading them never overlaps with itself.
func (s *Server) PeakConcurrentChats() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.chatsPeak
}

// Close stops the server. It does not wait for hung handlers: it wakes
// them and closes every connection, idle, active or hijacked.
func (s *Server) Close() {
	s.closeMu.Do(func() {
		close(s.done)
		s.mu.Lock()
		for c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		s.srv.CloseClientConnections()
		s.srv.Close()
	})
}

// DownURL returns the base URL of a loopback port that was just listening
// and is now closed, so connecting to it is refused.
func DownURL() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("providertest: listen: %v", err))
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// record reads and decodes the body and stores the request.
func (s *Server) record(r *http.Request, defaultStream bool) (map[string]any, bool) {
	body, stream, _ := s.store(r, defaultStream, false)
	return body, stream
}

// chatAt is where a chat request is recorded.
type chatAt struct {
	i int // index in requests
	n int // the request's N
}

// recordChat records a chat request and numbers it.
func (s *Server) recordChat(r *http.Request, defaultStream bool) (map[string]any, bool, chatAt) {
	return s.store(r, defaultStream, true)
}

func (s *Server) store(r *http.Request, defaultStream, chat bool) (map[string]any, bool, chatAt) {
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	if len(bytes.TrimSpace(raw)) > 0 {
		_ = json.Unmarshal(raw, &body)
	}
	stream := defaultStream
	if v, ok := body["stream"].(bool); ok {
		stream = v
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	req := Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Stream: stream, Body: body}
	at := chatAt{i: len(s.requests)}
	if chat {
		s.answers = append(s.answers, "")
		at.n = len(s.answers)
		req.N = at.n
	}
	s.requests = append(s.requests, req)
	return body, stream, at
}

// generated records what the server generated for the chat request at.
func (s *Server) generated(at chatAt, rep reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answers[at.n-1] = rep.answer
	s.requests[at.i].Generated = rep.text
	s.requests[at.i].GeneratedTokens = len(rep.tokens)
}

// chatBegins counts a chat request in; call the function it returns (once
// or more) when the request's response is about to end.
func (s *Server) chatBegins() (ends func()) {
	s.mu.Lock()
	s.chatsNow++
	s.chatsPeak = max(s.chatsPeak, s.chatsNow)
	s.mu.Unlock()
	return sync.OnceFunc(func() {
		s.mu.Lock()
		s.chatsNow--
		s.mu.Unlock()
	})
}

// isDown reports whether the script has taken the server down for this
// chat request (see Script.DownAfterStreams), counting it if it streams.
func (s *Server) isDown(sc Script, stream bool) bool {
	if sc.DownAfterStreams == 0 {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.streamsSeen >= sc.DownAfterStreams {
		return true
	}
	if stream {
		s.streamsSeen++
	}
	return false
}

// takeNonStreamFailure reports whether this non-streaming request is one of
// the NonStreamFailures.
func (s *Server) takeNonStreamFailure(sc Script) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.nonStreamFailed < sc.NonStreamFailures {
		s.nonStreamFailed++
		return true
	}
	return false
}

// forever is a wait that ends only when the server closes or the client
// goes away.
const forever time.Duration = -1

// sign is a line without text a stream sends every so often while it waits.
type sign struct {
	every time.Duration
	line  []byte
}

// wait pauses for d (or [forever]) on rc, sending each sign's line every
// sign.every meanwhile. It reports false if the server closed or the client
// went away.
func (s *Server) wait(rc *raw, d time.Duration, signs ...sign) bool {
	start := time.Now()
	next := make([]time.Time, len(signs))
	for i, sg := range signs {
		next[i] = start.Add(sg.every)
	}
	for {
		wake, timed := start.Add(d), d >= 0
		for _, t := range next {
			if !timed || t.Before(wake) {
				wake, timed = t, true
			}
		}
		if !s.waitUntil(rc, wake, timed) {
			return false
		}
		now := time.Now()
		if d >= 0 && !now.Before(start.Add(d)) {
			return true
		}
		for i, sg := range signs {
			if !now.Before(next[i]) {
				rc.chunk(sg.line)
				for !now.Before(next[i]) {
					next[i] = next[i].Add(sg.every)
				}
			}
		}
	}
}

// waitUntil waits until wake (forever when !timed); it reports false if the
// server closed or the client went away first.
func (s *Server) waitUntil(rc *raw, wake time.Time, timed bool) bool {
	select {
	case <-s.done:
		return false
	case <-rc.gone:
		return false
	default:
	}
	var timeout <-chan time.Time
	if timed {
		t := time.NewTimer(time.Until(wake))
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-timeout:
		return true
	case <-s.done:
		return false
	case <-rc.gone:
		return false
	}
}

// writeJSON writes a plain JSON response through the ResponseWriter.
func writeJSON(w http.ResponseWriter, status int, v any, header map[string]string) {
	b, _ := json.Marshal(v)
	for k, val := range header {
		w.Header().Set(k, val)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

// raw is a hijacked connection on which the response is written byte by byte.
type raw struct {
	s    *Server
	conn net.Conn
	bw   *bufio.ReadWriter
	gone chan struct{}
	// finish is called before the response's last bytes are written or its
	// connection closes; nil for none.
	finish func()
}

// hijack takes over the connection and writes a 200 status line with
// header. The body is then up to the caller.
func (s *Server) hijack(w http.ResponseWriter, header []string) (*raw, error) {
	conn, bw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.conns[conn] = struct{}{}
	s.mu.Unlock()
	rc := &raw{s: s, conn: conn, bw: bw, gone: make(chan struct{})}
	go func() {
		// The client sends nothing more; a read returns when it closes.
		io.Copy(io.Discard, bw)
		close(rc.gone)
	}()
	var h strings.Builder
	h.WriteString("HTTP/1.1 200 OK\r\n")
	h.WriteString("Date: " + time.Now().UTC().Format(http.TimeFormat) + "\r\n")
	h.WriteString("Connection: close\r\n")
	for _, line := range header {
		h.WriteString(line + "\r\n")
	}
	h.WriteString("\r\n")
	rc.write([]byte(h.String()))
	return rc, nil
}

func (rc *raw) write(b []byte) {
	rc.bw.Write(b)
	rc.bw.Flush()
}

// chunk writes b as one HTTP/1.1 chunk.
func (rc *raw) chunk(b []byte) {
	if len(b) == 0 {
		return
	}
	rc.write(fmt.Appendf(nil, "%x\r\n%s\r\n", len(b), b))
}

// end writes the terminating chunk: a clean end of body.
func (rc *raw) end() {
	rc.finishing()
	rc.write([]byte("0\r\n\r\n"))
	rc.close()
}

// close closes the connection; without end, the body is cut short.
func (rc *raw) close() {
	rc.finishing()
	rc.conn.Close()
	rc.s.mu.Lock()
	delete(rc.s.conns, rc.conn)
	rc.s.mu.Unlock()
}

// finishing says the response is about to end: what follows is its last
// bytes, which a client may act on before the handler returns.
func (rc *raw) finishing() {
	if rc.finish != nil {
		rc.finish()
	}
}

// cutInsideRune returns where to cut line so the cut falls inside its first
// multi-byte character, or in the middle when it has none.
func cutInsideRune(line []byte) int {
	for i := 0; i < len(line); {
		_, size := utf8.DecodeRune(line[i:])
		if size > 1 {
			return i + 1
		}
		i += size
	}
	return len(line) / 2
}

// plan is one streamed answer as wire lines.
type plan struct {
	prelude [][]byte // before any token (OpenAI's role chunk)
	tokens  [][]byte // one per token
	final   [][]byte // the end marker lines
	errLine []byte   // an in-stream error object
	// keepAlive is a line without text for KeepAliveEvery (an SSE comment);
	// nil when the protocol has none.
	keepAlive []byte
	// roleChunk is a chunk without text for RoleChunksEvery; nil when the
	// protocol has none.
	roleChunk []byte
}

// signs are the lines without text to send while waiting; before says
// whether no token has been sent yet.
func (p plan) signs(sc Script, before bool) []sign {
	var out []sign
	if p.keepAlive != nil && sc.KeepAliveEvery > 0 {
		out = append(out, sign{sc.KeepAliveEvery, p.keepAlive})
	}
	if before && p.roleChunk != nil && sc.RoleChunksEvery > 0 {
		out = append(out, sign{sc.RoleChunksEvery, p.roleChunk})
	}
	return out
}

// stream writes p on rc as the script's stream fault dictates.
func (s *Server) stream(rc *raw, sc Script, p plan) {
	k := min(max(sc.FaultAfterTokens, 0), len(p.tokens))
	if sc.Fault == ErrorFirstChunk {
		rc.finishing()
		rc.chunk(p.errLine)
		rc.end()
		return
	}
	for _, l := range p.prelude {
		rc.chunk(l)
	}
	n := len(p.tokens)
	switch sc.Fault {
	case None:
	case NoFirstToken:
		s.wait(rc, forever, p.signs(sc, true)...)
		rc.close()
		return
	case StallAfterFirstToken:
		n = min(max(k, 1), len(p.tokens))
	default:
		n = k
	}
	for i := range n {
		d := sc.TokenDelay
		if d == 0 {
			d = sc.GenerationDelay
		}
		if i == 0 {
			d = sc.FirstTokenDelay
		}
		if !s.wait(rc, d, p.signs(sc, i == 0)...) {
			rc.close()
			return
		}
		rc.chunk(p.tokens[i])
	}
	if sc.Fault != StallAfterFirstToken {
		rc.finishing()
	}
	next := func() []byte {
		if k < len(p.tokens) {
			return p.tokens[k]
		}
		return p.final[0]
	}
	switch sc.Fault {
	case None:
		for _, l := range p.final {
			rc.chunk(l)
		}
		rc.end()
	case DropBetweenLines:
		rc.close()
	case DropMidLine:
		l := next()
		rc.chunk(l[:len(l)/2])
		rc.close()
	case DropInsideRune:
		l := next()
		rc.chunk(l[:cutInsideRune(l)])
		rc.close()
	case CleanEndNoMarker:
		rc.end()
	case ErrorLater:
		rc.chunk(p.errLine)
		rc.end()
	case StallAfterFirstToken:
		s.wait(rc, forever, p.signs(sc, false)...)
		rc.close()
	default:
		rc.close()
	}
}

// whole writes a non-streaming body as the script's NonStreamFault dictates.
// truncatedClean is the body to send for CleanEndNoMarker, or nil to send
// body cut in half with a matching Content-Length. generation is the time
// the model takes to generate the reply ([Script.GenerationDelay]), waited
// after FirstTokenDelay. finish, when not nil, is called before the body is
// written or the connection closes.
func (s *Server) whole(w http.ResponseWriter, sc Script, contentType string, body, errBody, truncatedClean []byte, generation time.Duration, finish func()) {
	send := body
	promised := len(body)
	switch sc.NonStreamFault {
	case DropBetweenLines, DropMidLine:
		send = body[:len(body)/2]
	case DropInsideRune:
		send = body[:cutInsideRune(body)]
	case CleanEndNoMarker:
		if truncatedClean == nil {
			truncatedClean = body[:len(body)/2]
		}
		send, promised = truncatedClean, len(truncatedClean)
	case ErrorFirstChunk, ErrorLater:
		send, promised = errBody, len(errBody)
	}
	rc, err := s.hijack(w, []string{"Content-Type: " + contentType, fmt.Sprintf("Content-Length: %d", promised)})
	if err != nil {
		return
	}
	rc.finish = finish
	switch sc.NonStreamFault {
	case NoFirstToken, StallAfterFirstToken:
		s.wait(rc, forever)
		rc.close()
		return
	}
	if !s.wait(rc, sc.FirstTokenDelay+generation) {
		rc.close()
		return
	}
	rc.finishing()
	rc.write(send)
	rc.close()
}
