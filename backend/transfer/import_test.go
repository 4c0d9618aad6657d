package transfer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"brook/backend/store"
)

// parseString parses s with its true size.
func parseString(s string) ([]store.Bundle, Source, error) {
	return Parse(strings.NewReader(s), int64(len(s)))
}

func TestParseChatGPT(t *testing.T) {
	data, err := os.ReadFile("testdata/chatgpt-conversations.json")
	if err != nil {
		t.Fatal(err)
	}
	got, src, err := Parse(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if src != SourceChatGPT {
		t.Errorf("source = %q, want %q", src, SourceChatGPT)
	}
	want := []store.Bundle{
		{
			Conversation: store.Conversation{
				UID: "chatgpt:6741f1c2-8a3c-8009-b5e1-2f0c9d7e4a11", Title: "Flatten a list in Python",
				CreatedAt: 1732186800000, UpdatedAt: 1732186955500, Model: "gpt-4o",
			},
			// Every branch, the one current_node is on shown: the
			// regenerated answer and the edited question, without system,
			// hidden or tool messages; the thoughts before the last answer
			// are its reasoning.
			Messages: []store.Message{
				{
					UID: "chatgpt:aaa3-u1", ShownAt: 1732186955001, Role: store.RoleUser, State: store.StateComplete,
					Content:   "How do I flatten a list of lists in Python?",
					CreatedAt: 1732186800125, UpdatedAt: 1732186800125,
				},
				{
					// An older answer, regenerated since: a version, not shown.
					UID: "chatgpt:aaa4-a1-old", ParentUID: "chatgpt:aaa3-u1", ShownAt: 1732186805500, Role: store.RoleAssistant, State: store.StateComplete,
					Content:   "OLD BRANCH: use sum(lists, []).",
					CreatedAt: 1732186805500, UpdatedAt: 1732186805500, Model: "gpt-4o", EndReason: "stop",
				},
				{
					UID: "chatgpt:aaa7-a1", ParentUID: "chatgpt:aaa3-u1", ShownAt: 1732186955001, Role: store.RoleAssistant, State: store.StateComplete,
					Content: "Use a nested comprehension:\n\n```python\nflat = [x for sub in lists for x in sub]\n```\n\n" +
						"For large inputs, `itertools.chain.from_iterable(lists)` avoids building lists twice.",
					CreatedAt: 1732186809750, UpdatedAt: 1732186809750, Model: "gpt-4o", EndReason: "stop",
				},
				{
					// The question before it was edited: a version, not shown.
					UID: "chatgpt:aaa8-u2-old", ParentUID: "chatgpt:aaa7-a1", ShownAt: 1732186900000, Role: store.RoleUser, State: store.StateComplete,
					Content:   "OLD BRANCH: what about numpy?",
					CreatedAt: 1732186900000, UpdatedAt: 1732186900000,
				},
				{
					UID: "chatgpt:aaa9-u2", ParentUID: "chatgpt:aaa7-a1", ShownAt: 1732186955001, Role: store.RoleUser, State: store.StateComplete,
					Content:   "*[image not imported]*\n\nWhat does this traceback mean?",
					CreatedAt: 1732186950000, UpdatedAt: 1732186950000,
				},
				{
					UID: "chatgpt:aab1-a2", ParentUID: "chatgpt:aaa9-u2", ShownAt: 1732186955001, Role: store.RoleAssistant, State: store.StateStopped,
					Content:   "The traceback says `TypeError: 'int' object is not iterable`: one element of",
					Reasoning: "**Reading**\n\nThe user shows a TypeError.",
					CreatedAt: 1732186955000, UpdatedAt: 1732186955000, Model: "gpt-4o", EndReason: "user_stop",
				},
			},
		},
		{
			Conversation: store.Conversation{
				UID: "chatgpt:67420a55-13c4-800b-a0f2-77d5e3c1b902", Title: "晚饭 ideas 🍝",
				CreatedAt: 1732193120250, UpdatedAt: 1732193131000, Archived: true, Model: "gpt-4o-mini",
			},
			Messages: []store.Message{
				{
					UID: "chatgpt:bbb1-u1", ShownAt: 1732193130001, Role: store.RoleUser, State: store.StateComplete,
					Content:   "晚饭做什么好？要简单一点的。\n\n*[audio not imported]*",
					CreatedAt: 1732193125000, UpdatedAt: 1732193125000,
				},
				{
					UID: "chatgpt:bbb2-a1", ParentUID: "chatgpt:bbb1-u1", ShownAt: 1732193130001, Role: store.RoleAssistant, State: store.StateComplete,
					Content:   "试试**番茄炒蛋**：\n\n| 材料 | 用量 |\n|---|---|\n| 番茄 | 2 个 |\n| 鸡蛋 | 3 个 |",
					CreatedAt: 1732193130000, UpdatedAt: 1732193130000, Model: "gpt-4o-mini", EndReason: "length",
				},
			},
		},
		// The third conversation has only a hidden system message and is left out.
	}
	if !reflect.DeepEqual(got, want) {
		gj, _ := json.MarshalIndent(got, "", "  ")
		t.Fatalf("Parse gave:\n%s", gj)
	}

	// The same file again gives the same UIDs, so the store skips them all.
	again, _, err := Parse(bytes.NewReader(data), -1)
	if err != nil || !reflect.DeepEqual(again, got) {
		t.Fatalf("second parse differs (err %v)", err)
	}
}

// TestParseChatGPTReasoning reads the reasoning of o1, o3 and GPT-5 Thinking
// answers: "thoughts" messages become the Reasoning of the answer after them
// (across tool calls), a "reasoning_recap" its ThinkingMs, and neither
// becomes a message of its own.
func TestParseChatGPTReasoning(t *testing.T) {
	data, err := os.ReadFile("testdata/chatgpt-reasoning.json")
	if err != nil {
		t.Fatal(err)
	}
	got, src, err := Parse(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if src != SourceChatGPT {
		t.Errorf("source = %q, want %q", src, SourceChatGPT)
	}
	want := []store.Bundle{
		{
			Conversation: store.Conversation{
				UID: "chatgpt:68010000-aaaa-8000-8000-000000000001", Title: "Mersenne primes",
				CreatedAt: 1745000000000, UpdatedAt: 1745000201000, Model: "o3",
			},
			Messages: []store.Message{
				{
					UID: "chatgpt:u1", ShownAt: 1745000200001, Role: store.RoleUser, State: store.StateComplete,
					Content: "Is 2^31 − 1 prime?", CreatedAt: 1745000000000, UpdatedAt: 1745000000000,
				},
				{
					UID: "chatgpt:a1", ParentUID: "chatgpt:u1", ShownAt: 1745000200001, Role: store.RoleAssistant, State: store.StateComplete,
					Content: "Yes: 2^31 − 1 = 2147483647 is prime, the Mersenne prime M31.",
					// Both thoughts messages, on either side of the tool call.
					Reasoning: "**Recalling Mersenne primes**\n\n2^31 − 1 = 2147483647 is the Mersenne number M31.\n\n" +
						"**Confirming with the tool**\n\nsympy agrees: it is prime. Euler proved it in 1772, checking primes of the form 62k + 1.\n\n" +
						"**Preparing the answer**",
					// finished_duration_sec, not the text.
					ThinkingMs: 67000,
					CreatedAt:  1745000068000, UpdatedAt: 1745000068000, Model: "o3", EndReason: "stop",
				},
				{
					UID: "chatgpt:u2", ParentUID: "chatgpt:a1", ShownAt: 1745000200001, Role: store.RoleUser, State: store.StateComplete,
					Content: "And 2^32 + 1?", CreatedAt: 1745000100000, UpdatedAt: 1745000100000,
				},
				{
					UID: "chatgpt:a2", ParentUID: "chatgpt:u2", ShownAt: 1745000200001, Role: store.RoleAssistant, State: store.StateComplete,
					Content:    "No: 2^32 + 1 = 641 × 6700417.",
					Reasoning:  "**Factoring F5**\n\nEuler found that 641 divides 2^32 + 1.",
					ThinkingMs: 12000, // from "Thought for 12 seconds"
					CreatedAt:  1745000114000, UpdatedAt: 1745000114000, Model: "o3", EndReason: "stop",
				},
				// The last question was stopped while the model thought: its
				// thoughts have no answer to belong to.
				{
					UID: "chatgpt:u3", ParentUID: "chatgpt:a2", ShownAt: 1745000200001, Role: store.RoleUser, State: store.StateComplete,
					Content: "Quick: is 91 prime?", CreatedAt: 1745000200000, UpdatedAt: 1745000200000,
				},
			},
		},
		{
			Conversation: store.Conversation{
				UID: "chatgpt:67700000-bbbb-8000-8000-000000000002", Title: "A prime in the nineties",
				CreatedAt: 1735000000000, UpdatedAt: 1735000006000, Model: "o1",
			},
			Messages: []store.Message{
				{
					UID: "chatgpt:u1b", ShownAt: 1735000006001, Role: store.RoleUser, State: store.StateComplete,
					Content: "Name a prime between 90 and 100.", CreatedAt: 1735000000000, UpdatedAt: 1735000000000,
				},
				{
					// Only the recap was exported: the time is kept, with no reasoning.
					UID: "chatgpt:a1b", ParentUID: "chatgpt:u1b", ShownAt: 1735000006001, Role: store.RoleAssistant, State: store.StateComplete,
					Content: "97.", ThinkingMs: 5000,
					CreatedAt: 1735000006000, UpdatedAt: 1735000006000, Model: "o1", EndReason: "stop",
				},
			},
		},
	}
	if !reflect.DeepEqual(got, want) {
		gj, _ := json.MarshalIndent(got, "", "  ")
		t.Fatalf("Parse gave:\n%s", gj)
	}
}

// TestParseChatGPTLateThoughts checks thoughts that come after the answer
// of their turn (the model thought again after a tool call but wrote no
// more): they go to that answer.
func TestParseChatGPTLateThoughts(t *testing.T) {
	const file = `[{"id":"c1","title":"t","create_time":1700000000,"current_node":"t2","mapping":{
		"u":{"message":{"id":"u","author":{"role":"user"},"create_time":1700000001,"content":{"content_type":"text","parts":["hi"]}},"parent":null},
		"t1":{"message":{"id":"t1","author":{"role":"assistant"},"content":{"content_type":"thoughts","thoughts":[{"summary":"","content":"Greet back."}]}},"parent":"u"},
		"a":{"message":{"id":"a","author":{"role":"assistant"},"content":{"content_type":"text","parts":["hello"]}},"parent":"t1"},
		"t2":{"message":{"id":"t2","author":{"role":"assistant"},"content":{"content_type":"thoughts","thoughts":[{"summary":"Done"}]}},"parent":"a"}}}]`
	got, _, err := parseString(file)
	if err != nil {
		t.Fatal(err)
	}
	msgs := got[0].Messages
	if len(msgs) != 2 || msgs[1].Content != "hello" || msgs[1].Reasoning != "Greet back.\n\n**Done**" || msgs[1].ThinkingMs != 0 {
		t.Fatalf("messages = %+v", msgs)
	}
}

func TestRecapMs(t *testing.T) {
	for text, want := range map[string]int64{
		"Thought for 12 seconds":    12000,
		"Thought for 1 second":      1000,
		"Thought for 45s":           45000,
		"Thought for 2m 17s":        137000,
		"Worked for 3 minutes":      180000,
		"Thought for 1h 2m":         3720000,
		"6s 동안 생각함":                 6000,
		"Thought for a few seconds": 0,
		"Thought for 500ms":         0,
		"":                          0,
	} {
		if got := recapMs(text); got != want {
			t.Errorf("recapMs(%q) = %d, want %d", text, got, want)
		}
	}
}

func TestParseChatGPTWithoutCurrentNode(t *testing.T) {
	const file = `[{"id":"c1","title":"t","create_time":1700000000,"mapping":{
		"r":{"id":"r","message":null,"parent":null,"children":["u"]},
		"u":{"id":"u","message":{"id":"u","author":{"role":"user"},"create_time":1700000001,"content":{"content_type":"text","parts":["hi"]}},"parent":"r","children":["a1","a2"]},
		"a1":{"id":"a1","message":{"id":"a1","author":{"role":"assistant"},"content":{"content_type":"text","parts":["first try"]}},"parent":"u","children":[]},
		"a2":{"id":"a2","message":{"id":"a2","author":{"role":"assistant"},"content":{"content_type":"text","parts":["second try"]}},"parent":"u","children":[]}}}]`
	got, _, err := parseString(file)
	if err != nil {
		t.Fatal(err)
	}
	// Both answers are kept, as versions; ChatGPT shows the newest branch,
	// the last child, and so does Brook. A message without a time takes
	// the one before it.
	if msgs := got[0].Messages; len(msgs) != 3 || msgs[1].ParentUID != "chatgpt:u" || msgs[2].ParentUID != "chatgpt:u" {
		t.Fatalf("messages = %+v", msgs)
	}
	msgs := store.NewMessageTree(got[0].Messages).Shown()
	if len(msgs) != 2 || msgs[1].Content != "second try" || msgs[1].CreatedAt != 1700000001000 {
		t.Fatalf("shown = %+v", msgs)
	}
}

func TestParseBrookWithoutUIDs(t *testing.T) {
	file := `{"format":"brook","version":1,"exportedAt":"2026-11-21T09:30:00Z","conversations":[
		{"conversation":{"title":"A","createdAt":1000},"messages":[
			{"role":"user","content":"hello","state":"complete","createdAt":1000},
			{"role":"assistant","content":"hi","state":"streaming","createdAt":1001}]},
		{"conversation":{"title":"B","createdAt":2000},"messages":[]}]}`
	first, _, err := parseString(file)
	if err != nil {
		t.Fatal(err)
	}
	second, _, err := parseString(file)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(first, second) {
		t.Fatal("parsing the same file twice gave different UIDs")
	}
	c, m := first[0].Conversation, first[0].Messages
	if !strings.HasPrefix(c.UID, "sha256:") || c.UID == first[1].Conversation.UID || m[0].UID == m[1].UID {
		t.Fatalf("UIDs not derived or not distinct: %q %q %q %q", c.UID, first[1].Conversation.UID, m[0].UID, m[1].UID)
	}
	// Missing update times default to creation times.
	if c.UpdatedAt != 1000 || m[1].UpdatedAt != 1001 {
		t.Errorf("updatedAt = %d, %d", c.UpdatedAt, m[1].UpdatedAt)
	}
	// An answer exported mid-stream can never finish here.
	if m[1].State != store.StateInterrupted || m[1].Content != "hi" {
		t.Errorf("streaming answer imported as %q %q", m[1].State, m[1].Content)
	}

	changed, _, err := parseString(strings.Replace(file, `"hello"`, `"hello!"`, 1))
	if err != nil {
		t.Fatal(err)
	}
	if changed[0].Conversation.UID == c.UID {
		t.Error("different content gave the same conversation UID")
	}
}

func TestParseAcceptsBOMAndSlowReader(t *testing.T) {
	data := export(t, FormatJSON, fixtureBundles())
	withBOM := append([]byte("\xef\xbb\xbf"), data...)
	// One byte per read splits every multi-byte character across reads.
	got, _, err := Parse(iotest.OneByteReader(bytes.NewReader(withBOM)), -1)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1].Conversation.Title != "東京の週末プラン" {
		t.Fatalf("got %d bundles", len(got))
	}
}

var errDisk = errors.New("input/output error")

// TestParseErrors checks that each kind of bad file gets its own error, says
// where the problem is, and yields no bundles.
func TestParseErrors(t *testing.T) {
	valid := string(export(t, FormatJSON, fixtureBundles()))
	conv := func(s string) string {
		return `{"format":"brook","version":1,"conversations":[` + s + `]}`
	}
	msg := func(s string) string {
		return conv(`{"conversation":{"uid":"c","createdAt":1},"messages":[` + s + `]}`)
	}
	for _, tc := range []struct {
		name  string
		input string
		size  int64 // 0 means len(input)
		limit int64 // 0 means MaxImportSize
		want  error
		text  string // a part of the message
		// reader, when set, is read instead of input.
		reader io.Reader
	}{
		{name: "empty", input: "", want: ErrEmpty},
		{name: "blank, size unknown", input: " \n\t ", size: -1, want: ErrEmpty},
		{name: "too large by size", input: "{}", size: MaxImportSize + 1, want: ErrTooLarge, text: "larger than 512 MB"},
		{name: "too large while reading", input: valid, size: -1, limit: 1000, want: ErrTooLarge},
		{name: "size lies", input: valid, size: 10, limit: 1000, want: ErrTooLarge},
		{name: "malformed", input: `{"format":"brook","version":1,"conversations":[{"conversation":{]}`, want: ErrMalformed, text: "at byte 64"},
		{name: "malformed array", input: `[{"mapping":{}},,]`, want: ErrMalformed, text: "at byte 16"},
		{name: "truncated", input: valid[:len(valid)/2], want: ErrTruncated, text: fmt.Sprintf("(byte %d)", len(valid)/2)},
		{name: "truncated between tokens", input: `{"format":"brook",`, want: ErrTruncated},
		{name: "truncated in format", input: `{"format":"bro`, want: ErrTruncated},
		{name: "binary", input: "\x89PNG\r\n\x1a\n\x00\x00", want: ErrUnknownFormat, text: "not a JSON file"},
		{name: "read failure", size: -1, want: errDisk, text: "Brook could not read the file",
			reader: io.MultiReader(strings.NewReader(`[{"id":`), iotest.ErrReader(errDisk))},
		{name: "trailing data", input: valid + "{}", want: ErrMalformed, text: fmt.Sprintf("ends at byte %d", len(valid)-1)},
		{name: "not JSON", input: "# My notes\n", want: ErrUnknownFormat, text: "not a JSON file"},
		{name: "zip", input: "PK\x03\x04\x14\x00\x00\x00", want: ErrUnknownFormat, text: "ZIP"},
		{name: "other object", input: `{"name":"x","items":[1,2]}`, want: ErrUnknownFormat},
		{name: "other format", input: `{"format":"slack","version":1}`, want: ErrUnknownFormat, text: `"slack"`},
		{name: "other array", input: `[1,2,3]`, want: ErrUnknownFormat},
		{name: "array of other objects", input: `[{"name":"x"}]`, want: ErrUnknownFormat},
		{name: "newer version", input: `{"format":"brook","version":3,"conversations":[{"new":"shape"}]}`, want: ErrUnsupportedVersion, text: "version 3"},
		{name: "odd version", input: `{"format":"brook","version":0.5,"conversations":[]}`, want: ErrInvalid},
		{name: "no version", input: `{"format":"brook","conversations":[]}`, want: ErrInvalid, text: "version"},
		{name: "no conversations field", input: `{"format":"brook","version":1}`, want: ErrInvalid, text: "conversations"},
		{name: "no conversations", input: conv(""), want: ErrNoConversations},
		{name: "empty ChatGPT export", input: `[]`, want: ErrNoConversations},
		{name: "invalid UTF-8", input: conv(`{"conversation":{"title":"caf` + "\xe9" + `"}}`), want: ErrInvalidUTF8, text: "at 76"},
		{name: "unknown field", input: conv(`{"conversation":{"uid":"c","createdAt":1,"apiKey":"sk-x"},"messages":[]}`), want: ErrInvalid, text: "apiKey"},
		{name: "wrong type", input: conv(`{"conversation":{"uid":"c","createdAt":"yesterday"},"messages":[]}`), want: ErrInvalid, text: "conversation 1: the file has invalid data: conversation.createdAt should be a JSON integer, not string, ending at byte 97"},
		{name: "missing messages", input: conv(`{"conversation":{"uid":"c","createdAt":1}}`), want: ErrInvalid, text: `"messages" is missing`},
		{name: "missing createdAt", input: conv(`{"conversation":{"uid":"c"},"messages":[]}`), want: ErrInvalid, text: "createdAt"},
		{name: "bad role", input: msg(`{"role":"robot","state":"complete","createdAt":1}`), want: ErrInvalid, text: `message 1: unknown role "robot"`},
		{name: "bad state", input: msg(`{"role":"assistant","state":"done","createdAt":1}`), want: ErrInvalid, text: `unknown state "done"`},
		{name: "failed user message", input: msg(`{"role":"user","state":"failed","createdAt":1}`), want: ErrInvalid},
		{name: "missing state", input: msg(`{"role":"user","createdAt":1}`), want: ErrInvalid, text: `"state" is missing`},
		{name: "duplicate conversation", input: conv(`{"conversation":{"uid":"c","createdAt":1},"messages":[]},{"conversation":{"uid":"c","createdAt":2},"messages":[]}`), want: ErrInvalid, text: "used twice"},
		{name: "duplicate message", input: msg(`{"uid":"m","role":"user","state":"complete","createdAt":1},{"uid":"m","role":"user","state":"complete","createdAt":2}`), want: ErrInvalid, text: "used twice"},
		{name: "ChatGPT loop", input: `[{"id":"x","create_time":1,"mapping":{"a":{"parent":"b"},"b":{"parent":"a"}},"current_node":"a"}]`, want: ErrInvalid, text: "loop"},
		{name: "ChatGPT unknown current node", input: `[{"id":"x","create_time":1,"mapping":{"a":{}},"current_node":"zz"}]`, want: ErrInvalid, text: `"zz"`},
		{name: "ChatGPT wrong type", input: `[{"id":"x","mapping":{},"create_time":"noon"}]`, want: ErrInvalid, text: "conversation 1: the file has invalid data: create_time should be a JSON number, not string"},
		{name: "ChatGPT thoughts not a list", input: chatgptReasoning(`{"content_type":"thoughts","thoughts":"deep"}`), want: ErrInvalid,
			text: `conversation 1 (“t”): the file has invalid data: message "t1": "thoughts" should be a list`},
		{name: "ChatGPT thought of wrong type", input: chatgptReasoning(`{"content_type":"thoughts","thoughts":[{"summary":1}]}`), want: ErrInvalid, text: `"thoughts" should be a list`},
		{name: "ChatGPT recap not text", input: chatgptReasoning(`{"content_type":"reasoning_recap","content":{"seconds":3}}`), want: ErrInvalid,
			text: `message "t1": the reasoning recap "content" should be a text`},
		{name: "ChatGPT second element broken", input: `[{"id":"x","mapping":{}},{"id":"y"}]`, want: ErrInvalid, text: "conversation 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			size, limit := tc.size, tc.limit
			if size == 0 {
				size = int64(len(tc.input))
			}
			if limit == 0 {
				limit = MaxImportSize
			}
			var r io.Reader = strings.NewReader(tc.input)
			if tc.reader != nil {
				r = tc.reader
			}
			got, src, err := parse(r, size, limit)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error = %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.text) {
				t.Errorf("error %q does not say %q", err, tc.text)
			}
			if got != nil || src != "" {
				t.Errorf("returned %d bundles and source %q with the error", len(got), src)
			}
		})
	}
}

