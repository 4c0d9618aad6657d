// Package jan imports Jan's threads: its data folder's threads/ folder (or
// a ZIP of it), where each thread is a folder holding thread.json and its
// messages, one JSON object a line, in messages.jsonl; one thread's folder
// alone is read too.
package jan

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"strconv"
	"strings"

	"brook/backend/i18n"
	"brook/backend/store"
	"brook/backend/transfer/importers"
)

// Source names Jan among Brook's import sources.
const Source = "jan"

// Importer reads Jan's threads.
var Importer = &importers.Importer{
	Source: Source,
	Name:   "Import.nameJan",
	Detect: func(in *importers.Input) bool { return importers.FirstFile(in, isThread) >= 0 },
	Parse:  parse,
}

// isThread tells a thread.json by its shape: an object with "object"
// ("thread") and its "assistants".
func isThread(s *importers.Shape) bool {
	return s.Kind == '{' && s.Has("object", "assistants") && (s.Has("title") || s.Has("id") || s.Has("created"))
}

// isMessages tells messages.jsonl by the shape of its first line.
func isMessages(s *importers.Shape) bool {
	return s.Kind == '{' && s.Has("role", "content")
}

type thread struct {
	ID      string  `json:"id"`
	Object  string  `json:"object"`
	Title   string  `json:"title"`
	Summary string  `json:"summary"` // the title in Jan's first specification
	Created float64 `json:"created"`
	Updated float64 `json:"updated"`
	// Assistants are objects; Jan's first specification named them only.
	Assistants []json.RawMessage `json:"assistants"`
	Metadata   struct {
		IsFavorite bool `json:"is_favorite"`
	} `json:"metadata"`
}

type assistant struct {
	Instructions *string `json:"instructions"`
	Model        *struct {
		ID string `json:"id"`
	} `json:"model"`
}

type message struct {
	ID          string          `json:"id"`
	Role        string          `json:"role"`
	Content     json.RawMessage `json:"content"`
	Status      string          `json:"status"`
	ErrorCode   string          `json:"error_code"`
	CreatedAt   float64         `json:"created_at"`
	CompletedAt float64         `json:"completed_at"`
	// Created and Updated are the times of Jan's first versions.
	Created  float64 `json:"created"`
	Updated  float64 `json:"updated"`
	Metadata struct {
		InlineFileContents []struct {
			Name    string `json:"name"`
			Content string `json:"content"`
		} `json:"inline_file_contents"`
	} `json:"metadata"`
}

type content struct {
	Type     string          `json:"type"`
	Text     json.RawMessage `json:"text"`
	ImageURL *struct {
		URL string `json:"url"`
	} `json:"image_url"`
	ToolName string          `json:"tool_name"`
	Input    json.RawMessage `json:"input"`
	Output   json.RawMessage `json:"output"`
}

func parse(in *importers.Input) (importers.Result, error) {
	var notes importers.Notes
	var res importers.Result
	for i, f := range in.Files {
		if s := in.Shape(i); s == nil || !isThread(s) {
			continue
		}
		var t thread
		if err := json.Unmarshal(f.Data, &t); err != nil {
			return importers.Result{}, importers.At(f.Name, importers.Invalid("Import.invalidDetail", i18n.Args{"Err": err}))
		}
		if t.Object != "thread" {
			continue // an object of another kind with the same keys
		}
		dir := path.Dir(f.Name)
		var msgs []message
		for j, g := range in.Files {
			if j == i || path.Dir(g.Name) != dir {
				continue
			}
			if s := in.Shape(j); s == nil || !isMessages(s) {
				continue
			}
			got, err := readLines(g)
			if err != nil {
				return importers.Result{}, err
			}
			msgs = append(msgs, got...)
		}
		conv, err := convert(t, msgs, &notes)
		if err != nil {
			return importers.Result{}, importers.At(f.Name, err)
		}
		if err := res.Add(&conv, &notes, "Import.emptyThread"); err != nil {
			return importers.Result{}, importers.At(f.Name, err)
		}
	}
	res.Skipped = notes.Lines()
	return res, nil
}

// readLines reads a JSON Lines file; blank lines are skipped.
func readLines(f importers.File) ([]message, error) {
	var out []message
	sc := bufio.NewScanner(bytes.NewReader(f.Data))
	sc.Buffer(nil, len(f.Data)+1)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var m message
		if err := json.Unmarshal(line, &m); err != nil {
			return nil, importers.At(i18n.T("Import.whereLine", i18n.Args{"File": f.Name, "N": strconv.Itoa(n)}), importers.Invalid("Import.invalidDetail", i18n.Args{"Err": err}))
		}
		out = append(out, m)
	}
	return out, sc.Err()
}

