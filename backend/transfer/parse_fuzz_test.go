package transfer

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"brook/backend/provider"
	"brook/backend/store"
)

// FuzzParseBrookJSON parses mutated Brook exports. Whatever the bytes, Parse
// either refuses them with an error and no conversations, or returns
// conversations the store accepts as they are.
func FuzzParseBrookJSON(f *testing.F) {
	addFuzzSeeds(f, "testdata/export.json.golden", "testdata/export-one.json.golden")
	for _, s := range []string{
		`{"format":"brook","version":1,"conversations":[{"conversation":{"title":"A","createdAt":1000},"messages":[{"role":"user","content":"hi","state":"complete","createdAt":1000}]}]}`,
		`{"format":"brook","version":1,"conversations":[{"conversation":{"title":"","uid":" ","createdAt":1,"params":{"temperature":-1,"think":"maybe"}},"messages":[]}]}`,
		`{"format":"brook","version":1,"conversations":[{"conversation":{"title":"t","createdAt":1},"messages":[{"role":"assistant","content":"\ud800 caf\u00e9","state":"streaming","createdAt":1,"uid":"\t"}]}]}`,
		`{"format":"brook","version":2,"conversations":[]}`,
		`{"version":1,"format":"brook","conversations":[],"conversations":[]}`,
		"\xef\xbb\xbf{\"format\":\"brook\",\"version\":1,\"conversations\":[{\"conversation\":{\"title\":\"caf\xe9\"}}]}",
		`{"format":"brook"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, data) })
}

// FuzzParseChatGPT parses mutated ChatGPT conversations.json files, with
// the same promise as [FuzzParseBrookJSON].
func FuzzParseChatGPT(f *testing.F) {
	addFuzzSeeds(f, "testdata/chatgpt-conversations.json", "testdata/chatgpt-reasoning.json")
	for _, s := range []string{
		`[{"id":"c","title":"t","create_time":1700000000,"mapping":{"m":{"message":{"id":"m","author":{"role":"user"},"content":{"content_type":"text","parts":["ok"]}}}}}]`,
		`[{"id":"c","title":null,"create_time":1e300,"update_time":-5,"current_node":"b","mapping":{"a":{"children":["b"],"message":{"author":{"role":"user"},"create_time":1e30,"content":{"content_type":"text","parts":["q"]}}},"b":{"parent":"a","message":{"author":{"role":"assistant"},"content":{"content_type":"text","parts":["a",{"content_type":"image_asset_pointer"}]}}}}}]`,
		`[{"title":"loop","create_time":1,"current_node":"a","mapping":{"a":{"parent":"b"},"b":{"parent":"a"}}}]`,
		`[{"title":"x","create_time":1,"mapping":{"":{"message":{"author":{"role":"assistant"},"content":{"content_type":"thoughts","thoughts":[{"summary":"s","content":"c"}]}}}}}]`,
		`[{"title":"r","create_time":1,"current_node":"r","mapping":{"r":{"message":{"author":{"role":"assistant"},"metadata":{"finished_duration_sec":1e308},"content":{"content_type":"reasoning_recap","content":"Thought for 99999999999 hours"}}}}}]`,
		`[1,2,3]`,
		`[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, data) })
}

// addFuzzSeeds adds the files and, for each, versions of it cut short, with
// a byte that is not UTF-8, and with a structural character changed.
func addFuzzSeeds(f *testing.F, paths ...string) {
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		for _, n := range []int{len(data) / 3, len(data) / 2, len(data) - 2} {
			f.Add(bytes.Clone(data[:n]))
		}
		bad := bytes.Clone(data)
		bad[len(bad)/2] = 0xff
		f.Add(bad)
		if i := bytes.LastIndexByte(data, ']'); i > 0 {
			bad := bytes.Clone(data)
			bad[i] = '}'
			f.Add(bad)
		}
		f.Add(bytes.Replace(data, []byte(`"title": "`), []byte(`"title": null, "x": "`), 1))
	}
}

