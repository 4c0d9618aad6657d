package transfer

import (
	"bufio"
	"fmt"
	"html"
	"strings"

	"brook/backend/i18n"
	"brook/backend/store"
	"brook/backend/tools"
)

// toolCallSummary is the one line that stands for a call while it is
// folded: the tool, its server and how it ended.
func toolCallSummary(w wording, c store.ToolCall) string {
	s := w.t("Export.toolCall", i18n.Args{"Name": c.Name})
	if c.Server != "" {
		s += " (" + c.Server + ")"
	}
	switch c.Status {
	case store.ToolCallPending:
		s += " · " + w.t("Export.toolNotRun", nil)
	case store.ToolCallDone:
		if c.IsError {
			s += " · " + w.t("Export.toolReportedError", nil)
		}
	case store.ToolCallDenied:
		s += " · " + w.t("Export.toolDenied", nil)
	case store.ToolCallFailed:
		s += " · " + w.t("Export.toolFailed", nil)
	case store.ToolCallTimedOut:
		s += " · " + w.t("Export.toolTimedOut", nil)
	case store.ToolCallCancelled:
		s += " · " + w.t("Export.toolCancelled", nil)
	case store.ToolCallUnknownTool:
		s += " · " + w.t("Export.toolUnknown", nil)
	case store.ToolCallBadArgs:
		s += " · " + w.t("Export.toolBadArguments", nil)
	case store.ToolCallSkipped:
		s += " · " + w.t("Export.toolSkipped", nil)
	default:
		// A status of a newer Brook: its code, as data.
		s += " · " + strings.ReplaceAll(string(c.Status), "_", " ")
	}
	if c.Truncated {
		s += " · " + w.t("Export.toolResultCut", nil)
	}
	return s
}

// toolCallResult is a call's result as shown; a call that never settled has none.
func toolCallResult(w wording, c store.ToolCall) string {
	if c.Status == store.ToolCallPending {
		return w.t("Export.toolDidNotRun", nil)
	}
	return c.Result
}

// codeFence is a fence of tildes longer than any run of tildes in s, so
// that nothing in s can close the block early.
func codeFence(s string) string {
	longest, run := 0, 0
	for _, r := range s {
		if r == '~' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("~", max(3, longest+1))
}

// writeToolCalls writes an answer's tool calls, each folded in a <details>
// element, with its arguments and its result as code blocks. Both are the
// model's and the tool's untrusted text: in a fenced block nothing in them
// is read as Markdown or HTML, so they cannot close the <details> or pose
// as the conversation.
func writeToolCalls(w *bufio.Writer, words wording, calls []store.ToolCall) {
	for _, c := range calls {
		fmt.Fprintf(w, "<details><summary>%s</summary>\n\n", html.EscapeString(toolCallSummary(words, c)))
		args := tools.PrettyArguments(c.Arguments)
		fence := codeFence(args)
		fmt.Fprintf(w, "%s\n\n%sjson\n%s\n%s\n\n", html.EscapeString(words.t("Export.argumentsColon", nil)), fence, args, fence)
		result := strings.TrimRight(toolCallResult(words, c), "\n")
		fence = codeFence(result)
		fmt.Fprintf(w, "%s\n\n%stext\n%s\n%s\n\n</details>\n\n", html.EscapeString(words.t("Export.resultColon", nil)), fence, result, fence)
	}
}

// htmlToolCall is a tool call as the HTML export shows it, folded. The
// template escapes every field: they are untrusted text.
type htmlToolCall struct {
	Summary   string
	Arguments string
	Result    string
	// ArgumentsLabel and ResultLabel introduce the two.
	ArgumentsLabel, ResultLabel string
}

func htmlToolCalls(w wording, calls []store.ToolCall) []htmlToolCall {
	out := make([]htmlToolCall, 0, len(calls))
	for _, c := range calls {
		out = append(out, htmlToolCall{Summary: toolCallSummary(w, c), Arguments: tools.PrettyArguments(c.Arguments), Result: toolCallResult(w, c),
			ArgumentsLabel: w.t("Export.arguments", nil), ResultLabel: w.t("Export.result", nil)})
	}
	return out
}
