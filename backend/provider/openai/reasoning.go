package openai

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"brook/backend/provider"
)

// Reasoning reaches this adapter in three shapes, all read:
//   - reasoning_content beside content, in a stream's delta and a whole
//     answer's message (vLLM, llama-server, DeepSeek), which go-openai
//     decodes;
//   - reasoning in the same places (OpenRouter, Ollama's /v1), which
//     go-openai does not know: the response body is rewritten on its way
//     in so that such a field is also reasoning_content ([reasoningBody]);
//   - a <think> block at the start of the content (servers without a
//     reasoning parser), split out with thinktags.

// prefillContent is the content sent for a trailing assistant message being
// continued. OpenAI-compatible servers have no field for an assistant
// message's reasoning, so a message with Thinking carries it the way a
// model that writes its reasoning inline would have written it:
// "<think>\n" + Thinking, then, once there is answer text,
// "\n</think>\n\n" + Content. With only the thinking, the block is left
// open, for the model to continue its reasoning and then answer.
func prefillContent(m provider.Message) string {
	if m.Thinking == "" {
		return m.Content
	}
	if m.Content == "" {
		return "<think>\n" + m.Thinking
	}
	return "<think>\n" + m.Thinking + "\n</think>\n\n" + m.Content
}

// blockEcho drops from the start of a continuation's content a repeat of
// the <think> block its prefill carried ([prefillContent]), as a server that
// echoes the prefill sends it. The caller knows only the answer text it
// continues, so it can drop an echo of that, but not of the block before it.
// Like the caller's seam, it holds back a start that may still turn out to
// be the echo, and drops white space that repeats the block's own trailing
// white space only after an echo.
type blockEcho struct {
	sent string // the block without its trailing white space
	held string // the block's trailing white space

	pending strings.Builder
	decided bool
}

// newBlockEcho returns the [blockEcho] for req, or nil when req continues
// no message with reasoning.
func newBlockEcho(req provider.Request) *blockEcho {
	if req.Prefill == provider.PrefillNone || len(req.Messages) == 0 {
		return nil
	}
	last := req.Messages[len(req.Messages)-1]
	if last.Role != "assistant" || last.Thinking == "" {
		return nil
	}
	block := strings.TrimSuffix(prefillContent(last), last.Content)
	sent := strings.TrimRightFunc(block, unicode.IsSpace)
	return &blockEcho{sent: sent, held: block[len(sent):]}
}

// feed takes the next piece of content and returns what follows the echo.
func (e *blockEcho) feed(piece string) string {
	if e == nil || e.decided {
		return piece
	}
	e.pending.WriteString(piece)
	rest, settled := e.trim(e.pending.String())
	if !settled {
		return ""
	}
	e.decided = true
	e.pending.Reset()
	return rest
}

// end returns what is still held back once the content is over.
func (e *blockEcho) end() string {
	if e == nil || e.decided {
		return ""
	}
	e.decided = true
	rest, _ := e.trim(e.pending.String())
	e.pending.Reset()
	return rest
}

func (e *blockEcho) trim(buf string) (rest string, settled bool) {
	rest, echoed := strings.CutPrefix(buf, e.sent)
	if !echoed {
		if strings.HasPrefix(e.sent, buf) {
			return "", false // so far a repeat; it may go on
		}
		return buf, true
	}
	n := 0
	for n < len(rest) && n < len(e.held) && rest[n] == e.held[n] {
		n++
	}
	if n == len(rest) && n < len(e.held) {
		return "", false
	}
	for n > 0 && n < len(rest) && !utf8.RuneStart(rest[n]) {
		n--
	}
	return rest[n:], true
}