// chatgptReasoning is a ChatGPT export whose one conversation has a
// question, an assistant message t1 with the given content, and an answer.
func chatgptReasoning(content string) string {
	return `[{"id":"x","title":"t","create_time":1,"current_node":"a","mapping":{
		"u":{"message":{"id":"u","author":{"role":"user"},"content":{"content_type":"text","parts":["q"]}},"parent":null},
		"t1":{"message":{"id":"t1","author":{"role":"assistant"},"content":` + content + `},"parent":"u"},
		"a":{"message":{"id":"a","author":{"role":"assistant"},"content":{"content_type":"text","parts":["a"]}},"parent":"t1"}}},
		{"id":"y","title":"fine","create_time":1,"mapping":{"m":{"message":{"id":"m","author":{"role":"user"},"content":{"content_type":"text","parts":["ok"]}}}}}]`
}

// TestParseStopsAtLimit checks that an endless input is not read past the
// limit, whatever size claimed.
func TestParseStopsAtLimit(t *testing.T) {
	endless := io.MultiReader(strings.NewReader(`[{"title":"`), infiniteReader('a'))
	counter := &countingReader{r: endless}
	_, _, err := parse(counter, -1, 1<<20)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("error = %v, want ErrTooLarge", err)
	}
	if counter.n > 1<<20+64<<10 {
		t.Errorf("read %d bytes with a limit of %d", counter.n, 1<<20)
	}
}

