package transfer

import (
	"bufio"
	"fmt"
	"html"
	"strings"

	"brook/backend/store"
	"brook/backend/tools"
)

// toolCallSummary is the one line that stands for a call while it is
// folded: the tool, its server and how it ended.
func toolCallSummary(c store.ToolCall) string {
	s := "Tool call: " + c.Name
	if c.Server != "" {
		s += " (" + c.Server + ")"
	}
	switch c.Status {
	case store.ToolCallPending:
		s += " · not run"
	case store.ToolCallDone:
		if c.IsError {
			s += " · the tool reported an error"
		}
	default:
		s += " · " + strings.ReplaceAll(string(c.Status), "_", " ")
	}
	if c.Truncated {
		s += " · result cut"
	}
	return s
}

// toolCallResult is a call's result as shown; a call that never settled has none.
func toolCallResult(c store.ToolCall) string {
	if c.Status == store.ToolCallPending {
		return "(This call did not run.)"
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
func writeToolCalls(w *bufio.Writer, calls []store.ToolCall) {
	for _, c := range calls {
		fmt.Fprintf(w, "<details><summary>%s</summary>\n\n", html.EscapeString(toolCallSummary(c)))
		args := tools.PrettyArguments(c.Arguments)
		fence := codeFence(args)
		fmt.Fprintf(w, "Arguments:\n\n%sjson\n%s\n%s\n\n", fence, args, fence)
		result := strings.TrimRight(toolCallResult(c), "\n")
		fence = codeFence(result)
		fmt.Fprintf(w, "Result:\n\n%stext\n%s\n%s\n\n</details>\n\n", fence, result, fence)
	}
}

// htmlToolCall is a tool call as the HTML export shows it, folded. The
// template escapes every field: they are untrusted text.
type htmlToolCall struct {
	Summary   string
	Arguments string
	Result    string
}

func htmlToolCalls(calls []store.ToolCall) []htmlToolCall {
	out := make([]htmlToolCall, 0, len(calls))
	for _, c := range calls {
		out = append(out, htmlToolCall{Summary: toolCallSummary(c), Arguments: tools.PrettyArguments(c.Arguments), Result: toolCallResult(c)})
	}
	return out
}
