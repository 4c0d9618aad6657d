package transfer

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"brook/backend/chat"
	"brook/backend/i18n"
	"brook/backend/store"
)

// chatgptConversation is one element of ChatGPT's conversations.json, with
// only the fields Brook uses. Unknown fields are ignored: OpenAI adds new
// ones often.
type chatgptConversation struct {
	ID             string                 `json:"id"`
	ConversationID string                 `json:"conversation_id"`
	Title          *string                `json:"title"`
	CreateTime     *float64               `json:"create_time"`
	UpdateTime     *float64               `json:"update_time"`
	Mapping        map[string]chatgptNode `json:"mapping"`
	CurrentNode    string                 `json:"current_node"`
	IsArchived     bool                   `json:"is_archived"`
	DefaultModel   string                 `json:"default_model_slug"`
}

// chatgptNode is one node of a conversation's tree of messages. Editing a
// message or regenerating an answer adds a sibling branch.
type chatgptNode struct {
	ID       string          `json:"id"`
	Message  *chatgptMessage `json:"message"`
	Parent   *string         `json:"parent"`
	Children []string        `json:"children"`
}

type chatgptMessage struct {
	ID     string `json:"id"`
	Author struct {
		Role string `json:"role"`
	} `json:"author"`
	CreateTime *float64 `json:"create_time"`
	UpdateTime *float64 `json:"update_time"`
	Content    struct {
		ContentType string            `json:"content_type"`
		Parts       []json.RawMessage `json:"parts"`
		// Thoughts are what a reasoning model (o1, o3, GPT-5 Thinking)
		// thought, in a "thoughts" message before its answer; Recap is the
		// "Thought for 12 seconds" of the "reasoning_recap" message after
		// them. Both are decoded only for those content types, so other
		// types may use the same names for anything.
		Thoughts json.RawMessage `json:"thoughts"`
		Recap    json.RawMessage `json:"content"`
	} `json:"content"`
	// Recipient is "all" for what the user sees; anything else (such as
	// "python" or "browser") is the model talking to a tool.
	Recipient string `json:"recipient"`
	Metadata  struct {
		Hidden        bool   `json:"is_visually_hidden_from_conversation"`
		ModelSlug     string `json:"model_slug"`
		FinishDetails *struct {
			Type string `json:"type"`
		} `json:"finish_details"`
		// FinishedDuration is how long the model reasoned, in seconds, on
		// a "reasoning_recap" message of newer exports.
		FinishedDuration *float64 `json:"finished_duration_sec"`
	} `json:"metadata"`
}

// chatgptThought is one step of a "thoughts" message: a short title and
// what was thought.
type chatgptThought struct {
	Summary string `json:"summary"`
	Content string `json:"content"`
}

