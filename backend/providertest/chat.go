package providertest

import (
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// PrefillMode is how a server treats a chat request whose last message has
// role "assistant": a partial answer a client wants continued.
type PrefillMode int

const (
	// PrefillContinue continues the trailing assistant message with no flag
	// needed, as Ollama (on /api/chat and /v1) and llama.cpp's llama-server
	// do. It is the zero value for both [NewOllama] and [NewOpenAI].
	//
	// With the message's content P (trimmed first when
	// [Script.TrimsTrailingWhitespace] is set), the server looks among the
	// answers it produced earlier ([Server.Answers]), the most recent first,
	// for one that starts with P, and generates the rest of it after P. When
	// none does (or P is empty), it generates the rest of a fresh answer (a
	// variant when [Script.Sampling] is on) after len(P) bytes, cut back to
	// the start of the character that byte is in. Faults apply to the
	// generated text's tokens, streaming or not.
	PrefillContinue PrefillMode = iota
	// PrefillEcho continues like PrefillContinue, but the reply is the
	// message's content exactly as sent (a <think> block that carries the
	// reasoning included) followed by the continuation, as servers that echo
	// the prefill do.
	PrefillEcho
	// PrefillNeedsFlag is vLLM: it continues like PrefillContinue only when
	// the body has "continue_final_message": true and
	// "add_generation_prompt": false. Without continue_final_message it
	// takes the assistant message as a finished turn and answers afresh; with
	// continue_final_message but without add_generation_prompt false it
	// answers 400 "continue_final_message and add_generation_prompt cannot
	// both be true.", whatever the last message is.
	PrefillNeedsFlag
	// PrefillRefused is OpenRouter for some models: a trailing assistant
	// message gets 400 "This model does not support assistant message
	// prefill".
	PrefillRefused
	// PrefillIgnored is OpenAI itself: a trailing assistant message is a
	// finished turn, and the reply is a fresh whole answer.
	PrefillIgnored
)

var prefillNames = [...]string{"PrefillContinue", "PrefillEcho", "PrefillNeedsFlag", "PrefillRefused", "PrefillIgnored"}

func (m PrefillMode) String() string {
	if m >= 0 && int(m) < len(prefillNames) {
		return prefillNames[m]
	}
	return fmt.Sprintf("PrefillMode(%d)", int(m))
}

// The error messages of prefill refusals, as the real servers word them.
const (
	msgPrefillUnsupported = "This model does not support assistant message prefill"
	msgVLLMBothTrue       = "continue_final_message and add_generation_prompt cannot both be true."
)

// wire is one protocol's chat endpoint: the shapes of its bodies and errors.
// The chat flow itself ([Server.chatHandler]) is the same for every protocol.
type wire struct {
	// defaultStream is whether a request without "stream" streams.
	defaultStream bool
	// streamHeader is the header of a streamed response.
	streamHeader []string
	// contentType is the Content-Type of a non-streaming body.
	contentType string
	// auth answers an unauthorized request and reports whether it did; nil
	// means every request is authorized.
	auth func(w http.ResponseWriter, r *http.Request, sc Script) bool
	// statusFault answers a status fault and reports whether it did.
	statusFault func(w http.ResponseWriter, sc Script, f Fault) bool
	// errorBody is the protocol's error body; Ollama's has only the message.
	errorBody func(message, typ string, code any) any
	// plan is a streamed reply of toks as wire lines.
	plan func(sc Script, body map[string]any, model string, toks []string) plan
	// whole is a non-streaming reply's body, the error object sent instead
	// for the error faults, and the body CleanEndNoMarker sends (nil: the
	// body cut in half).
	whole func(sc Script, model, text string, ntoks int) (body, errBody, truncatedClean []byte)
}

// reply is what the server generates for one chat request.
type reply struct {
	// answer is the whole answer the reply belongs to: what [Server.Answers] lists.
	answer string
	// text is the reply's text as sent, in full.
	text   string
	tokens []string
}

// refusal is a 400 a chat request gets instead of an answer.
type refusal struct {
	message, typ string
}

// chatHandler serves one protocol's chat endpoint.
func (s *Server) chatHandler(wi *wire) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ends := s.chatBegins()
		defer ends()
		body, stream, at := s.recordChat(r, wi.defaultStream)
		sc := s.Script()
		if s.isDown(sc, stream) {
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		if wi.auth != nil && wi.auth(w, r, sc) {
			return
		}
		sc, rep, refused := s.replyReasoning(wi, sc, body, at.n)
		if refused != nil {
			writeJSON(w, http.StatusBadRequest, wi.errorBody(refused.message, refused.typ, http.StatusBadRequest), nil)
			return
		}
		if refuseTools(w, wi, sc, body) {
			return
		}
		if sc.calls = sc.toolCallsFor(body); len(sc.calls) > 0 {
			rep = sc.toolCallReply(body)
		}
		if sc.ReadFileTool != "" {
			sc, rep = sc.readFileReply(body, rep)
		}
		if stream {
			if wi.statusFault(w, sc, sc.Fault) {
				return
			}
		} else {
			if s.takeNonStreamFailure(sc) {
				writeJSON(w, http.StatusInternalServerError, wi.errorBody(sc.errorMessage("non-streaming failure"), "server_error", nil), nil)
				return
			}
			if wi.statusFault(w, sc, sc.NonStreamFault) {
				return
			}
		}
		s.generated(at, rep)
		model, _ := body["model"].(string)
		if stream {
			rc, err := s.hijack(w, wi.streamHeader)
			if err != nil {
				return
			}
			rc.finish = ends
			s.stream(rc, sc, wi.plan(sc, body, model, rep.tokens))
			return
		}
		whole, errBody, clean := wi.whole(sc, model, rep.text, len(rep.tokens))
		s.whole(w, sc, wi.contentType, whole, errBody, clean, time.Duration(len(rep.tokens))*sc.GenerationDelay, ends)
	}
}

