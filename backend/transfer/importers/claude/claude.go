// Package claude imports the conversations.json of a Claude.ai data export
// (Settings, Privacy, Export data), alone or in its ZIP.
package claude

import (
	"encoding/json"
	"strconv"
	"strings"

	"brook/backend/i18n"
	"brook/backend/store"
	"brook/backend/transfer/importers"
)

// Source names Claude among Brook's import sources.
const Source = "claude"

// Importer reads Claude.ai exports.
var Importer = &importers.Importer{
	Source: Source,
	Name:   "Import.nameClaude",
	Detect: func(in *importers.Input) bool { return importers.FirstFile(in, fits) >= 0 },
	Parse:  parse,
}

// fits tells conversations.json by its shape: an array of
// conversations, each with its "chat_messages".
func fits(s *importers.Shape) bool { return s.Kind == '[' && s.Has("chat_messages") }

type conversation struct {
	UUID      string    `json:"uuid"`
	Name      string    `json:"name"`
	CreatedAt string    `json:"created_at"`
	UpdatedAt string    `json:"updated_at"`
	Model     string    `json:"model"`
	Starred   bool      `json:"is_starred"`
	Messages  []message `json:"chat_messages"`
	// CurrentLeaf and each message's Parent are in exports made through
	// Claude.ai's own API (browser exporters); the data export is linear.
	CurrentLeaf string `json:"current_leaf_message_uuid"`
}

type message struct {
	UUID        string  `json:"uuid"`
	Text        string  `json:"text"`
	Content     []block `json:"content"`
	Sender      string  `json:"sender"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
	Parent      string  `json:"parent_message_uuid"`
	Attachments []struct {
		FileName         string `json:"file_name"`
		FileType         string `json:"file_type"`
		ExtractedContent string `json:"extracted_content"`
	} `json:"attachments"`
	Files []struct {
		FileName string `json:"file_name"`
	} `json:"files"`
}

type block struct {
	Type     string          `json:"type"`
	Text     string          `json:"text"`
	Thinking string          `json:"thinking"`
	Start    string          `json:"start_timestamp"`
	Stop     string          `json:"stop_timestamp"`
	Name     string          `json:"name"`
	Input    json.RawMessage `json:"input"`
	Content  json.RawMessage `json:"content"`
}

func parse(in *importers.Input) (importers.Result, error) {
	f, err := importers.OnlyFile(in, fits)
	if err != nil {
		return importers.Result{}, err
	}
	var convs []conversation
	if err := json.Unmarshal(f.Data, &convs); err != nil {
		return importers.Result{}, importers.Invalid("Import.invalidDetail", i18n.Args{"Err": err})
	}
	var notes importers.Notes
	var res importers.Result
	for i, c := range convs {
		conv := convert(c, &notes)
		if err := res.Add(&conv, &notes, "Import.emptyConversation"); err != nil {
			return importers.Result{}, importers.At(i18n.T("Transfer.whereConversationTitled", i18n.Args{"N": strconv.Itoa(i + 1), "Title": c.Name}), err)
		}
	}
	res.Skipped = notes.Lines()
	return res, nil
}

func convert(c conversation, notes *importers.Notes) importers.Conversation {
	conv := importers.Conversation{
		Title:     c.Name,
		CreatedAt: importers.ParseTime(c.CreatedAt),
		UpdatedAt: importers.ParseTime(c.UpdatedAt),
		Model:     c.Model,
		Pinned:    c.Starred,
		Current:   c.CurrentLeaf,
	}
	branched := false
	for _, m := range c.Messages {
		branched = branched || m.Parent != ""
	}
	prev := ""
	for _, m := range c.Messages {
		node := importers.Node{ID: m.UUID, Parent: prev}
		if branched {
			node.Parent = m.Parent
			if node.Parent == "00000000-0000-4000-8000-000000000000" {
				node.Parent = "" // the API's root
			}
		}
		prev = m.UUID
		msg := store.Message{CreatedAt: importers.ParseTime(m.CreatedAt), UpdatedAt: importers.ParseTime(m.UpdatedAt)}
		switch m.Sender {
		case "human":
			msg.Role = store.RoleUser
		case "assistant":
			msg.Role = store.RoleAssistant
			msg.Model = c.Model
		default:
			msg.Role = store.RoleUser
			notes.Add(i18n.T("Import.noteSender", i18n.Args{"Sender": strconv.Quote(m.Sender)}))
		}
		var text []string
		var thoughts []string
		for _, b := range m.Content {
			switch b.Type {
			case "text":
				text = append(text, b.Text)
			case "thinking":
				thoughts = append(thoughts, b.Thinking)
				if start, stop := importers.ParseTime(b.Start), importers.ParseTime(b.Stop); start > 0 && stop > start {
					msg.ThinkingMs += stop - start
				}
			case "tool_use":
				text = append(text, importers.Placeholder("tool call", b.Name)+"\n\n```json\n"+string(b.Input)+"\n```")
				notes.Add(i18n.T("Import.noteToolCall", nil))
			case "tool_result":
				text = append(text, importers.Placeholder("tool result", b.Name)+"\n\n```json\n"+string(b.Content)+"\n```")
				notes.Add(i18n.T("Import.noteToolResult", nil))
			default:
				raw, _ := json.Marshal(b)
				text = append(text, importers.Placeholder("content of type "+b.Type, "")+"\n\n```json\n"+string(raw)+"\n```")
				notes.Add(i18n.T("Import.noteContentType", i18n.Args{"Type": strconv.Quote(b.Type)}))
			}
		}
		if len(m.Content) == 0 {
			text = append(text, m.Text) // exports before content blocks
		}
		for _, a := range m.Attachments {
			note := importers.Placeholder("attached file", a.FileName)
			if strings.TrimSpace(a.ExtractedContent) != "" {
				note = "[attached file " + a.FileName + ", its text as extracted:]\n\n````\n" + a.ExtractedContent + "\n````"
			}
			text = append(text, note)
			notes.Add(i18n.T("Import.noteFileExtracted", nil))
		}
		for _, f := range m.Files {
			// The export names uploaded pictures and files; their bytes are not in it.
			text = append(text, importers.Placeholder("file", f.FileName))
			notes.Add(i18n.T("Import.noteUploadNameOnly", nil))
		}
		msg.Content = importers.JoinText(text...)
		msg.Reasoning = importers.JoinText(thoughts...)
		node.Msg = msg
		conv.Nodes = append(conv.Nodes, node)
	}
	return conv
}
