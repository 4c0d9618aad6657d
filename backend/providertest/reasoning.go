package providertest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"brook/backend/provider/thinktags"
)

// ReasoningShape is where a server puts a model's reasoning ([Script.Reasoning]).
type ReasoningShape int

const (
	// ReasoningDefault is each protocol's own place:
	// ReasoningOllamaThinking on Ollama's /api/chat, ReasoningContentField
	// on /v1/chat/completions.
	ReasoningDefault ReasoningShape = iota
	// ReasoningOllamaThinking is Ollama's message.thinking on /api/chat. On
	// /v1 it is the "reasoning" field, as Ollama's own /v1 sends it.
	ReasoningOllamaThinking
	// ReasoningContentField is "reasoning_content" beside "content" in a
	// stream's delta and a whole answer's message, as vLLM, llama-server and
	// DeepSeek send it. On /api/chat, which has no such field, it is
	// message.thinking.
	ReasoningContentField
	// ReasoningField is OpenRouter's "reasoning" in the same places. On
	// /api/chat it is message.thinking.
	ReasoningField
	// ReasoningInlineTags is "<think>\n" + reasoning + "\n</think>\n\n" at
	// the start of the content, on either protocol, as servers without a
	// reasoning parser pass it on. The block's tags are cut across tokens
	// like any other text.
	ReasoningInlineTags
)

var shapeNames = [...]string{"ReasoningDefault", "ReasoningOllamaThinking", "ReasoningContentField", "ReasoningField", "ReasoningInlineTags"}

func (r ReasoningShape) String() string {
	if r >= 0 && int(r) < len(shapeNames) {
		return shapeNames[r]
	}
	return fmt.Sprintf("ReasoningShape(%d)", int(r))
}

// msgNoThinking is Ollama's refusal of think for a model that cannot think.
const msgNoThinking = "%q does not support thinking"

// inlineBlock is the content that carries reasoning r inline: a whole
// block, or, when it continues a block left open (resumed), the rest of
// the reasoning and the close tag.
func inlineBlock(r string, resumed bool) string {
	if resumed {
		return r + "\n</think>\n\n"
	}
	if r == "" {
		return ""
	}
	return "<think>\n" + r + "\n</think>\n\n"
}

// PartialReply is what a client that asks nothing about thinking has
// received, as answer text and reasoning, when the stream fault strikes:
// the first FaultAfterTokens tokens of the reasoning and the answer
// together (none for ErrorFirstChunk, NoFirstToken and the status faults,
// at least one for StallAfterFirstToken, all for None). The content is
// split as the adapters split it ([thinktags]): for ReasoningInlineTags the
// block's tags and the white space around it are dropped, and when the
// stream does not end normally, what the splitter would still hold back
// (white space, part of a tag) is left out. Like PartialText, it describes
// the unsampled answer.
func (sc Script) PartialReply() (text, reasoning string) {
	inline := sc.ReasoningShape == ReasoningInlineTags
	rtoks := SplitTokens(sc.Reasoning, 3)
	if inline {
		rtoks = SplitTokens(inlineBlock(sc.Reasoning, false), 3)
	}
	toks := append(slices.Clone(rtoks), sc.tokens()...)
	k := min(max(sc.FaultAfterTokens, 0), len(toks))
	switch sc.Fault {
	case None:
		k = len(toks)
	case ErrorFirstChunk, NoFirstToken, Status5xxBeforeFirst, Status429BeforeFirst, StatusError:
		k = 0
	case StallAfterFirstToken:
		k = min(max(k, 1), len(toks))
	}
	nr := min(k, len(rtoks))
	content := strings.Join(toks[nr:k], "")
	if inline {
		content = strings.Join(toks[:k], "")
	} else {
		reasoning = strings.Join(toks[:nr], "")
	}
	var split thinktags.Splitter
	text, r := split.Feed(content)
	if sc.Fault == None {
		t2, r2 := split.End()
		text, r = text+t2, r+r2
	}
	return text, reasoning + r
}

