package transfer

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"brook/backend/guard"
	"brook/backend/i18n"
	"brook/backend/provider"
	"brook/backend/store"
)

const (
	// brookFormat is the "format" value that marks a Brook export.
	brookFormat = "brook"
	// brookVersion is the version of the Brook format this package writes.
	// It reads every version from 1: version 2 added message versions (a
	// message's "parentUid" and "shownAt"); a version 1 file is a list, read
	// as the store's migration reads one (see linearParents).
	brookVersion = 2
)

// brookDocument is the top level of a Brook JSON export. Conversations are
// [store.Bundle] values as they are, so every field of a conversation and
// its messages is kept, a message's reasoning and thinking time included.
// Fields added since version 1 (such as "reasoning", "thinkingMs" and
// params "think") are left out when empty, so a file that does not use them
// is still read by an older Brook; one that does is refused by it with the
// unknown field named, rather than imported with the field lost. Their database IDs are written too but mean nothing
// to another database: [Parse] drops them.
type brookDocument struct {
	Format        string         `json:"format"`
	Version       int            `json:"version"`
	ExportedAt    string         `json:"exportedAt"`
	Conversations []store.Bundle `json:"conversations"`
}

// jsonWriter writes Brook's JSON format one conversation at a time. Its
// output is byte for byte what encoding/json makes of the whole
// brookDocument with two-space indentation and HTML escaping off: the
// header, each conversation indented as an element of "conversations",
// then the closing brackets.
type jsonWriter struct {
	w   *bufio.Writer
	now time.Time
	n   int // conversations written
	buf bytes.Buffer
}

func (j *jsonWriter) begin() error {
	j.w.WriteString("{\n  \"format\": ")
	if err := j.value(brookFormat, ""); err != nil {
		return err
	}
	fmt.Fprintf(j.w, ",\n  \"version\": %d,\n  \"exportedAt\": ", brookVersion)
	if err := j.value(j.now.UTC().Format(time.RFC3339), ""); err != nil {
		return err
	}
	j.w.WriteString(",\n  \"conversations\": [")
	return nil
}

func (j *jsonWriter) add(b store.Bundle) error {
	// A nil slice would be written as null, which Parse rightly refuses.
	if b.Messages == nil {
		b.Messages = []store.Message{}
	}
	if j.n > 0 {
		j.w.WriteByte(',')
	}
	j.n++
	j.w.WriteString("\n    ")
	if err := j.value(b, "    "); err != nil {
		return err
	}
	return j.w.Flush()
}

func (j *jsonWriter) end() error {
	if j.n > 0 {
		j.w.WriteString("\n  ")
	}
	j.w.WriteString("]\n}\n")
	return j.w.Flush()
}

// value writes v as JSON indented for its place in the document, at depth
// prefix, without a trailing newline.
func (j *jsonWriter) value(v any, prefix string) error {
	j.buf.Reset()
	enc := json.NewEncoder(&j.buf)
	enc.SetIndent(prefix, "  ")
	// The file is data, never served as HTML: keep <, > and & readable.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := j.w.Write(bytes.TrimSuffix(j.buf.Bytes(), []byte("\n")))
	return err
}

