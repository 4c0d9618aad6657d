// Package openwebui imports Open WebUI's chat export: the JSON its chat
// menu downloads for one chat, or its settings for all, each chat with its
// history.messages tree and currentId.
package openwebui

import (
	"bytes"
	"cmp"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"brook/backend/i18n"
	"brook/backend/store"
	"brook/backend/transfer/importers"
)

// Source names Open WebUI among Brook's import sources.
const Source = "openwebui"

// Importer reads Open WebUI exports.
var Importer = &importers.Importer{
	Source: Source,
	Name:   "Import.nameOpenWebUI",
	Detect: func(in *importers.Input) bool { return importers.FirstFile(in, fits) >= 0 },
	Parse:  parse,
}

// fits tells the export by its shape. The download of one
// chat and of all are an array of chat records ({"id", "user_id", "title",
// "chat": {…}}); a chat's own JSON (as converters write it) is the inner
// object, with "history" and "messages".
func fits(s *importers.Shape) bool {
	return (s.Kind == '[' && s.Has("chat")) || s.Has("history", "messages")
}

// record is one element of the export, as Open WebUI's ChatResponse.
type record struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Chat      *chatData `json:"chat"`
	UpdatedAt float64   `json:"updated_at"`
	CreatedAt float64   `json:"created_at"`
	Archived  bool      `json:"archived"`
	Pinned    *bool     `json:"pinned"`
}

// chatData is the chat itself. Fields not listed are ignored.
type chatData struct {
	ID     string   `json:"id"`
	Title  string   `json:"title"`
	Models []string `json:"models"`
	System string   `json:"system"`
	Params struct {
		System string `json:"system"`
	} `json:"params"`
	History *struct {
		Messages  map[string]message `json:"messages"`
		CurrentID string             `json:"currentId"`
	} `json:"history"`
	Messages  []message `json:"messages"`
	Timestamp float64   `json:"timestamp"`
}

type message struct {
	ID          string   `json:"id"`
	ParentID    *string  `json:"parentId"`
	ChildrenIDs []string `json:"childrenIds"`
	Role        string   `json:"role"`
	Content     any      `json:"content"`
	Timestamp   float64  `json:"timestamp"`
	Model       string   `json:"model"`
	Files       []struct {
		Type string `json:"type"`
		URL  string `json:"url"`
		Name string `json:"name"`
		File *struct {
			Filename string `json:"filename"`
			Meta     struct {
				Name string `json:"name"`
			} `json:"meta"`
		} `json:"file"`
	} `json:"files"`
	Usage *struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
	} `json:"usage"`
	Error any   `json:"error"`
	Done  *bool `json:"done"`
}

func parse(in *importers.Input) (importers.Result, error) {
	f, err := importers.OnlyFile(in, fits)
	if err != nil {
		return importers.Result{}, err
	}
	data := f.Data
	var records []record
	if data = bytes.TrimLeft(data, " \t\r\n\xef\xbb\xbf"); len(data) > 0 && data[0] == '{' {
		var c chatData
		if err := json.Unmarshal(data, &c); err != nil {
			return importers.Result{}, importers.Invalid("Import.invalidDetail", i18n.Args{"Err": err})
		}
		records = []record{{ID: c.ID, Title: c.Title, Chat: &c}}
	} else {
		if err := json.Unmarshal(data, &records); err != nil {
			// An array of bare chats, as some converters write.
			var chats []chatData
			if err2 := json.Unmarshal(data, &chats); err2 != nil {
				return importers.Result{}, importers.Invalid("Import.invalidDetail", i18n.Args{"Err": err})
			}
			for i := range chats {
				records = append(records, record{ID: chats[i].ID, Title: chats[i].Title, Chat: &chats[i]})
			}
		}
	}
	var notes importers.Notes
	var res importers.Result
	for i, r := range records {
		if r.Chat == nil {
			notes.Add(i18n.T("Import.noteRecordWithoutChat", nil))
			continue
		}
		conv, err := convert(r, &notes)
		if err != nil {
			return importers.Result{}, importers.At(i18n.T("Import.whereChat", i18n.Args{"N": strconv.Itoa(i + 1), "Title": r.Title}), err)
		}
		if err := res.Add(&conv, &notes, "Import.emptyChat"); err != nil {
			return importers.Result{}, importers.At(i18n.T("Import.whereChat", i18n.Args{"N": strconv.Itoa(i + 1), "Title": r.Title}), err)
		}
	}
	res.Skipped = notes.Lines()
	return res, nil
}

// reasoningDuration reads how long Open WebUI says the model thought.
var reasoningDuration = regexp.MustCompile(`\A\s*<details type="reasoning"[^>]*\bduration="(\d+)"`)