// replyReasoning is [Server.reply] with reasoning: it decides what chat
// request n on wire wi gets, and returns sc resolved for that request, to
// build the reply with. In the returned Script, ReasoningShape is the
// place on this wire (never ReasoningDefault) and Reasoning is what the
// reply carries before its answer: the reasoning itself in a field shape,
// the content of [inlineBlock] for ReasoningInlineTags, "" for none.
//
// The request is refused when the script is ThinkUnsupported and it asks
// for thinking. It gets no reasoning when it turns thinking off (Ollama's
// think:false, reasoning_effort "none") and the model can think.
//
// A trailing assistant message that the server continues may carry the
// reasoning so far, in Ollama's "thinking" field or as a <think> block at
// the start of its content, which is taken out of the content before the
// answer is continued. With answer text after the reasoning, or a closed
// block, the thinking is over and the reply has none. With reasoning
// alone, the reply continues it: the rest of the reasoning that starts
// with it (this request's, or with Sampling an earlier request's variant),
// or else the rest of this request's after as many bytes; inline, the rest
// goes without an open tag, continuing the open block.
func (s *Server) replyReasoning(wi *wire, sc Script, body map[string]any, n int) (Script, reply, *refusal) {
	ollama := wi == &ollamaWire
	model, _ := body["model"].(string)
	var asks, off bool
	if ollama {
		switch v := body["think"].(type) {
		case bool:
			asks, off = v, !v
		case string:
			asks = true
		}
	} else if v, ok := body["reasoning_effort"].(string); ok {
		asks, off = v != "none" && v != "", v == "none"
	}
	if sc.ThinkUnsupported && asks {
		return sc, reply{}, &refusal{fmt.Sprintf(msgNoThinking, model), "invalid_request_error"}
	}

	thinking, fromField, over, continued, replyBody := prefillThinking(sc, body)
	if ollama && fromField && sc.ReasoningShape == ReasoningInlineTags {
		// A template that leaves the reasoning in the content knows no
		// thinking field: the model starts its block afresh.
		thinking = ""
	}
	rep, refused := s.reply(sc, replyBody, n)
	if refused != nil {
		return sc, rep, refused
	}
	if sc.Prefill == PrefillEcho && continued {
		// An echoing server repeats the message's content exactly as it
		// came: the answer text is echoed by reply, and the <think> block
		// that was taken out of it goes first, before any reasoning.
		sent, _ := trailingAssistant(body)
		answered, _ := trailingAssistant(replyBody)
		if block, ok := strings.CutSuffix(sent, answered); ok {
			sc.echoedBlock = block
		}
	}

	switch sc.ReasoningShape {
	case ReasoningDefault:
		sc.ReasoningShape = ReasoningContentField
		if ollama {
			sc.ReasoningShape = ReasoningOllamaThinking
		}
	case ReasoningContentField, ReasoningField:
		if ollama {
			sc.ReasoningShape = ReasoningOllamaThinking
		}
	}
	original := sc.Reasoning
	fresh := original
	if sc.Sampling && sc.Tokens == nil && fresh != "" {
		fresh = Variant(fresh, n)
	}
	resumed := false
	switch {
	case original == "" || (off && !sc.ThinkUnsupported):
		fresh = ""
	case continued && over:
		fresh = ""
	case continued && thinking != "":
		fresh, resumed = restOfReasoning(sc, original, fresh, thinking, n), true
	}
	sc.Reasoning = fresh
	if sc.ReasoningShape == ReasoningInlineTags {
		sc.Reasoning = inlineBlock(fresh, resumed)
	}
	return sc, rep, nil
}

// prefillThinking reads the reasoning of body's trailing assistant message:
// its "thinking" field (fromField), or a <think> block at the start of its
// content. It reports whether the thinking is over (answer text follows
// it, or the block is closed), whether the server continues the message,
// and the body to answer, with the block taken out of the message's
// content.
func prefillThinking(sc Script, body map[string]any) (thinking string, fromField, over, continued bool, replyBody map[string]any) {
	replyBody = body
	msgs, _ := body["messages"].([]any)
	if len(msgs) == 0 {
		return
	}
	last, _ := msgs[len(msgs)-1].(map[string]any)
	if last["role"] != "assistant" {
		return
	}
	switch sc.Prefill {
	case PrefillContinue, PrefillEcho:
		continued = true
	case PrefillNeedsFlag:
		continued = body["continue_final_message"] == true
	}
	thinking, _ = last["thinking"].(string)
	fromField = thinking != ""
	content, isText := last["content"].(string)
	if isText {
		text, r := thinktags.Split(content)
		if text != content {
			if thinking == "" {
				thinking, fromField = r, false
			}
			over = strings.Contains(content, "</think>") || strings.Contains(content, "</thinking>")
			m := maps.Clone(last)
			m["content"] = text
			msgs = slices.Clone(msgs)
			msgs[len(msgs)-1] = m
			replyBody = maps.Clone(body)
			replyBody["messages"] = msgs
		}
		over = over || text != ""
	}
	return thinking, fromField, over, continued, replyBody
}

// restOfReasoning is what follows thinking, the reasoning so far, in the
// reasoning fresh of request n: the rest of fresh or, with Sampling, of an
// earlier request's variant that starts with it, the most recent first;
// else fresh after len(thinking) bytes, cut back to a character's start.
func restOfReasoning(sc Script, original, fresh, thinking string, n int) string {
	if rest, ok := strings.CutPrefix(fresh, thinking); ok {
		return rest
	}
	if sc.Sampling && sc.Tokens == nil {
		for i := n - 1; i >= 1; i-- {
			if rest, ok := strings.CutPrefix(Variant(original, i), thinking); ok {
				return rest
			}
		}
	}
	if rest, ok := strings.CutPrefix(original, thinking); ok {
		return rest
	}
	i := min(len(thinking), len(fresh))
	for i > 0 && i < len(fresh) && !utf8.RuneStart(fresh[i]) {
		i--
	}
	return fresh[i:]
}