// reply decides what chat request n gets: an answer, a continuation of its
// trailing assistant message, or a refusal.
func (s *Server) reply(sc Script, body map[string]any, n int) (reply, *refusal) {
	fresh := sc.answer()
	if sc.Sampling && sc.Tokens == nil {
		fresh = Variant(fresh, n)
	}
	if model, _ := body["model"].(string); sc.sees(model) {
		fresh = VisionAnswer(requestImages(body))
	}
	afresh := reply{answer: fresh, text: fresh, tokens: sc.tokensOf(fresh)}
	if sc.Prefill == PrefillNeedsFlag && body["continue_final_message"] == true && body["add_generation_prompt"] != false {
		return reply{}, &refusal{msgVLLMBothTrue, "BadRequestError"}
	}
	prefill, ok := trailingAssistant(body)
	if !ok {
		return afresh, nil
	}
	switch sc.Prefill {
	case PrefillRefused:
		return reply{}, &refusal{msgPrefillUnsupported, "invalid_request_error"}
	case PrefillIgnored:
		return afresh, nil
	case PrefillNeedsFlag:
		if body["continue_final_message"] != true {
			return afresh, nil
		}
	}
	seen := prefill
	if sc.TrimsTrailingWhitespace {
		seen = strings.TrimRightFunc(prefill, unicode.IsSpace)
	}
	whole := s.earlierAnswer(seen, n)
	if whole == "" {
		i := min(len(seen), len(fresh))
		for i > 0 && i < len(fresh) && !utf8.RuneStart(fresh[i]) {
			i--
		}
		whole = seen + fresh[i:]
	}
	text := whole[len(seen):]
	if sc.Prefill == PrefillEcho {
		text = prefill + text
	}
	return reply{answer: whole, text: text, tokens: sc.tokensOf(text)}, nil
}

// earlierAnswer returns the most recent answer before chat request n that
// starts with prefix, or "" when none does or prefix is empty.
func (s *Server) earlierAnswer(prefix string, n int) string {
	if prefix == "" {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := min(n-1, len(s.answers)) - 1; i >= 0; i-- {
		if a := s.answers[i]; a != "" && strings.HasPrefix(a, prefix) {
			return a
		}
	}
	return ""
}

// trailingAssistant returns the content of the body's last message when its
// role is "assistant". Content given as OpenAI's parts is the text of its
// text parts.
func trailingAssistant(body map[string]any) (string, bool) {
	msgs, _ := body["messages"].([]any)
	if len(msgs) == 0 {
		return "", false
	}
	last, _ := msgs[len(msgs)-1].(map[string]any)
	if last["role"] != "assistant" {
		return "", false
	}
	switch c := last["content"].(type) {
	case string:
		return c, true
	case []any:
		var b strings.Builder
		for _, part := range c {
			if p, ok := part.(map[string]any); ok && p["type"] == "text" {
				t, _ := p["text"].(string)
				b.WriteString(t)
			}
		}
		return b.String(), true
	}
	return "", true
}

// tokensOf returns the tokens text is streamed as: the tail of
// [Script.Tokens] that makes it up when there is one, else
// [SplitTokens](text, 3).
func (sc Script) tokensOf(text string) []string {
	if sc.Tokens != nil {
		rest := text
		for i := len(sc.Tokens) - 1; i >= 0 && rest != ""; i-- {
			t, ok := strings.CutSuffix(rest, sc.Tokens[i])
			if !ok {
				break
			}
			if rest = t; rest == "" {
				return sc.Tokens[i:]
			}
		}
		if text == sc.answer() {
			return sc.Tokens
		}
	}
	return SplitTokens(text, 3)
}