func convert(t thread, msgs []message, notes *importers.Notes) (importers.Conversation, error) {
	conv := importers.Conversation{
		Title:     firstNonEmpty(t.Title, t.Summary),
		CreatedAt: importers.Millis(t.Created),
		UpdatedAt: importers.Millis(t.Updated),
		Pinned:    t.Metadata.IsFavorite,
	}
	var a assistant
	if len(t.Assistants) > 0 && json.Unmarshal(t.Assistants[0], &a) == nil {
		if a.Instructions != nil {
			conv.SystemPrompt = *a.Instructions
		}
		if a.Model != nil && a.Model.ID != "*" {
			conv.Model = a.Model.ID
		}
	}
	prev := ""
	for i, m := range msgs {
		id := fmt.Sprintf("#%d", i)
		msg := store.Message{
			CreatedAt: importers.Millis(firstNonZero(m.CreatedAt, m.Created)),
			UpdatedAt: importers.Millis(firstNonZero(m.CompletedAt, m.Updated)),
		}
		switch m.Role {
		case "user":
			msg.Role = store.RoleUser
		case "assistant":
			msg.Role = store.RoleAssistant
			msg.Model = conv.Model
		case "system":
			msg.Role = store.RoleSystem
		case "tool":
			// A tool's result, which Jan shows inside the answer that asked.
			msg.Role = store.RoleAssistant
			notes.Add(i18n.T("Import.noteToolResult", nil))
		default:
			return conv, importers.Invalid("Import.unknownRoleN", i18n.Args{"N": strconv.Itoa(i + 1), "Role": strconv.Quote(m.Role)})
		}
		text, reasoning, err := contentOf(m.Content, &msg, notes)
		if err != nil {
			return conv, importers.At(i18n.T("Import.whereMessage", i18n.Args{"N": strconv.Itoa(i + 1)}), err)
		}
		if m.Role == "tool" {
			text = importers.Placeholder("tool result", "") + "\n\n" + text
		}
		for _, f := range m.Metadata.InlineFileContents {
			text = importers.JoinText(text, "[attached file "+f.Name+":]\n\n````\n"+f.Content+"\n````")
			notes.Add(i18n.T("Import.noteFileAsText", nil))
		}
		if msg.Role == store.RoleAssistant {
			var thought string
			text, thought = importers.SplitThinking(text)
			reasoning = importers.JoinText(reasoning, thought)
			switch m.Status {
			case "stopped":
				msg.State = store.StateInterrupted
			case "error":
				msg.State = store.StateFailed
				msg.Error = m.ErrorCode
				if strings.TrimSpace(text) == "" {
					// Kept, so that the thread shows where the answer failed.
					text = importers.Placeholder("answer", "Jan reported the error "+firstNonEmpty(m.ErrorCode, "unknown"))
					notes.Add(i18n.T("Import.noteFailedAnswer", nil))
				}
			}
		}
		msg.Content, msg.Reasoning = text, reasoning
		conv.Nodes = append(conv.Nodes, importers.Node{ID: id, Parent: prev, Msg: msg})
		prev = id
	}
	return conv, nil
}

// contentOf reads a message's content: a list of parts, or in early
// versions a plain string.
func contentOf(raw json.RawMessage, msg *store.Message, notes *importers.Notes) (text, reasoning string, err error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", "", nil
	}
	if raw[0] == '"' {
		err = json.Unmarshal(raw, &text)
		if err != nil {
			err = importers.Invalid("Import.invalidDetail", i18n.Args{"Err": err})
		}
		return text, "", err
	}
	var parts []content
	if err := json.Unmarshal(raw, &parts); err != nil {
		return "", "", importers.Invalid("Import.invalidContent", i18n.Args{"Err": err})
	}
	for _, p := range parts {
		switch p.Type {
		case "text", "reasoning":
			v, err := textValue(p.Text)
			if err != nil {
				return "", "", err
			}
			if p.Type == "reasoning" {
				reasoning = importers.JoinText(reasoning, v)
			} else {
				text = importers.JoinText(text, v)
			}
		case "image_url":
			url := ""
			if p.ImageURL != nil {
				url = p.ImageURL.URL
			}
			if img, why, ok := importers.DataImage(url, ""); ok {
				msg.Images = append(msg.Images, img)
			} else {
				text = importers.JoinText(text, importers.Placeholder("picture", why))
				notes.Add(i18n.T("Import.notePictureNotInThread", nil))
			}
		case "tool_call":
			text = importers.JoinText(text, importers.Placeholder("tool call", p.ToolName)+
				"\n\n```json\n"+compact(p.Input)+"\n```\n\n```json\n"+compact(p.Output)+"\n```")
			notes.Add(i18n.T("Import.noteToolCall", nil))
		default:
			raw, _ := json.Marshal(p)
			text = importers.JoinText(text, importers.Placeholder("content of type "+p.Type, "")+"\n\n```json\n"+string(raw)+"\n```")
			notes.Add(i18n.T("Import.noteContentType", i18n.Args{"Type": strconv.Quote(p.Type)}))
		}
	}
	return text, reasoning, nil
}

// textValue reads a text part: {"value": …, "annotations": […]}, or a
// plain string as Jan's own tests write it.
func textValue(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", importers.Invalid("Import.invalidDetail", i18n.Args{"Err": err})
		}
		return s, nil
	}
	var v struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", importers.Invalid("Import.invalidTextPart", i18n.Args{"Err": err})
	}
	return v.Value, nil
}

func compact(raw json.RawMessage) string {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	return b.String()
}

func firstNonZero(v ...float64) float64 {
	for _, x := range v {
		if x > 0 {
			return x
		}
	}
	return 0
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