type infiniteReader byte

func (b infiniteReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// TestParseBrookVersion1MakesVersions: a file written before message
// versions is a list; an answer right after another answer (a Regenerate)
// becomes a version of it, the newer shown, as the store's migration does.
func TestParseBrookVersion1MakesVersions(t *testing.T) {
	file := `{"format":"brook","version":1,"exportedAt":"2026-11-21T09:30:00Z","conversations":[
		{"conversation":{"uid":"c","title":"t","createdAt":1},"messages":[
			{"uid":"q1","role":"user","content":"q1","state":"complete","createdAt":1},
			{"uid":"a1","role":"assistant","content":"a1","state":"interrupted","createdAt":2},
			{"uid":"a1b","role":"assistant","content":"a1 again","state":"complete","createdAt":3},
			{"uid":"q2","role":"user","content":"q2","state":"complete","createdAt":4}]}]}`
	got, _, err := parseString(file)
	if err != nil {
		t.Fatal(err)
	}
	msgs := got[0].Messages
	parents := []string{msgs[0].ParentUID, msgs[1].ParentUID, msgs[2].ParentUID, msgs[3].ParentUID}
	if !slices.Equal(parents, []string{"", "q1", "q1", "a1b"}) {
		t.Fatalf("parents = %q", parents)
	}
	shown := store.NewMessageTree(msgs).Shown()
	if len(shown) != 3 || shown[1].UID != "a1b" || shown[2].UID != "q2" {
		t.Fatalf("shown = %+v", shown)
	}
}

// TestParseBrookRefusesABrokenTree: a message must follow an earlier one.
func TestParseBrookRefusesABrokenTree(t *testing.T) {
	for name, messages := range map[string]string{
		"a parent that comes later": `{"uid":"a","parentUid":"q","role":"assistant","state":"complete","createdAt":2},
			{"uid":"q","role":"user","state":"complete","createdAt":1}`,
		"an unknown parent": `{"uid":"q","parentUid":"nowhere","role":"user","state":"complete","createdAt":1}`,
		"its own parent":    `{"uid":"q","parentUid":"q","role":"user","state":"complete","createdAt":1}`,
	} {
		t.Run(name, func(t *testing.T) {
			file := `{"format":"brook","version":2,"exportedAt":"2026-11-21T09:30:00Z","conversations":[
				{"conversation":{"uid":"c","title":"t","createdAt":1},"messages":[` + messages + `]}]}`
			if _, _, err := parseString(file); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "earlier message") {
				t.Fatalf("err = %v, want ErrInvalid naming the earlier message", err)
			}
		})
	}
}