// parseChatGPT decodes a ChatGPT conversations.json whose opening bracket is
// next in dec, one conversation at a time.
func parseChatGPT(dec *json.Decoder, rec *recorder) ([]store.Bundle, error) {
	if err := expectDelim(dec, '[', ""); err != nil {
		return nil, err
	}
	var bundles []store.Bundle
	for i := 0; dec.More(); i++ {
		where := whereConversation(i, "")
		var c chatgptConversation
		start := dec.InputOffset()
		if err := decode(dec, rec, &c); err != nil {
			// The first element decides whether this is a ChatGPT file at
			// all: an array of anything but objects is not. The decoder has
			// read the whole element before finding a wrong type in it.
			if data := rec.from(start); i == 0 && errors.Is(err, ErrInvalid) {
				j := skipSpace(data, 0)
				if j < len(data) && data[j] != '{' {
					return nil, i18n.Kind(ErrUnknownFormat, "Transfer.notChatGPT", nil)
				}
			}
			return nil, &contextError{where, err}
		}
		if c.Mapping == nil {
			if i == 0 {
				return nil, i18n.Kind(ErrUnknownFormat, "Transfer.notChatGPTNoMapping", nil)
			}
			return nil, invalidAt(where, "Transfer.missingKey", i18n.Args{"Key": "mapping"})
		}
		b, err := convertChatGPT(&c)
		if err != nil {
			return nil, i18n.Wrap("Transfer.at", err, i18n.Args{"Where": whereConversation(i, c.title())})
		}
		// A conversation with nothing the user could see is not worth a row.
		if len(b.Messages) > 0 {
			bundles = append(bundles, b)
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	return bundles, nil
}

func (c *chatgptConversation) title() string {
	if c.Title == nil || strings.TrimSpace(*c.Title) == "" {
		return i18n.T("Transfer.untitled", nil)
	}
	return oneLine(*c.Title)
}

// convertChatGPT turns one ChatGPT conversation into a bundle that keeps
// every branch: each edit of a question and each regenerated answer becomes
// a version of the message it replaced, and the branch the user last saw
// (the path to current_node) is the one shown. Each branch from the root to
// a leaf is read as ChatGPT shows it (see chatgptMessages); the branches
// share the messages they have in common.
func convertChatGPT(c *chatgptConversation) (store.Bundle, error) {
	branches, err := chatgptBranches(c)
	if err != nil {
		return store.Bundle{}, err
	}
	current, err := chatgptPath(c)
	if err != nil {
		return store.Bundle{}, err
	}
	created := seconds(c.CreateTime)
	conv := store.Conversation{
		Title:     c.title(), // the store needs one: ChatGPT's may be null
		CreatedAt: created,
		UpdatedAt: max(seconds(c.UpdateTime), created),
		Archived:  c.IsArchived,
		Model:     c.DefaultModel,
	}
	id := c.ID
	if id == "" {
		id = c.ConversationID
	}
	var msgs []store.Message
	index := map[string]int{} // by UID
	for _, branch := range branches {
		converted, err := chatgptMessages(branch, created)
		if err != nil {
			return store.Bundle{}, err
		}
		parent := ""
		for _, m := range converted {
			// A message met on another branch is the same one, unless this
			// branch made it otherwise (an answer a tool call split, which
			// went on differently): then it is a version of its own.
			uid := m.UID
			for n := 2; ; n++ {
				i, seen := index[uid]
				if !seen {
					m.UID, m.ParentUID = uid, parent
					index[uid] = len(msgs)
					msgs = append(msgs, m)
					break
				}
				if msgs[i].ParentUID == parent && msgs[i].Content == m.Content && msgs[i].Reasoning == m.Reasoning {
					break
				}
				uid = m.UID + "#" + strconv.Itoa(n)
			}
			parent = uid
		}
	}
	if len(msgs) == 0 {
		return store.Bundle{Conversation: conv}, nil
	}
	shown, err := chatgptMessages(current, created)
	if err != nil {
		return store.Bundle{}, err
	}
	if conv.CreatedAt == 0 {
		conv.CreatedAt = msgs[0].CreatedAt
	}
	if conv.CreatedAt == 0 {
		return store.Bundle{}, i18n.Kind(ErrInvalid, "Transfer.noTime", nil)
	}
	// ChatGPT shows the newest branch unless the user chose another; the
	// branch to current_node is shown at every level.
	newest := conv.CreatedAt
	for i := range msgs {
		if msgs[i].CreatedAt == 0 {
			msgs[i].CreatedAt, msgs[i].UpdatedAt = conv.CreatedAt, conv.CreatedAt
		}
		msgs[i].ShownAt = msgs[i].CreatedAt
		newest = max(newest, msgs[i].CreatedAt)
	}
	for _, m := range shown {
		if i, ok := index[m.UID]; ok {
			msgs[i].ShownAt = newest + 1
		}
	}
	conv.UpdatedAt = max(conv.UpdatedAt, conv.CreatedAt)
	for _, m := range msgs {
		conv.UpdatedAt = max(conv.UpdatedAt, m.UpdatedAt)
	}
	if conv.Model == "" {
		for _, m := range slices.Backward(store.NewMessageTree(msgs).Shown()) {
			if m.Model != "" {
				conv.Model = m.Model
				break
			}
		}
	}
	b := store.Bundle{Conversation: conv, Messages: msgs}
	if id != "" {
		b.Conversation.UID = "chatgpt:" + id
	} else {
		b.Conversation.UID = "chatgpt:" + contentUID(&b)
	}
	return b, nil
}

// chatgptMessages reads one branch of a ChatGPT conversation, from its root,
// as ChatGPT shows it. System, tool and hidden messages are left out, and
// so are the model's messages to its tools; consecutive answers (split by a
// tool call) become one. Each message's UID comes from the first ChatGPT
// message it holds, so the branches that share it agree on it.
//
// A reasoning model's "thoughts" and "reasoning_recap" messages do not
// become messages: the thoughts become the Reasoning of the answer that
// follows them and the recap its ThinkingMs. Thoughts with no answer after
// them in their turn (the user stopped the model while it thought) go to
// the turn's previous answer if it has one, and are dropped otherwise.
func chatgptMessages(path []*chatgptNode, created int64) ([]store.Message, error) {
	var msgs []store.Message
	// The reasoning of the current turn not yet given to an answer.
	var thoughts []string
	var thinkingMs int64
	// giveReasoning adds the pending reasoning to the answer p.
	giveReasoning := func(p *store.Message) {
		if len(thoughts) > 0 {
			if p.Reasoning != "" {
				thoughts = append([]string{p.Reasoning}, thoughts...)
			}
			p.Reasoning = strings.Join(thoughts, "\n\n")
		}
		p.ThinkingMs += thinkingMs
		thoughts, thinkingMs = nil, 0
	}
	// endTurn gives reasoning left over at the end of a turn to its last
	// answer, if the turn has one.
	endTurn := func() {
		if n := len(msgs); n > 0 && msgs[n-1].Role == store.RoleAssistant {
			giveReasoning(&msgs[n-1])
		}
		thoughts, thinkingMs = nil, 0
	}
	for _, node := range path {
		m := node.Message
		if m == nil || m.Metadata.Hidden || (m.Recipient != "" && m.Recipient != "all") {
			continue
		}
		role := store.Role(m.Author.Role)
		if role != store.RoleUser && role != store.RoleAssistant {
			continue // system prompts and tool output
		}
		if role == store.RoleAssistant {
			switch m.Content.ContentType {
			case "thoughts":
				t, err := chatgptThoughts(m)
				if err != nil {
					return nil, err
				}
				if t != "" {
					thoughts = append(thoughts, t)
				}
				continue
			case "reasoning_recap":
				ms, err := chatgptRecap(m)
				if err != nil {
					return nil, err
				}
				thinkingMs += ms
				continue
			}
		}
		if m.Content.ContentType != "text" && m.Content.ContentType != "multimodal_text" {
			continue // code sent to tools, memory and the like
		}
		text := chatgptText(m.Content.Parts)
		if strings.TrimSpace(text) == "" {
			continue
		}
		if role == store.RoleUser {
			endTurn()
		}
		at := seconds(m.CreateTime)
		if at == 0 && len(msgs) > 0 {
			at = msgs[len(msgs)-1].CreatedAt // keeps the order
		}
		if at == 0 {
			at = created
		}
		msg := store.Message{
			Role:      role,
			Content:   text,
			State:     store.StateComplete,
			CreatedAt: at,
			UpdatedAt: max(seconds(m.UpdateTime), at),
		}
		if role == store.RoleAssistant {
			msg.Model = m.Metadata.ModelSlug
			if fd := m.Metadata.FinishDetails; fd != nil {
				switch fd.Type {
				case "stop":
					msg.EndReason = string(chat.EndStop)
				case "max_tokens":
					msg.EndReason = string(chat.EndLength)
				case "interrupted":
					msg.State, msg.EndReason = store.StateStopped, string(chat.EndUserStop)
				}
			}
			if prev := len(msgs) - 1; prev >= 0 && msgs[prev].Role == store.RoleAssistant {
				// One answer that a tool call split in two.
				p := &msgs[prev]
				giveReasoning(p)
				p.Content += "\n\n" + text
				p.UpdatedAt = max(p.UpdatedAt, msg.UpdatedAt)
				if msg.EndReason != "" {
					p.State, p.EndReason = msg.State, msg.EndReason
				}
				if p.Model == "" {
					p.Model = msg.Model
				}
				continue
			}
		}
		if role == store.RoleAssistant {
			giveReasoning(&msg)
		}
		uid := m.ID
		if uid == "" {
			uid = node.ID
		}
		msg.UID = "chatgpt:" + uid
		msgs = append(msgs, msg)
	}
	endTurn()
	for i := range msgs {
		if msgs[i].UID == "chatgpt:" {
			// Neither the message nor its node has an id: derive one from
			// the branch up to it, the same on every branch that shares it.
			h := sha256.New()
			for _, m := range msgs[:i+1] {
				fmt.Fprintf(h, "%d:%s|%d|", len(m.Content), m.Content, m.CreatedAt)
			}
			msgs[i].UID = "chatgpt:" + hex.EncodeToString(h.Sum(nil)[:16])
		}
	}
	return msgs, nil
}

// chatgptPath returns the nodes from the root to current_node. Without a
// current_node it follows the newest child from the root, which is what
// ChatGPT shows by default.
func chatgptPath(c *chatgptConversation) ([]*chatgptNode, error) {
	node := func(id string) *chatgptNode {
		n, ok := c.Mapping[id]
		if !ok {
			return nil
		}
		if n.ID == "" {
			n.ID = id
		}
		return &n
	}
	var path []*chatgptNode
	seen := make(map[string]bool)
	if c.CurrentNode != "" {
		for id := c.CurrentNode; id != ""; {
			n := node(id)
			if n == nil {
				if id == c.CurrentNode {
					return nil, i18n.Kind(ErrInvalid, "Transfer.currentNodeMissing", i18n.Args{"ID": strconv.Quote(truncate(id, 40))})
				}
				break // a missing root: keep what leads to it
			}
			if seen[id] {
				return nil, i18n.Kind(ErrInvalid, "Transfer.loop", i18n.Args{"ID": strconv.Quote(truncate(id, 40))})
			}
			seen[id] = true
			path = append(path, n)
			if n.Parent == nil {
				break
			}
			id = *n.Parent
		}
		slices.Reverse(path)
		return path, nil
	}
	// Sorted so that the result does not depend on map order.
	ids := slices.Sorted(func(yield func(string) bool) {
		for id := range c.Mapping {
			if !yield(id) {
				return
			}
		}
	})
	var root *chatgptNode
	for _, id := range ids {
		if n := node(id); n.Parent == nil || *n.Parent == "" {
			root = n
			break
		}
	}
	for n := root; n != nil; {
		if seen[n.ID] {
			return nil, i18n.Kind(ErrInvalid, "Transfer.loop", i18n.Args{"ID": strconv.Quote(truncate(n.ID, 40))})
		}
		seen[n.ID] = true
		path = append(path, n)
		if len(n.Children) == 0 {
			break
		}
		n = node(n.Children[len(n.Children)-1])
	}
	return path, nil
}

// maxChatGPTBranches bounds the branches of one conversation that are read:
// a real one has a few dozen, and each is read from its root.
const maxChatGPTBranches = 10_000

// chatgptBranches returns every path from a root of the conversation's tree
// to a leaf, in the order of the nodes' children (the order they were made).
func chatgptBranches(c *chatgptConversation) ([][]*chatgptNode, error) {
	ids := slices.Sorted(maps.Keys(c.Mapping)) // so the result does not depend on map order
	node := func(id string) *chatgptNode {
		n, ok := c.Mapping[id]
		if !ok {
			return nil
		}
		if n.ID == "" {
			n.ID = id
		}
		return &n
	}
	// A node's children are those it lists, then any other node that names
	// it as its parent (files that only link parents).
	childrenOf := make(map[string][]string, len(ids))
	for _, id := range ids {
		childrenOf[id] = append(childrenOf[id], c.Mapping[id].Children...)
	}
	for _, id := range ids {
		if p := c.Mapping[id].Parent; p != nil && *p != "" && !slices.Contains(childrenOf[*p], id) {
			childrenOf[*p] = append(childrenOf[*p], id)
		}
	}
	var branches [][]*chatgptNode
	visited := make(map[string]bool, len(ids))
	var walk func(n *chatgptNode, path []*chatgptNode) error
	walk = func(n *chatgptNode, path []*chatgptNode) error {
		if visited[n.ID] {
			return i18n.Kind(ErrInvalid, "Transfer.loop", i18n.Args{"ID": strconv.Quote(truncate(n.ID, 40))})
		}
		visited[n.ID] = true
		path = append(path, n)
		var children []*chatgptNode
		for _, id := range childrenOf[n.ID] {
			if child := node(id); child != nil {
				children = append(children, child)
			}
		}
		if len(children) == 0 {
			if len(branches) == maxChatGPTBranches {
				return i18n.Kind(ErrInvalid, "Transfer.tooManyBranches", i18n.Args{"Count": maxChatGPTBranches})
			}
			branches = append(branches, slices.Clone(path))
			return nil
		}
		for _, child := range children {
			if err := walk(child, path); err != nil {
				return err
			}
		}
		return nil
	}
	for _, id := range ids {
		n := node(id)
		root := n.Parent == nil || *n.Parent == ""
		if !root {
			_, hasParent := c.Mapping[*n.Parent]
			root = !hasParent // a missing root: keep what leads to it
		}
		if root {
			if err := walk(n, nil); err != nil {
				return nil, err
			}
		}
	}
	return branches, nil
}

// chatgptText joins the text parts of a message. Other parts (images,
// audio, files) cannot be imported; a note in the text says where one was.
func chatgptText(parts []json.RawMessage) string {
	var texts []string
	for _, p := range parts {
		var s string
		if err := json.Unmarshal(p, &s); err == nil {
			texts = append(texts, s)
			continue
		}
		var obj struct {
			ContentType string `json:"content_type"`
			Text        string `json:"text"`
		}
		kind := "attachment"
		if json.Unmarshal(p, &obj) == nil && obj.ContentType == "audio_transcription" && obj.Text != "" {
			texts = append(texts, obj.Text) // what was said in voice mode
			continue
		}
		if obj.ContentType != "" {
			kind = strings.TrimSuffix(strings.TrimSuffix(obj.ContentType, "_asset_pointer"), "_transcription")
			kind = strings.ReplaceAll(kind, "_", " ")
		}
		texts = append(texts, "*["+kind+" not imported]*")
	}
	return strings.Join(texts, "\n\n")
}

// chatgptThoughts returns the text of a "thoughts" message as Markdown: each
// thought's summary in bold, then what was thought. Older exports may carry
// the text in "parts" instead.
func chatgptThoughts(m *chatgptMessage) (string, error) {
	var list []chatgptThought
	if len(m.Content.Thoughts) > 0 && string(m.Content.Thoughts) != "null" {
		if err := json.Unmarshal(m.Content.Thoughts, &list); err != nil {
			return "", i18n.Kind(ErrInvalid, "Transfer.badThoughts", i18n.Args{"ID": strconv.Quote(truncate(m.ID, 40))})
		}
	}
	var parts []string
	for _, t := range list {
		summary, content := oneLine(t.Summary), strings.TrimSpace(t.Content)
		switch {
		case summary != "" && content != "":
			parts = append(parts, "**"+mdEscape(summary)+"**\n\n"+content)
		case summary != "":
			parts = append(parts, "**"+mdEscape(summary)+"**")
		case content != "":
			parts = append(parts, content)
		}
	}
	if len(list) == 0 {
		if text := strings.TrimSpace(chatgptText(m.Content.Parts)); text != "" {
			parts = append(parts, text)
		}
	}
	return strings.Join(parts, "\n\n"), nil
}

// chatgptRecap returns the thinking time of a "reasoning_recap" message in
// milliseconds, 0 when it does not say. The metadata's number of seconds
// is preferred to the text, which is in the user's language.
func chatgptRecap(m *chatgptMessage) (int64, error) {
	if d := m.Metadata.FinishedDuration; d != nil && *d > 0 && *d < 1e9 {
		return int64(math.Round(*d * 1000)), nil
	}
	var text string
	if raw := m.Content.Recap; len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &text); err != nil {
			return 0, i18n.Kind(ErrInvalid, "Transfer.badRecap", i18n.Args{"ID": strconv.Quote(truncate(m.ID, 40))})
		}
	} else {
		text = chatgptText(m.Content.Parts)
	}
	return recapMs(text), nil
}

// recapDuration finds the durations in a recap such as "Thought for 12
// seconds", "Thought for 2m 17s" or "Worked for 3 minutes".
var recapDuration = regexp.MustCompile(`(\d+)\s*(hours?|h|minutes?|mins?|m|seconds?|secs?|s)\b`)

// recapMs adds up the durations in a recap text, in milliseconds; 0 when it
// has none that it can read ("Thought for a few seconds").
func recapMs(text string) int64 {
	var total int64
	for _, match := range recapDuration.FindAllStringSubmatch(text, 8) {
		n, err := strconv.ParseInt(match[1], 10, 64)
		if err != nil || n > 1e6 {
			return 0
		}
		switch match[2][0] {
		case 'h':
			n *= 3600
		case 'm':
			n *= 60
		}
		total += n * 1000
	}
	return total
}

// seconds converts ChatGPT's fractional Unix seconds to Unix milliseconds.
func seconds(s *float64) int64 {
	// Past the dates JavaScript can show, 8.64e12 s, is as good as none
	// (and in milliseconds would overflow int64 further on).
	if s == nil || !(*s > 0 && *s <= 8.64e12) {
		return 0
	}
	return int64(math.Round(*s * 1000))
}