// validateBrook checks one decoded conversation of a Brook file and prepares
// it for the store: database IDs are dropped, missing UIDs are derived from
// the content so that importing the same file twice finds the same UIDs, and
// an answer still streaming at export time becomes interrupted.
// index is the conversation's position in the file, for error messages.
func validateBrook(b *store.Bundle, index, version int) error {
	c := &b.Conversation
	where := whereConversation(index, c.Title)
	if b.Messages == nil {
		return invalidAt(where, "Transfer.missingKey", i18n.Args{"Key": "messages"})
	}
	if c.CreatedAt <= 0 {
		return invalidAt(where, "Transfer.missingKey", i18n.Args{"Key": "createdAt"})
	}
	if c.UpdatedAt < 0 || c.Params.ContextLength < 0 || c.Params.MaxTokens < 0 {
		return invalidAt(where, "Transfer.negative", nil)
	}
	// What the store would refuse is refused here, with the place named.
	if t := c.Params.Temperature; t != nil && *t < 0 {
		return invalidAt(where, "Transfer.negativeTemperature", nil)
	}
	if !provider.ValidThink(c.Params.Think) {
		return invalidAt(where, "Transfer.unknownThink", i18n.Args{"Value": strconv.Quote(truncate(c.Params.Think, 40))})
	}
	if strings.TrimSpace(c.Title) == "" {
		c.Title = titleOf(wordsFor(""), *c) // the store needs a title
	}
	if c.UpdatedAt == 0 {
		c.UpdatedAt = c.CreatedAt
	}
	// A project comes by its UID and an assistant by its name alone.
	c.ID, c.ProjectID, c.AssistantID = 0, 0, 0
	if b.Project != nil {
		if err := b.Project.Check(); err != nil {
			return invalidAt(where, "Transfer.at", i18n.Args{"Err": strings.TrimPrefix(err.Error(), "store: ")})
		}
		if err := tidyDocuments(b.Project.Knowledge, knowledgeDocumentWords); err != nil {
			return fmt.Errorf("%s: %w: %v", where, ErrInvalid, err)
		}
	}
	if err := store.CheckBundleTools(b.Tools); err != nil {
		return invalidAt(where, "Transfer.at", i18n.Args{"Err": strings.TrimPrefix(err.Error(), "store: ")})
	}
	if strings.TrimSpace(c.UID) == "" {
		c.UID = contentUID(b)
	}
	for j := range b.Messages {
		m := &b.Messages[j]
		mwhere := whereMessage(where, j)
		switch m.Role {
		case store.RoleUser, store.RoleAssistant, store.RoleSystem:
		case "":
			return invalidAt(mwhere, "Transfer.missingKey", i18n.Args{"Key": "role"})
		default:
			return invalidAt(mwhere, "Transfer.unknownRole", i18n.Args{"Value": strconv.Quote(truncate(string(m.Role), 40))})
		}
		switch m.State {
		case store.StateComplete:
		case store.StateStreaming, store.StateInterrupted, store.StateStopped, store.StateFailed:
			if m.Role != store.RoleAssistant {
				return invalidAt(mwhere, "Transfer.roleState", i18n.Args{"Role": string(m.Role), "State": string(m.State)})
			}
		case "":
			return invalidAt(mwhere, "Transfer.missingKey", i18n.Args{"Key": "state"})
		default:
			return invalidAt(mwhere, "Transfer.unknownState", i18n.Args{"Value": strconv.Quote(truncate(string(m.State), 40))})
		}
		if m.CreatedAt <= 0 {
			return invalidAt(mwhere, "Transfer.missingKey", i18n.Args{"Key": "createdAt"})
		}
		if m.UpdatedAt < 0 || m.FirstTokenMs < 0 || m.ThinkingMs < 0 || m.TokensPerSecond < 0 || m.PromptTokens < 0 || m.CompletionTokens < 0 {
			return invalidAt(mwhere, "Transfer.negative", nil)
		}
		if m.UpdatedAt == 0 {
			m.UpdatedAt = m.CreatedAt
		}
		if m.State == store.StateStreaming {
			// No stream will ever finish it here; this is what the store does
			// at start-up with answers a crash left streaming.
			m.State = store.StateInterrupted
		}
		m.ID, m.ConversationID = 0, 0
		if len(m.Images) > 0 && m.Role != store.RoleUser {
			return invalidAt(mwhere, "Transfer.imagesNotUser", nil)
		}
		if err := guard.ImageCount(len(m.Images)); err != nil {
			return invalidAt(mwhere, "Transfer.at", i18n.Args{"Err": err})
		}
		for k := range m.Images {
			img := &m.Images[k]
			checked, err := guard.Image(img.Name, img.MIME, img.Data)
			if err != nil {
				return invalidAt(mwhere, "Transfer.atImage", i18n.Args{"N": strconv.Itoa(k + 1), "Err": err})
			}
			*img = store.Image{Name: checked.Name, MIME: checked.MIME, Width: checked.Width, Height: checked.Height,
				Size: int64(len(checked.Data)), Data: checked.Data}
		}
		if err := checkDocuments(m); err != nil {
			return invalidAt(mwhere, "Transfer.at", i18n.Args{"Err": err})
		}
		if strings.TrimSpace(m.UID) == "" {
			m.UID = messageUID(c.UID, j, m)
		}
		// Shown on screen only, never part of a conversation.
		m.ParentID, m.Versions, m.Unsaved = 0, nil, ""
	}
	if version < 2 {
		linearParents(b.Messages)
		return nil
	}
	seen := make(map[string]bool, len(b.Messages))
	for j, m := range b.Messages {
		if m.ParentUID != "" && !seen[m.ParentUID] {
			return invalidAt(whereMessage(where, j), "Transfer.parentNotEarlier", i18n.Args{"Value": strconv.Quote(truncate(m.ParentUID, 40))})
		}
		seen[m.UID] = true
	}
	return nil
}