// checkParse parses data twice and checks the promises of [Parse].
func checkParse(t *testing.T, data []byte) {
	bundles, source, err := Parse(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if bundles != nil || source != "" {
			t.Fatalf("error %v with %d bundles of source %q", err, len(bundles), source)
		}
		if !utf8.ValidString(err.Error()) {
			t.Fatalf("error message is not valid UTF-8: %q", err.Error())
		}
		return
	}
	// Invalid UTF-8 anywhere is refused, never decoded into replacement characters.
	if !utf8.Valid(data) {
		t.Fatalf("invalid UTF-8 accepted, giving %d conversations", len(bundles))
	}
	if len(bundles) == 0 {
		t.Fatalf("no error and no conversations")
	}
	if source != SourceBrook && source != SourceChatGPT {
		t.Fatalf("source %q", source)
	}
	seen, seenMsg := map[string]bool{}, map[string]bool{}
	for i, b := range bundles {
		if err := storeAccepts(b); err != nil {
			t.Fatalf("bundle %d: the store would refuse it: %v\n%+v", i, err, b)
		}
		if err := validStrings(reflect.ValueOf(b)); err != nil {
			t.Fatalf("bundle %d: %v", i, err)
		}
		if seen[b.Conversation.UID] {
			t.Fatalf("bundle %d: conversation uid %q twice", i, b.Conversation.UID)
		}
		seen[b.Conversation.UID] = true
		c := b.Conversation
		if c.ID != 0 || c.CreatedAt <= 0 || c.UpdatedAt <= 0 {
			t.Fatalf("bundle %d: id %d, created %d, updated %d", i, c.ID, c.CreatedAt, c.UpdatedAt)
		}
		for j, m := range b.Messages {
			if seenMsg[m.UID] {
				t.Fatalf("bundle %d, message %d: uid %q twice", i, j, m.UID)
			}
			seenMsg[m.UID] = true
			if m.ID != 0 || m.ConversationID != 0 || m.CreatedAt <= 0 || m.UpdatedAt <= 0 {
				t.Fatalf("bundle %d, message %d: id %d, conversation %d, created %d, updated %d",
					i, j, m.ID, m.ConversationID, m.CreatedAt, m.UpdatedAt)
			}
			if m.State == store.StateStreaming {
				t.Fatalf("bundle %d, message %d: still streaming", i, j)
			}
			if m.ThinkingMs < 0 || m.FirstTokenMs < 0 || m.TokensPerSecond < 0 || m.PromptTokens < 0 || m.CompletionTokens < 0 {
				t.Fatalf("bundle %d, message %d: a negative number: %+v", i, j, m)
			}
			if source == SourceChatGPT && m.UpdatedAt < m.CreatedAt {
				t.Fatalf("bundle %d, message %d: updated %d before created %d", i, j, m.UpdatedAt, m.CreatedAt)
			}
		}
	}
	// The same file gives the same conversations, UIDs included.
	again, source2, err := Parse(bytes.NewReader(data), -1)
	if err != nil || source2 != source || !reflect.DeepEqual(again, bundles) {
		t.Fatalf("a second parse differs: %v", err)
	}
}

// storeAccepts is what [store.Store.Import] checks of a bundle before it
// writes anything (store.validateBundle), so that a parsed file is never
// refused by the store with a less helpful message.
func storeAccepts(b store.Bundle) error {
	c := b.Conversation
	if strings.TrimSpace(c.UID) == "" {
		return errors.New("conversation has no uid")
	}
	if strings.TrimSpace(c.Title) == "" {
		return errors.New("conversation has no title")
	}
	p := c.Params
	if p.Temperature != nil && (math.IsNaN(*p.Temperature) || math.IsInf(*p.Temperature, 0) || *p.Temperature < 0) {
		return fmt.Errorf("temperature %v", *p.Temperature)
	}
	if p.ContextLength < 0 || p.MaxTokens < 0 {
		return errors.New("negative context length or max tokens")
	}
	if !provider.ValidThink(p.Think) {
		return fmt.Errorf("think %q", p.Think)
	}
	uids := map[string]bool{}
	for j, m := range b.Messages {
		if strings.TrimSpace(m.UID) == "" {
			return fmt.Errorf("message %d has no uid", j)
		}
		if uids[m.UID] {
			return fmt.Errorf("message %d: uid %q twice", j, m.UID)
		}
		uids[m.UID] = true
		switch m.Role {
		case store.RoleSystem, store.RoleUser, store.RoleAssistant:
		default:
			return fmt.Errorf("message %d: role %q", j, m.Role)
		}
		switch m.State {
		case store.StateComplete, store.StateInterrupted, store.StateStopped, store.StateFailed:
		case store.StateStreaming:
			if m.Role != store.RoleAssistant {
				return fmt.Errorf("message %d: a streaming %s message", j, m.Role)
			}
		default:
			return fmt.Errorf("message %d: state %q", j, m.State)
		}
	}
	return nil
}

// validStrings reports a string anywhere in v that is not valid UTF-8.
func validStrings(v reflect.Value) error {
	switch v.Kind() {
	case reflect.String:
		if !utf8.ValidString(v.String()) {
			return fmt.Errorf("invalid UTF-8 %q", v.String())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if err := validStrings(v.Field(i)); err != nil {
				return fmt.Errorf("%s: %w", v.Type().Field(i).Name, err)
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			if err := validStrings(v.Index(i)); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			return validStrings(v.Elem())
		}
	}
	return nil
}