// ollamaCapabilities are the capabilities /api/show lists for model.
func (sc Script) ollamaCapabilities(model string) []string {
	caps := []string{"completion"}
	if sc.Reasoning != "" && !sc.ThinkUnsupported {
		caps = append(caps, "thinking")
	}
	if sc.sees(model) {
		caps = append(caps, "vision")
	}
	if (sc.ToolCapable || len(sc.ToolCalls) > 0 || sc.ReadFileTool != "") && !sc.ToolsUnsupported {
		caps = append(caps, "tools")
	}
	return caps
}

// ollamaReasoningLines are the NDJSON lines of the reasoning of a resolved
// script ([Server.replyReasoning]), one per token.
func ollamaReasoningLines(sc Script, model string) [][]byte {
	var lines [][]byte
	for _, t := range SplitTokens(sc.echoedBlock, 3) {
		lines = append(lines, ollamaLine(model, t, false, sc, 0))
	}
	for _, t := range SplitTokens(sc.Reasoning, 3) {
		if sc.ReasoningShape == ReasoningInlineTags {
			lines = append(lines, ollamaLine(model, t, false, sc, 0))
			continue
		}
		lines = append(lines, patchJSON(ollamaLine(model, "", false, sc, 0), func(m map[string]any) {
			if msg, ok := m["message"].(map[string]any); ok {
				msg["thinking"] = t
			}
		}))
	}
	return lines
}

// ollamaWholeReasoning puts the reasoning of a resolved script into a
// non-streaming /api/chat object.
func ollamaWholeReasoning(sc Script, obj []byte) []byte {
	if sc.Reasoning == "" && sc.echoedBlock == "" {
		return obj
	}
	return patchJSON(obj, func(m map[string]any) {
		if sc.Reasoning != "" {
			setMessageReasoning(m["message"], sc, "thinking")
		}
		prependEcho(m["message"], sc)
	})
}

// prependEcho puts the echoed <think> block of a [PrefillEcho] reply
// before a decoded message's content.
func prependEcho(msg any, sc Script) {
	if m, ok := msg.(map[string]any); ok && sc.echoedBlock != "" {
		content, _ := m["content"].(string)
		m["content"] = sc.echoedBlock + content
	}
}

// openaiReasoningField is the delta and message field of a resolved
// script's reasoning on /v1.
func openaiReasoningField(sc Script) string {
	switch sc.ReasoningShape {
	case ReasoningOllamaThinking, ReasoningField:
		return "reasoning"
	case ReasoningInlineTags:
		return "content"
	}
	return "reasoning_content"
}

// openaiReasoningLines are the SSE events of the reasoning of a resolved
// script, one per token, after those of an echoed <think> block.
func openaiReasoningLines(sc Script, model string) [][]byte {
	var lines [][]byte
	for _, t := range SplitTokens(sc.echoedBlock, 3) {
		lines = append(lines, openaiChunk(model, []map[string]any{{
			"index": 0, "delta": map[string]any{"content": t}, "finish_reason": nil,
		}}, nil))
	}
	for _, t := range SplitTokens(sc.Reasoning, 3) {
		lines = append(lines, openaiChunk(model, []map[string]any{{
			"index": 0, "delta": map[string]any{openaiReasoningField(sc): t}, "finish_reason": nil,
		}}, nil))
	}
	return lines
}

// openaiWholeReasoning puts the reasoning of a resolved script into a
// non-streaming chat completion.
func openaiWholeReasoning(sc Script, body []byte) []byte {
	if sc.Reasoning == "" && sc.echoedBlock == "" {
		return body
	}
	return patchJSON(body, func(m map[string]any) {
		if choices, _ := m["choices"].([]any); len(choices) > 0 {
			if c, ok := choices[0].(map[string]any); ok {
				if sc.Reasoning != "" {
					setMessageReasoning(c["message"], sc, openaiReasoningField(sc))
				}
				prependEcho(c["message"], sc)
			}
		}
	})
}

// setMessageReasoning sets a decoded message's field to the reasoning, or,
// for ReasoningInlineTags, puts it before the message's content.
func setMessageReasoning(msg any, sc Script, field string) {
	m, ok := msg.(map[string]any)
	if !ok {
		return
	}
	if sc.ReasoningShape == ReasoningInlineTags {
		content, _ := m["content"].(string)
		m["content"] = sc.Reasoning + content
		return
	}
	m[field] = sc.Reasoning
}

// patchJSON decodes the JSON object b, lets edit change it and encodes it
// again, keeping b's trailing newlines. Numbers are kept as written.
func patchJSON(b []byte, edit func(map[string]any)) []byte {
	trail := b[len(bytes.TrimRight(b, "\n")):]
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if dec.Decode(&m) != nil {
		return b
	}
	edit(m)
	out, err := json.Marshal(m)
	if err != nil {
		return b
	}
	return append(out, trail...)
}