// linearParents turns a list of messages, as Brook kept them before message
// versions, into a tree, as the store's migration to version 12 does: each
// message follows the one before it, except that an answer right after
// another answer (a Regenerate added it) is a version of that one, under the
// same question. The newest version is the one shown.
func linearParents(msgs []store.Message) {
	lastOther := "" // the UID of the last message that is not an answer
	for i := range msgs {
		m := &msgs[i]
		switch {
		case i == 0:
			m.ParentUID = ""
		case m.Role == store.RoleAssistant:
			m.ParentUID = lastOther
		default:
			m.ParentUID = msgs[i-1].UID
		}
		if m.Role != store.RoleAssistant {
			lastOther = m.UID
		}
		m.ShownAt = int64(i + 1)
	}
}

// checkUnique reports a UID used twice in one file: the store would keep only
// one of them, or refuse the whole import.
func checkUnique(bundles []store.Bundle) error {
	seen := make(map[string]bool)
	// Named by title: skipped empty conversations make indexes misleading.
	for _, b := range bundles {
		if seen[b.Conversation.UID] {
			return invalidAt(i18n.T("Transfer.whereTitle", i18n.Args{"Title": truncate(b.Conversation.Title, 40)}), "Transfer.uidTwice", i18n.Args{"Value": strconv.Quote(truncate(b.Conversation.UID, 40))})
		}
		seen[b.Conversation.UID] = true
	}
	clear(seen)
	for _, b := range bundles {
		for j, m := range b.Messages {
			if seen[m.UID] {
				return invalidAt(whereMessage(i18n.T("Transfer.whereTitle", i18n.Args{"Title": truncate(b.Conversation.Title, 40)}), j), "Transfer.uidTwice", i18n.Args{"Value": strconv.Quote(truncate(m.UID, 40))})
			}
			seen[m.UID] = true
		}
	}
	return nil
}

// contentUID derives a conversation UID from what the conversation says and
// when, for files whose conversations have none. The same content always
// gives the same UID, which is what keeps a second import from duplicating.
func contentUID(b *store.Bundle) string {
	h := sha256.New()
	field := func(s string) {
		// Length-prefixed, so that ("ab","c") and ("a","bc") differ.
		fmt.Fprintf(h, "%d:%s", len(s), s)
	}
	field(b.Conversation.Title)
	field(strconv.FormatInt(b.Conversation.CreatedAt, 10))
	for _, m := range b.Messages {
		field(string(m.Role))
		field(strconv.FormatInt(m.CreatedAt, 10))
		field(m.Content)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)[:16])
}

// messageUID derives a message UID from its conversation's UID, its position
// and its content.
func messageUID(convUID string, index int, m *store.Message) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%d:%s|%d|%s|%d|%s", len(convUID), convUID, index, m.Role, m.CreatedAt, m.Content))
	return "sha256:" + hex.EncodeToString(sum[:16])
}

// truncate shortens s to at most n runes for an error message.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