// resumesReasoning reports whether req continues a trailing assistant
// message that has reasoning and no answer yet: the content that comes
// back may then continue the open <think> block of [prefillContent].
func resumesReasoning(req provider.Request) bool {
	if req.Prefill == provider.PrefillNone || len(req.Messages) == 0 {
		return false
	}
	last := req.Messages[len(req.Messages)-1]
	return last.Role == "assistant" && last.Thinking != "" && last.Content == ""
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

// reasoningBody wraps the body of a successful chat completion response so
// that a "reasoning" field in a choice's delta or message, when it has no
// "reasoning_content", is copied into "reasoning_content". A stream (the
// request asked for text/event-stream) is rewritten line by line as it
// arrives; any other body is rewritten whole.
func reasoningBody(req *http.Request, resp *http.Response) {
	if resp.StatusCode < 200 || resp.StatusCode > 299 || resp.Body == nil ||
		req.Method != http.MethodPost || !strings.HasSuffix(req.URL.Path, "/chat/completions") {
		return
	}
	if strings.Contains(req.Header.Get("Accept"), "text/event-stream") {
		resp.Body = &sseBody{rc: resp.Body, br: bufio.NewReader(resp.Body)}
	} else {
		resp.Body = &wholeBody{rc: resp.Body}
	}
	resp.ContentLength = -1
}

// sseBody rewrites each whole line of an event stream with
// [reasoningLine]. Bytes that do not end in a newline (a body that breaks
// mid-line) pass unchanged, followed by the read error, so a cut body reads
// exactly as it would have.
type sseBody struct {
	rc  io.ReadCloser
	br  *bufio.Reader
	out []byte // rewritten bytes not yet read
	err error  // the error that ended reading, returned once out is empty
}

func (b *sseBody) Read(p []byte) (int, error) {
	for len(b.out) == 0 && b.err == nil {
		line, err := b.br.ReadBytes('\n')
		if err == nil {
			line = reasoningLine(line)
		}
		b.out, b.err = line, err
	}
	if len(b.out) == 0 {
		return 0, b.err
	}
	n := copy(p, b.out)
	b.out = b.out[n:]
	return n, nil
}

func (b *sseBody) Close() error { return b.rc.Close() }

// wholeBody rewrites a whole JSON body with [reasoningJSON] on the first
// Read. A body that does not read to its end cleanly, or does not decode,
// passes unchanged, followed by the read error.
type wholeBody struct {
	rc   io.ReadCloser
	r    io.Reader
	err  error
	read bool
}

func (b *wholeBody) Read(p []byte) (int, error) {
	if !b.read {
		b.read = true
		data, err := io.ReadAll(b.rc)
		if err == nil {
			if out, ok := reasoningJSON(data); ok {
				data = out
			}
		}
		b.r, b.err = bytes.NewReader(data), err
	}
	n, err := b.r.Read(p)
	if err == io.EOF && b.err != nil {
		err = b.err
	}
	return n, err
}

func (b *wholeBody) Close() error { return b.rc.Close() }

// reasoningLine rewrites one SSE line, newline included, when it is a data
// line whose JSON needs [reasoningJSON]; any other line is returned as is.
func reasoningLine(line []byte) []byte {
	if !bytes.Contains(line, []byte(`"reasoning"`)) {
		return line // The common case: nothing to parse.
	}
	body := bytes.TrimRight(line, "\r\n")
	eol := line[len(body):]
	payload, ok := bytes.CutPrefix(bytes.TrimLeft(body, " \t"), []byte("data:"))
	if !ok {
		return line
	}
	out, ok := reasoningJSON(payload)
	if !ok {
		return line
	}
	return append(append([]byte("data: "), out...), eol...)
}

// reasoningJSON rewrites a chat completion (chunk) so that each choice's
// delta and message with a string "reasoning" and no "reasoning_content"
// gets "reasoning_content" too. It reports false when nothing changed.
func reasoningJSON(data []byte) ([]byte, bool) {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return nil, false
	}
	var choices []map[string]json.RawMessage
	if json.Unmarshal(top["choices"], &choices) != nil {
		return nil, false
	}
	changed := false
	for _, choice := range choices {
		for _, key := range []string{"delta", "message"} {
			var msg map[string]json.RawMessage
			if json.Unmarshal(choice[key], &msg) != nil || msg == nil {
				continue
			}
			if jsonString(msg["reasoning"]) == "" || jsonString(msg["reasoning_content"]) != "" {
				continue
			}
			msg["reasoning_content"] = msg["reasoning"]
			choice[key], _ = json.Marshal(msg)
			changed = true
		}
	}
	if !changed {
		return nil, false
	}
	top["choices"], _ = json.Marshal(choices)
	out, err := json.Marshal(top)
	return out, err == nil
}

// jsonString is raw as a JSON string, or "" when it is not one.
func jsonString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}
