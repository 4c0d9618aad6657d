package importers

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"brook/backend/guard"
	"brook/backend/i18n"
	"brook/backend/store"
)

// Node is one message of a source conversation, with the source's own ids
// of itself and of the message it follows ("" for a first message). Two
// nodes with the same parent are versions of one turn, as in Brook.
type Node struct {
	ID, Parent string
	Msg        store.Message
}

// Conversation is a source conversation as every importer hands it over:
// what it knows of the conversation, and its messages as a tree.
type Conversation struct {
	Title                string
	CreatedAt, UpdatedAt int64 // Unix milliseconds; 0 when unknown
	SystemPrompt, Model  string
	Pinned, Archived     bool
	Nodes                []Node
	// Current is the node the source shows last (its leaf, or any node on
	// the shown path); "" shows the newest version at every level.
	Current string
}

// maxNodes bounds the messages of one conversation: a long real one has a
// few thousand.
const maxNodes = 200_000

// Bundle turns c into a Brook bundle: every node a message, each branch a
// version, the path to Current shown. Nodes whose parent is missing start
// a tree of their own; a loop among parents is refused. Empty messages are
// left out (their followers follow what they followed) and noted.
//
// The UIDs come from the content alone (roles, texts, the tree's shape and
// the conversation's start), not from the source's ids, so the same
// conversation is skipped by the store whether it came before from this
// file, a ZIP of it, a folder, or another export of the same app.
func (c *Conversation) Bundle(notes *Notes) (store.Bundle, error) {
	if len(c.Nodes) > maxNodes {
		return store.Bundle{}, i18n.Kind(ErrHostile, "Import.tooManyMessages", i18n.Args{"Count": len(c.Nodes), "Max": maxNodes})
	}
	byID := make(map[string]int, len(c.Nodes))
	nodes := slices.Clone(c.Nodes)
	for i := range nodes {
		if nodes[i].ID == "" {
			nodes[i].ID = "#" + strconv.Itoa(i)
		}
		if _, dup := byID[nodes[i].ID]; dup {
			return store.Bundle{}, Invalid("Import.messageTwice", i18n.Args{"ID": strconv.Quote(short(nodes[i].ID))})
		}
		byID[nodes[i].ID] = i
	}
	parentOf := func(i int) int {
		p, ok := byID[nodes[i].Parent]
		if !ok || nodes[i].Parent == "" {
			return -1
		}
		return p
	}
	// A loop among parents would have no first message.
	state := make([]byte, len(nodes)) // 0 unseen, 1 on the walk, 2 known good
	for i := range nodes {
		var walk []int
		j := i
		for j >= 0 && state[j] == 0 {
			state[j] = 1
			walk = append(walk, j)
			j = parentOf(j)
		}
		if j >= 0 && state[j] == 1 {
			return store.Bundle{}, Invalid("Transfer.loop", i18n.Args{"ID": strconv.Quote(short(nodes[j].ID))})
		}
		for _, k := range walk {
			state[k] = 2
		}
	}
	children := make([][]int, len(nodes))
	var roots []int
	for i := range nodes {
		if p := parentOf(i); p >= 0 {
			children[p] = append(children[p], i)
		} else {
			roots = append(roots, i)
		}
	}
	// Parents first, siblings in the source's order.
	order := make([]int, 0, len(nodes))
	queue := slices.Clone(roots)
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		order = append(order, i)
		queue = append(queue, children[i]...)
	}

	conv := store.Conversation{
		Title: c.Title, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
		SystemPrompt: strings.TrimSpace(c.SystemPrompt), Model: c.Model,
		Pinned: c.Pinned, Archived: c.Archived,
	}
	if conv.CreatedAt <= 0 {
		for _, n := range nodes {
			if t := n.Msg.CreatedAt; t > 0 && (conv.CreatedAt <= 0 || t < conv.CreatedAt) {
				conv.CreatedAt = t
			}
		}
	}
	if conv.CreatedAt <= 0 {
		return store.Bundle{}, Invalid("Transfer.noTime", nil)
	}

	// keptAs maps a node to the message that stands for it: itself, or
	// for a node left out, what it followed.
	keptAs := make(map[int]int, len(nodes)) // node -> index in msgs, -1 for none
	var msgs []store.Message
	shownNode := map[int]bool{}
	if cur, ok := byID[c.Current]; ok && c.Current != "" {
		for j := cur; j >= 0; j = parentOf(j) {
			shownNode[j] = true
		}
	}
	shown := map[int]bool{}
	for _, i := range order {
		n := nodes[i]
		parent := -1
		if p := parentOf(i); p >= 0 {
			parent = keptAs[p]
		}
		m := n.Msg
		m.Content = strings.TrimRight(m.Content, " \t\r\n")
		m.Reasoning = strings.TrimSpace(m.Reasoning)
		if m.Role == store.RoleSystem && parent < 0 && conv.SystemPrompt == "" && m.Content != "" {
			// A conversation's opening instructions are its system prompt.
			conv.SystemPrompt = m.Content
			keptAs[i] = -1
			continue
		}
		if m.Role != store.RoleUser && len(m.Images) > 0 {
			for range m.Images {
				m.Content = joinText(m.Content, Placeholder("picture", "only a user's pictures are kept"))
				notes.Add(i18n.T("Import.notePictureInAnswer", nil))
			}
			m.Images = nil
		}
		if extra := len(m.Images) - guard.MaxImages; extra > 0 {
			for range extra {
				m.Content = joinText(m.Content, Placeholder("picture", fmt.Sprintf("more than %d in one message", guard.MaxImages)))
			}
			m.Images = m.Images[:guard.MaxImages]
			notes.Add(i18n.T("Import.notePicturePastLimit", nil))
		}
		if strings.TrimSpace(m.Content) == "" && m.Reasoning == "" && len(m.Images) == 0 {
			notes.Add(i18n.T("Import.noteEmptyMessage", nil))
			keptAs[i] = parent
			if shownNode[i] && parent >= 0 {
				shown[parent] = true
			}
			continue
		}
		if m.State == "" {
			m.State = store.StateComplete
		}
		if m.CreatedAt <= 0 {
			m.CreatedAt = conv.CreatedAt
			if parent >= 0 {
				m.CreatedAt = msgs[parent].CreatedAt
			}
		}
		m.UpdatedAt = max(m.UpdatedAt, m.CreatedAt)
		m.ID, m.ConversationID, m.ParentID, m.Versions = 0, 0, 0, nil
		if parent >= 0 {
			m.ParentUID = strconv.Itoa(parent) // replaced by the UID below
		} else {
			m.ParentUID = ""
		}
		keptAs[i] = len(msgs)
		if shownNode[i] {
			shown[len(msgs)] = true
		}
		msgs = append(msgs, m)
	}
	if len(msgs) == 0 {
		return store.Bundle{Conversation: conv}, nil
	}

	// Every version is shown when it was made; the source's shown path is
	// put on show after all of them.
	newest := conv.CreatedAt
	for i := range msgs {
		msgs[i].ShownAt = msgs[i].CreatedAt
		newest = max(newest, msgs[i].CreatedAt)
	}
	for i := range shown {
		msgs[i].ShownAt = newest + 1
	}
	conv.UpdatedAt = max(conv.UpdatedAt, conv.CreatedAt)
	for _, m := range msgs {
		conv.UpdatedAt = max(conv.UpdatedAt, m.UpdatedAt)
	}

	// UIDs from content: the conversation's from its start and every
	// message; each message's from the conversation's and its place.
	h := sha256.New()
	fmt.Fprintf(h, "%d|", conv.CreatedAt/1000)
	for _, m := range msgs {
		for _, f := range []string{m.ParentUID, string(m.Role), m.Content, m.Reasoning} {
			fmt.Fprintf(h, "%d:%s", len(f), f)
		}
		for _, img := range m.Images {
			s := sha256.Sum256(img.Data)
			h.Write(s[:])
		}
	}
	conv.UID = "import:" + hex.EncodeToString(h.Sum(nil)[:16])
	for i := range msgs {
		if msgs[i].ParentUID != "" {
			p, _ := strconv.Atoi(msgs[i].ParentUID)
			msgs[i].ParentUID = msgs[p].UID
		}
		msgs[i].UID = conv.UID + "/" + strconv.Itoa(i+1)
	}

	if conv.Model == "" {
		for _, m := range slices.Backward(store.NewMessageTree(msgs).Shown()) {
			if m.Model != "" {
				conv.Model = m.Model
				break
			}
		}
	}
	conv.Title = strings.Join(strings.Fields(conv.Title), " ")
	if conv.Title == "" {
		conv.Title = titleFrom(msgs)
	}
	return store.Bundle{Conversation: conv, Messages: msgs}, nil
}

// titleFrom makes a title of the first user message, for sources that
// have none.
func titleFrom(msgs []store.Message) string {
	for _, m := range msgs {
		if m.Role != store.RoleUser {
			continue
		}
		t := strings.Join(strings.Fields(m.Content), " ")
		if utf8.RuneCountInString(t) > 60 {
			t = string([]rune(t)[:60]) + "…"
		}
		if t != "" {
			return t
		}
	}
	return i18n.T("Transfer.untitled", nil)
}

func joinText(a, b string) string {
	if strings.TrimSpace(a) == "" {
		return b
	}
	return a + "\n\n" + b
}

// JoinText joins parts of a message's text with a blank line, leaving out
// empty ones.
func JoinText(parts ...string) string {
	out := ""
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = joinText(out, p)
		}
	}
	return out
}

// short shortens s to 40 runes for an error message.
func short(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}
