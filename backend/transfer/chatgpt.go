package transfer

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

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
	} `json:"metadata"`
}

// parseChatGPT decodes a ChatGPT conversations.json whose opening bracket is
// next in dec, one conversation at a time.
func parseChatGPT(dec *json.Decoder, rec *recorder) ([]store.Bundle, error) {
	if err := expectDelim(dec, '[', "the file"); err != nil {
		return nil, err
	}
	var bundles []store.Bundle
	for i := 0; dec.More(); i++ {
		where := "conversation " + strconv.Itoa(i+1)
		var c chatgptConversation
		start := dec.InputOffset()
		if err := decode(dec, rec, &c); err != nil {
			// The first element decides whether this is a ChatGPT file at
			// all: an array of anything but objects is not. The decoder has
			// read the whole element before finding a wrong type in it.
			if data := rec.from(start); i == 0 && errors.Is(err, ErrInvalid) {
				j := skipSpace(data, 0)
				if j < len(data) && data[j] != '{' {
					return nil, fmt.Errorf("%w: a JSON array that is not a ChatGPT export", ErrUnknownFormat)
				}
			}
			return nil, &contextError{where, err}
		}
		if c.Mapping == nil {
			if i == 0 {
				return nil, fmt.Errorf("%w: a JSON array that is not a ChatGPT export (no \"mapping\")", ErrUnknownFormat)
			}
			return nil, fmt.Errorf("%s: %w: \"mapping\" is missing", where, ErrInvalid)
		}
		b, err := convertChatGPT(&c)
		if err != nil {
			return nil, fmt.Errorf("%s (%q): %w", where, truncate(c.title(), 40), err)
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
		return "Untitled conversation"
	}
	return oneLine(*c.Title)
}

// convertChatGPT turns one ChatGPT conversation into a bundle holding the
// branch the user last saw: the path from current_node back to the root.
// System, tool and hidden messages are left out, and so are the model's
// messages to its tools; consecutive answers (split by a tool call) become one.
func convertChatGPT(c *chatgptConversation) (store.Bundle, error) {
	path, err := chatgptPath(c)
	if err != nil {
		return store.Bundle{}, err
	}
	created := seconds(c.CreateTime)
	updated := seconds(c.UpdateTime)
	var title string
	if c.Title != nil {
		title = oneLine(*c.Title)
	}
	conv := store.Conversation{
		Title:     title,
		CreatedAt: created,
		UpdatedAt: max(updated, created),
		Archived:  c.IsArchived,
		Model:     c.DefaultModel,
	}
	id := c.ID
	if id == "" {
		id = c.ConversationID
	}
	var msgs []store.Message
	for _, node := range path {
		m := node.Message
		if m == nil || m.Metadata.Hidden || (m.Recipient != "" && m.Recipient != "all") {
			continue
		}
		role := store.Role(m.Author.Role)
		if role != store.RoleUser && role != store.RoleAssistant {
			continue // system prompts and tool output
		}
		if m.Content.ContentType != "text" && m.Content.ContentType != "multimodal_text" {
			continue // reasoning, code sent to tools, memory and the like
		}
		text := chatgptText(m.Content.Parts)
		if strings.TrimSpace(text) == "" {
			continue
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
					msg.EndReason = "stop"
				case "max_tokens":
					msg.EndReason = "length"
				case "interrupted":
					msg.State, msg.EndReason = store.StateStopped, "user_stop"
				}
			}
			if prev := len(msgs) - 1; prev >= 0 && msgs[prev].Role == store.RoleAssistant {
				// One answer that a tool call split in two.
				p := &msgs[prev]
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
		uid := m.ID
		if uid == "" {
			uid = node.ID
		}
		msg.UID = "chatgpt:" + uid
		msgs = append(msgs, msg)
	}
	if len(msgs) == 0 {
		return store.Bundle{Conversation: conv}, nil
	}
	if conv.CreatedAt == 0 {
		conv.CreatedAt = msgs[0].CreatedAt
	}
	if conv.CreatedAt == 0 {
		return store.Bundle{}, fmt.Errorf("%w: no time is given", ErrInvalid)
	}
	for i := range msgs {
		if msgs[i].CreatedAt == 0 {
			msgs[i].CreatedAt, msgs[i].UpdatedAt = conv.CreatedAt, conv.CreatedAt
		}
	}
	conv.UpdatedAt = max(conv.UpdatedAt, conv.CreatedAt, msgs[len(msgs)-1].UpdatedAt)
	if conv.Model == "" {
		for _, m := range slices.Backward(msgs) {
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
	for i := range b.Messages {
		if b.Messages[i].UID == "chatgpt:" {
			sum := sha256.Sum256(fmt.Appendf(nil, "%s|%d", b.Conversation.UID, i))
			b.Messages[i].UID = "chatgpt:" + hex.EncodeToString(sum[:16])
		}
	}
	return b, nil
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
					return nil, fmt.Errorf("%w: \"current_node\" %q is not in \"mapping\"", ErrInvalid, truncate(id, 40))
				}
				break // a missing root: keep what leads to it
			}
			if seen[id] {
				return nil, fmt.Errorf("%w: the messages form a loop at %q", ErrInvalid, truncate(id, 40))
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
			return nil, fmt.Errorf("%w: the messages form a loop at %q", ErrInvalid, truncate(n.ID, 40))
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

// seconds converts ChatGPT's fractional Unix seconds to Unix milliseconds.
func seconds(s *float64) int64 {
	if s == nil || *s <= 0 || math.IsNaN(*s) || math.IsInf(*s, 0) {
		return 0
	}
	return int64(math.Round(*s * 1000))
}
