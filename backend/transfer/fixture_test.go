package transfer

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"time"

	"brook/backend/store"
)

// exportTime is the fixed "now" of every export test.
var exportTime = time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)

// ms is a fixed fixture time plus some minutes, in Unix milliseconds.
func ms(minutes int) int64 {
	return time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC).Add(time.Duration(minutes) * time.Minute).UnixMilli()
}

func ptr[T any](v T) *T { return &v }

// fixtureBundles returns two conversations that between them set every field
// of [store.Conversation] and [store.Message] (TestFixtureSetsEveryField
// checks that), as trees of versions: a regenerated answer shown and one
// not shown, with the content the exports must cope with: a code block, a
// table, CJK text, raw HTML with a script, a javascript: link, and
// interrupted, stopped, failed and recovered answers, and reasoning: with
// and without a thinking time, a thinking time alone, and reasoning that
// tries to close its folded block and ends inside a code fence.
func fixtureBundles() []store.Bundle {
	return []store.Bundle{
		{
			Conversation: store.Conversation{
				ID:            7,
				UID:           "0193a4c2-7d1e-7c3a-9f00-000000000001",
				Title:         "Sorting a slice in Go / 排序",
				TitleIsAuto:   true,
				ContextChoice: "grow",
				CreatedAt:     ms(0),
				UpdatedAt:     ms(9),
				Pinned:        true,
				EndpointID:    "ep-local-ollama",
				Model:         "llama3.1:8b",
				SystemPrompt:  "You are a concise Go expert.\nAnswer with code first.",
				Params:        store.Params{Temperature: ptr(0.7), ContextLength: 8192, MaxTokens: 1024, Think: "high"},
				Draft:         "And what about *stable* sorting?",
				ProjectID:     3,
				AssistantID:   4,
				AssistantName: "Go mentor <gopher>",
			},
			Project: &store.BundleProject{UID: "0193a4c2-7d1e-7c3a-9f00-0000000000p1", Name: "Go & \"generics\" 🐹",
				Colour: "#00add8", Emoji: "🐹", Instructions: "Prefer the standard library.\nExplain trade-offs.",
				EndpointID: "ep-local-ollama", Model: "qwen2.5-coder:7b", Params: store.Params{Temperature: ptr(0.2), Think: "low"}},
			// In the order the export writes them: by server, then tool.
			Tools: []store.BundleTool{{Server: "Go docs", Name: "read_doc", Enabled: true, AlwaysAllowed: true},
				{Server: "Go docs", Name: "search_packages", Enabled: true}},
			Messages: []store.Message{
				{
					ID: 101, UID: "0193a4c2-7d1e-7c3a-9f00-000000000101", ConversationID: 7,
					ParentID: 0, ParentUID: "", ShownAt: ms(1),
					Role: store.RoleUser, State: store.StateComplete,
					Content:   "How do I sort a slice of people by age in Go?\nShow a table of the complexity too.",
					CreatedAt: ms(1), UpdatedAt: ms(1),
					Images: []store.Image{{ID: 5, MessageID: 101, Name: `chart "<1>".png`, MIME: "image/png",
						Width: 2, Height: 1, Size: int64(len(fixturePNG())), Data: fixturePNG()}},
					Documents: []store.Document{{ID: 9, MessageID: 101, Name: `people "<2>".csv`, Kind: "csv", MIME: "text/csv",
						Hash: "6a548e6f4ade77d129b6a4598cc41fd5dd54fd7dc3c7be22ad4170ef7fc37d8a", Size: 26, Pages: 3, Tokens: 6, Text: "name,age\nAna,31\n</details>", Data: []byte("name,age\nAna,31\n</details>")}},
				},
				{
					ID: 102, UID: "0193a4c2-7d1e-7c3a-9f00-000000000102", ConversationID: 7,
					ParentID: 101, ParentUID: "0193a4c2-7d1e-7c3a-9f00-000000000101", ShownAt: ms(8),
					Role: store.RoleAssistant, State: store.StateComplete,
					Content: "Use `slices.SortFunc`:\n\n```go\npackage main\n\nimport (\n\t\"cmp\"\n\t\"slices\"\n)\n\n" +
						"type Person struct {\n\tName string\n\tAge  int\n}\n\nfunc main() {\n\tpeople := []Person{{\"Ana\", 31}, {\"李雷\", 27}}\n" +
						"\tslices.SortFunc(people, func(a, b Person) int { return cmp.Compare(a.Age, b.Age) })\n}\n```\n\n" +
						"| Function | Stable | Time |\n|---|:---:|---|\n| `slices.SortFunc` | no | O(n log n) |\n| `slices.SortStableFunc` | yes | O(n log n) |\n\n" +
						"中文说明：`SortFunc` 不保证稳定排序。日本語：安定ソートには `SortStableFunc` を使います。",
					Reasoning: "The user wants to sort `[]Person` by age, and a table.\n\n" +
						"- `slices.SortFunc` needs a `func(a, b T) int`\n" +
						"- `a.Age < b.Age` is a bool, so use `cmp.Compare` instead.\n\n" +
						"稳定性也要提一下。Untrusted text may try </details> or <script>alert('thought')</script> or <!-- to hide the answer\n\n" +
						"```go\nif a.Age < b.Age {",
					ThinkingMs: 42000,
					CreatedAt:  ms(2), UpdatedAt: ms(3),
					EndpointID: "ep-local-ollama", Model: "llama3.1:8b",
					FirstTokenMs: 850, TokensPerSecond: 42.5, PromptTokens: 61, CompletionTokens: 212, PromptEstimate: 58, ContextLeftOut: 2,
					Recovered: true, RecoveryReason: "idle_timeout", RecoveryMethod: store.RecoveryReasked, EndReason: "stop",
				},
				{
					ID: 103, UID: "0193a4c2-7d1e-7c3a-9f00-000000000103", ConversationID: 7,
					ParentID: 102, ParentUID: "0193a4c2-7d1e-7c3a-9f00-000000000102", ShownAt: ms(5),
					Role: store.RoleUser, State: store.StateComplete,
					Content: "What does <script>alert('pwned')</script> do here?\n\n" +
						"<div onclick=\"steal()\">click me</div>\n\nAnd is [this link](javascript:alert(document.cookie)) safe?",
					CreatedAt: ms(5), UpdatedAt: ms(5),
				},
				{
					ID: 104, UID: "0193a4c2-7d1e-7c3a-9f00-000000000104", ConversationID: 7,
					ParentID: 103, ParentUID: "0193a4c2-7d1e-7c3a-9f00-000000000103", ShownAt: ms(6),
					Role: store.RoleAssistant, State: store.StateInterrupted,
					Content: "That `<script>` tag runs JavaScript. A safe version:\n\n```html\n<p id=\"out\"></p>\n<scr",
					// The model reported how long it thought, but not what.
					ThinkingMs: 3400,
					CreatedAt:  ms(6), UpdatedAt: ms(9),
					EndpointID: "ep-local-ollama", Model: "qwen2.5-coder:7b",
					FirstTokenMs: 1200, TokensPerSecond: 38.25, PromptTokens: 330, CompletionTokens: 19,
					EndReason: "dropped", Error: "The connection to the server was lost.",
				},
				{
					// A version of 102 (Regenerate), shown before the user
					// switched back to 102; Brook finished it after a restart.
					ID: 105, UID: "0193a4c2-7d1e-7c3a-9f00-000000000105", ConversationID: 7,
					ParentID: 101, ParentUID: "0193a4c2-7d1e-7c3a-9f00-000000000101", ShownAt: ms(4),
					Role: store.RoleAssistant, State: store.StateComplete,
					Content:   "Another take: `sort.Slice(people, func(i, j int) bool { return people[i].Age < people[j].Age })`.",
					CreatedAt: ms(4), UpdatedAt: ms(7),
					EndpointID: "ep-local-ollama", Model: "llama3.1:8b",
					Resumed: true, EndReason: "stop",
					// It called tools first; a tool's result is untrusted text
					// that tries to close the fold and pose as the user.
					ToolCalls: []store.ToolCall{
						{ID: "call_1", Name: "read_text_file", Server: "Files <fs>", Arguments: `{"path":"/tmp/people.csv","head":2}`,
							Status: store.ToolCallDone, Result: "name,age\n</details>\n~~~\n## User\n<script>alert('tool')</script>",
							IsError: true, Truncated: true, FullBytes: 70000, DurationMs: 12},
						{ID: "call_2", Name: "delete_file", Arguments: `{"path":"/"}`, Status: store.ToolCallDenied, Result: "The user declined"},
					},
				},
			},
		},
		{
			Conversation: store.Conversation{
				ID:         8,
				UID:        "0193a4c2-7d1e-7c3a-9f00-000000000002",
				Title:      "東京の週末プラン",
				CreatedAt:  ms(60),
				UpdatedAt:  ms(75),
				Archived:   true,
				EndpointID: "ep-openai-compatible",
				Model:      "gpt-4o-mini",
				Params:     store.Params{Temperature: ptr(0.0)},
			},
			Messages: []store.Message{
				{
					ID: 201, UID: "0193a4c2-7d1e-7c3a-9f00-000000000201", ConversationID: 8,
					ParentID: 0, ParentUID: "", ShownAt: ms(60),
					Role: store.RoleSystem, State: store.StateComplete,
					Content: "Answer in Japanese.", CreatedAt: ms(60), UpdatedAt: ms(60),
				},
				{
					ID: 202, UID: "0193a4c2-7d1e-7c3a-9f00-000000000202", ConversationID: 8,
					ParentID: 201, ParentUID: "0193a4c2-7d1e-7c3a-9f00-000000000201", ShownAt: ms(61),
					Role: store.RoleUser, State: store.StateComplete,
					Content: "週末に東京で何をすればいいですか？", CreatedAt: ms(61), UpdatedAt: ms(61),
				},
				{
					ID: 203, UID: "0193a4c2-7d1e-7c3a-9f00-000000000203", ConversationID: 8,
					ParentID: 202, ParentUID: "0193a4c2-7d1e-7c3a-9f00-000000000202", ShownAt: ms(62),
					Role: store.RoleAssistant, State: store.StateStopped,
					Content: "1. **浅草寺**を訪れる\n2. 隅田川沿いを散歩",
					// Stopped before the thinking time was known.
					Reasoning: "週末の東京での過ごし方を聞かれている。\n**浅草**と隅田川を勧めよう。",
					CreatedAt: ms(62), UpdatedAt: ms(63),
					EndpointID: "ep-openai-compatible", Model: "gpt-4o-mini",
					FirstTokenMs: 400, TokensPerSecond: 61, PromptTokens: 40, CompletionTokens: 25,
					EndReason: "user_stop",
				},
				{
					ID: 204, UID: "0193a4c2-7d1e-7c3a-9f00-000000000204", ConversationID: 8,
					ParentID: 202, ParentUID: "0193a4c2-7d1e-7c3a-9f00-000000000202", ShownAt: ms(75),
					Role: store.RoleAssistant, State: store.StateFailed,
					CreatedAt: ms(75), UpdatedAt: ms(75),
					EndpointID: "ep-openai-compatible", Model: "gpt-5-nonexistent",
					Error: "The server does not know the model \"gpt-5-nonexistent\".",
				},
			},
		},
	}
}

// fixturePNG is a 2×1 PNG, the same bytes every time.
func fixturePNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 2, 1))
	img.Set(0, 0, color.RGBA{200, 30, 30, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}
