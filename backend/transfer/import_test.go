package transfer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
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
			// The branch current_node is on: the regenerated answer and the
			// edited question, without system, hidden, tool or reasoning messages.
			Messages: []store.Message{
				{
					UID: "chatgpt:aaa3-u1", Role: store.RoleUser, State: store.StateComplete,
					Content:   "How do I flatten a list of lists in Python?",
					CreatedAt: 1732186800125, UpdatedAt: 1732186800125,
				},
				{
					UID: "chatgpt:aaa7-a1", Role: store.RoleAssistant, State: store.StateComplete,
					Content: "Use a nested comprehension:\n\n```python\nflat = [x for sub in lists for x in sub]\n```\n\n" +
						"For large inputs, `itertools.chain.from_iterable(lists)` avoids building lists twice.",
					CreatedAt: 1732186809750, UpdatedAt: 1732186809750, Model: "gpt-4o", EndReason: "stop",
				},
				{
					UID: "chatgpt:aaa9-u2", Role: store.RoleUser, State: store.StateComplete,
					Content:   "*[image not imported]*\n\nWhat does this traceback mean?",
					CreatedAt: 1732186950000, UpdatedAt: 1732186950000,
				},
				{
					UID: "chatgpt:aab1-a2", Role: store.RoleAssistant, State: store.StateStopped,
					Content:   "The traceback says `TypeError: 'int' object is not iterable`: one element of",
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
					UID: "chatgpt:bbb1-u1", Role: store.RoleUser, State: store.StateComplete,
					Content:   "晚饭做什么好？要简单一点的。\n\n*[audio not imported]*",
					CreatedAt: 1732193125000, UpdatedAt: 1732193125000,
				},
				{
					UID: "chatgpt:bbb2-a1", Role: store.RoleAssistant, State: store.StateComplete,
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
	// ChatGPT shows the newest branch, the last child; a message without a
	// time takes the one before it.
	msgs := got[0].Messages
	if len(msgs) != 2 || msgs[1].Content != "second try" || msgs[1].CreatedAt != 1700000001000 {
		t.Fatalf("messages = %+v", msgs)
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
		{name: "too large by size", input: "{}", size: MaxImportSize + 1, want: ErrTooLarge, text: "512 MiB"},
		{name: "too large while reading", input: valid, size: -1, limit: 1000, want: ErrTooLarge},
		{name: "size lies", input: valid, size: 10, limit: 1000, want: ErrTooLarge},
		{name: "malformed", input: `{"format":"brook","version":1,"conversations":[{"conversation":{]}`, want: ErrMalformed, text: "at byte 64"},
		{name: "malformed array", input: `[{"mapping":{}},,]`, want: ErrMalformed, text: "at byte 16"},
		{name: "truncated", input: valid[:len(valid)/2], want: ErrTruncated, text: fmt.Sprintf("(byte %d)", len(valid)/2)},
		{name: "truncated between tokens", input: `{"format":"brook",`, want: ErrTruncated},
		{name: "truncated in format", input: `{"format":"bro`, want: ErrTruncated},
		{name: "binary", input: "\x89PNG\r\n\x1a\n\x00\x00", want: ErrUnknownFormat, text: "not a JSON file"},
		{name: "read failure", size: -1, want: errDisk, text: "reading the file",
			reader: io.MultiReader(strings.NewReader(`[{"id":`), iotest.ErrReader(errDisk))},
		{name: "trailing data", input: valid + "{}", want: ErrMalformed, text: fmt.Sprintf("ends at byte %d", len(valid)-1)},
		{name: "not JSON", input: "# My notes\n", want: ErrUnknownFormat, text: "not a JSON file"},
		{name: "zip", input: "PK\x03\x04\x14\x00\x00\x00", want: ErrUnknownFormat, text: "ZIP"},
		{name: "other object", input: `{"name":"x","items":[1,2]}`, want: ErrUnknownFormat},
		{name: "other format", input: `{"format":"slack","version":1}`, want: ErrUnknownFormat, text: `"slack"`},
		{name: "other array", input: `[1,2,3]`, want: ErrUnknownFormat},
		{name: "array of other objects", input: `[{"name":"x"}]`, want: ErrUnknownFormat},
		{name: "newer version", input: `{"format":"brook","version":2,"conversations":[{"new":"shape"}]}`, want: ErrUnsupportedVersion, text: "version 2"},
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
		{name: "bad role", input: msg(`{"role":"robot","state":"complete","createdAt":1}`), want: ErrInvalid, text: `message 1: the file has invalid data: unknown role "robot"`},
		{name: "bad state", input: msg(`{"role":"assistant","state":"done","createdAt":1}`), want: ErrInvalid, text: `unknown state "done"`},
		{name: "failed user message", input: msg(`{"role":"user","state":"failed","createdAt":1}`), want: ErrInvalid},
		{name: "missing state", input: msg(`{"role":"user","createdAt":1}`), want: ErrInvalid, text: `"state" is missing`},
		{name: "duplicate conversation", input: conv(`{"conversation":{"uid":"c","createdAt":1},"messages":[]},{"conversation":{"uid":"c","createdAt":2},"messages":[]}`), want: ErrInvalid, text: "used twice"},
		{name: "duplicate message", input: msg(`{"uid":"m","role":"user","state":"complete","createdAt":1},{"uid":"m","role":"user","state":"complete","createdAt":2}`), want: ErrInvalid, text: "used twice"},
		{name: "ChatGPT loop", input: `[{"id":"x","create_time":1,"mapping":{"a":{"parent":"b"},"b":{"parent":"a"}},"current_node":"a"}]`, want: ErrInvalid, text: "loop"},
		{name: "ChatGPT unknown current node", input: `[{"id":"x","create_time":1,"mapping":{"a":{}},"current_node":"zz"}]`, want: ErrInvalid, text: `"zz"`},
		{name: "ChatGPT wrong type", input: `[{"id":"x","mapping":{},"create_time":"noon"}]`, want: ErrInvalid, text: "conversation 1: the file has invalid data: create_time should be a JSON number, not string"},
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
