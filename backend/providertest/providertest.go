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
// so tests can assert what a client sent.
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

	// NonStreamFailures makes the first N non-streaming chat requests after
	// SetScript fail with 500.
	NonStreamFailures int
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
	chat    func(s *Server, w http.ResponseWriter, r *http.Request, body map[string]any, sc Script, stream bool)
	done    chan struct{}
	closeMu sync.Once

	mu              sync.Mutex
	script          Script
	nonStreamFailed int
	requests        []Request
	conns           map[net.Conn]struct{}
}

func newServer(sc Script, mux func(s *Server) http.Handler) *Server {
	s := &Server{script: sc, done: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	s.srv = httptest.NewServer(mux(s))
	s.URL = s.srv.URL
	return s
}

// SetScript replaces the script for the requests that arrive from now on
// and resets the NonStreamFailures count.
func (s *Server) SetScript(sc Script) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = sc
	s.nonStreamFailed = 0
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
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Stream: stream, Body: body})
	s.mu.Unlock()
	return body, stream
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

// sleep pauses for d; it reports false if the server closed or the client
// went away meanwhile.
func (s *Server) sleep(d time.Duration, gone <-chan struct{}) bool {
	if d <= 0 {
		select {
		case <-s.done:
			return false
		case <-gone:
			return false
		default:
			return true
		}
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.done:
		return false
	case <-gone:
		return false
	}
}

// hang waits until the server closes or the client goes away.
func (s *Server) hang(gone <-chan struct{}) {
	select {
	case <-s.done:
	case <-gone:
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
	rc.write([]byte("0\r\n\r\n"))
	rc.close()
}

// close closes the connection; without end, the body is cut short.
func (rc *raw) close() {
	rc.conn.Close()
	rc.s.mu.Lock()
	delete(rc.s.conns, rc.conn)
	rc.s.mu.Unlock()
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
}

// stream writes p on rc as the script's stream fault dictates.
func (s *Server) stream(rc *raw, sc Script, p plan) {
	k := min(max(sc.FaultAfterTokens, 0), len(p.tokens))
	if sc.Fault == ErrorFirstChunk {
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
		s.hang(rc.gone)
		rc.close()
		return
	case StallAfterFirstToken:
		n = min(max(k, 1), len(p.tokens))
	default:
		n = k
	}
	for i := range n {
		d := sc.TokenDelay
		if i == 0 {
			d = sc.FirstTokenDelay
		}
		if !s.sleep(d, rc.gone) {
			rc.close()
			return
		}
		rc.chunk(p.tokens[i])
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
		s.hang(rc.gone)
		rc.close()
	default:
		rc.close()
	}
}

// whole writes a non-streaming body as the script's NonStreamFault dictates.
// truncatedClean is the body to send for CleanEndNoMarker, or nil to send
// body cut in half with a matching Content-Length.
func (s *Server) whole(w http.ResponseWriter, sc Script, contentType string, body, errBody, truncatedClean []byte) {
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
	switch sc.NonStreamFault {
	case NoFirstToken, StallAfterFirstToken:
		s.hang(rc.gone)
		rc.close()
		return
	}
	if !s.sleep(sc.FirstTokenDelay, rc.gone) {
		rc.close()
		return
	}
	rc.write(send)
	rc.close()
}