func convert(r record, notes *importers.Notes) (importers.Conversation, error) {
	c := r.Chat
	conv := importers.Conversation{
		Title:        firstNonEmpty(r.Title, c.Title),
		CreatedAt:    importers.Millis(r.CreatedAt),
		UpdatedAt:    importers.Millis(r.UpdatedAt),
		SystemPrompt: firstNonEmpty(c.Params.System, c.System),
		Archived:     r.Archived,
		Pinned:       r.Pinned != nil && *r.Pinned,
	}
	if conv.CreatedAt == 0 {
		conv.CreatedAt = importers.Millis(c.Timestamp)
	}
	if len(c.Models) > 0 {
		conv.Model = c.Models[0]
	}
	var msgs []message
	if c.History != nil && len(c.History.Messages) > 0 {
		// The order of a JSON object is lost in a Go map: put the messages
		// back in the order of the tree, children as their parents list them.
		msgs = treeOrder(c.History.Messages)
		conv.Current = c.History.CurrentID
	} else {
		// Exports older than the tree keep a plain list.
		msgs = c.Messages
		for i := range msgs {
			msgs[i].ParentID = nil
			if i > 0 {
				p := msgs[i-1].ID
				if p == "" {
					p = "#" + strconv.Itoa(i-1)
				}
				msgs[i].ParentID = &p
			}
			if msgs[i].ID == "" {
				msgs[i].ID = "#" + strconv.Itoa(i)
			}
		}
	}
	for _, m := range msgs {
		node := importers.Node{ID: m.ID}
		if m.ParentID != nil {
			node.Parent = *m.ParentID
		}
		text, ok := m.Content.(string)
		if !ok && m.Content != nil {
			raw, _ := json.Marshal(m.Content)
			text = importers.Placeholder("content", "of a kind Brook does not know") + "\n\n```json\n" + string(raw) + "\n```"
			notes.Add(i18n.T("Import.noteContentNotText", nil))
		}
		msg := store.Message{Role: role(m.Role), CreatedAt: importers.Millis(m.Timestamp)}
		if msg.Role == "" {
			notes.Add(i18n.T("Import.noteRole", i18n.Args{"Role": strconv.Quote(m.Role)}))
			msg.Role = store.RoleUser
			text = importers.JoinText(importers.Placeholder("role", m.Role), text)
		}
		if msg.Role == store.RoleAssistant {
			if d := reasoningDuration.FindStringSubmatch(text); d != nil {
				s, _ := strconv.ParseInt(d[1], 10, 64)
				msg.ThinkingMs = s * 1000
			}
			text, msg.Reasoning = importers.SplitThinking(text)
			msg.Model = m.Model
			if m.Usage != nil {
				msg.PromptTokens, msg.CompletionTokens = m.Usage.PromptTokens, m.Usage.CompletionTokens
			}
			if m.Done != nil && !*m.Done {
				msg.State = store.StateInterrupted
			}
			if m.Error != nil && m.Error != false {
				msg.State = store.StateFailed
				if s, ok := m.Error.(map[string]any); ok {
					msg.Error, _ = s["content"].(string)
				}
			}
		}
		for _, f := range m.Files {
			name := f.Name
			if f.File != nil && name == "" {
				name = firstNonEmpty(f.File.Meta.Name, f.File.Filename)
			}
			if f.Type == "image" {
				if img, why, ok := importers.DataImage(f.URL, name); ok {
					msg.Images = append(msg.Images, img)
				} else {
					text = importers.JoinText(text, importers.Placeholder("picture", why))
					notes.Add(i18n.T("Import.notePictureNotInExport", nil))
				}
				continue
			}
			text = importers.JoinText(text, importers.Placeholder("attached file", name))
			notes.Add(i18n.T("Import.noteFileNameOnlyExport", nil))
		}
		msg.Content = text
		node.Msg = msg
		conv.Nodes = append(conv.Nodes, node)
	}
	return conv, nil
}

// treeOrder lists the messages from each root down, children in the order
// their parent lists them; messages the walk misses (a parent that does not
// list them) follow, sorted by time and id so the result is the same every
// time.
func treeOrder(all map[string]message) []message {
	var roots []string
	for id, m := range all {
		if m.ParentID == nil || *m.ParentID == "" || !has(all, *m.ParentID) {
			roots = append(roots, id)
		}
	}
	sortIDs(roots, all)
	seen := map[string]bool{}
	var out []message
	var queue []string
	queue = append(queue, roots...)
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if seen[id] || !has(all, id) {
			continue
		}
		seen[id] = true
		m := all[id]
		if m.ID == "" {
			m.ID = id
		}
		out = append(out, m)
		queue = append(queue, m.ChildrenIDs...)
	}
	var rest []string
	for id := range all {
		if !seen[id] {
			rest = append(rest, id)
		}
	}
	sortIDs(rest, all)
	for _, id := range rest {
		m := all[id]
		if m.ID == "" {
			m.ID = id
		}
		out = append(out, m)
	}
	return out
}

func has(all map[string]message, id string) bool { _, ok := all[id]; return ok }

func sortIDs(ids []string, all map[string]message) {
	slices.SortFunc(ids, func(a, b string) int {
		if c := cmp.Compare(all[a].Timestamp, all[b].Timestamp); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
}

func role(r string) store.Role {
	switch strings.ToLower(r) {
	case "user":
		return store.RoleUser
	case "assistant":
		return store.RoleAssistant
	case "system":
		return store.RoleSystem
	}
	return ""
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
