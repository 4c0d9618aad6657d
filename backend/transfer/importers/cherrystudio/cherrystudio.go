// Package cherrystudio imports Cherry Studio's backup: the ZIP its data
// settings write (data.json beside a Data folder of files), or data.json
// alone. Backups of format versions 1 to 5 are JSON; from version 6 Cherry
// Studio copies its databases' own folders instead, which Brook cannot
// read.
package cherrystudio

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"brook/backend/i18n"
	"brook/backend/store"
	"brook/backend/transfer/importers"
)

// Source names Cherry Studio among Brook's import sources.
const Source = "cherrystudio"

// MaxVersion is the newest backup format Brook reads.
const MaxVersion = 5

// Importer reads Cherry Studio backups.
var Importer = &importers.Importer{
	Source: Source,
	Name:   "Import.nameCherryStudio",
	Detect: func(in *importers.Input) bool { return importers.FirstFile(in, fits) >= 0 },
	Parse:  parse,
}

// fits tells data.json by its shape: "time", "version", "localStorage" and
// "indexedDB".
func fits(s *importers.Shape) bool {
	return s.Kind == '{' && s.Has("version", "localStorage", "indexedDB")
}

type backup struct {
	Time         float64                    `json:"time"`
	Version      float64                    `json:"version"`
	LocalStorage map[string]json.RawMessage `json:"localStorage"`
	IndexedDB    json.RawMessage            `json:"indexedDB"`
}

// tables are the IndexedDB tables of versions 2 to 5 that matter here.
type tables struct {
	Topics []struct {
		ID       string    `json:"id"`
		Messages []message `json:"messages"`
	} `json:"topics"`
	MessageBlocks []block `json:"message_blocks"`
}

type assistant struct {
	Name   string  `json:"name"`
	Prompt string  `json:"prompt"`
	Model  *model  `json:"model"`
	Topics []topic `json:"topics"`
}

type topic struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	CreatedAt string `json:"createdAt"`
	UpdatedAt string `json:"updatedAt"`
	Pinned    bool   `json:"pinned"`
	Prompt    string `json:"prompt"`
}

type model struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type message struct {
	ID               string   `json:"id"`
	Role             string   `json:"role"`
	CreatedAt        string   `json:"createdAt"`
	Status           string   `json:"status"`
	ModelID          string   `json:"modelId"`
	Model            *model   `json:"model"`
	Type             string   `json:"type"`
	AskID            string   `json:"askId"`
	FoldSelected     bool     `json:"foldSelected"`
	Blocks           []string `json:"blocks"`
	Content          *string  `json:"content"`           // versions 1 to 3
	ReasoningContent string   `json:"reasoning_content"` // versions 1 to 3
	Files            []file   `json:"files"`             // versions 1 to 3
	Images           []string `json:"images"`
	Usage            *struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
	} `json:"usage"`
	Metrics *struct {
		TimeFirstTokenMillsec float64 `json:"time_first_token_millsec"`
		TimeThinkingMillsec   float64 `json:"time_thinking_millsec"`
	} `json:"metrics"`
}

type file struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	OriginName string `json:"origin_name"`
	Ext        string `json:"ext"`
	Type       string `json:"type"`
}

type block struct {
	ID              string          `json:"id"`
	MessageID       string          `json:"messageId"`
	Type            string          `json:"type"`
	Status          string          `json:"status"`
	Content         json.RawMessage `json:"content"`
	ThinkingMillsec float64         `json:"thinking_millsec"`
	Language        string          `json:"language"`
	URL             string          `json:"url"`
	File            *file           `json:"file"`
	ToolName        string          `json:"toolName"`
	Arguments       json.RawMessage `json:"arguments"`
	Error           *struct {
		Message string `json:"message"`
	} `json:"error"`
}

func parse(in *importers.Input) (importers.Result, error) {
	f, err := importers.OnlyFile(in, fits)
	if err != nil {
		return importers.Result{}, err
	}
	var b backup
	if err := json.Unmarshal(f.Data, &b); err != nil {
		return importers.Result{}, importers.Invalid("Import.invalidDetail", i18n.Args{"Err": err})
	}
	if b.Version < 1 || b.Version > MaxVersion || b.Version != float64(int(b.Version)) {
		return importers.Result{}, importers.Invalid("Import.cherryVersion", i18n.Args{"Version": fmt.Sprint(b.Version), "Max": strconv.Itoa(MaxVersion)})
	}
	version := int(b.Version)

	// The topics' names and times and the assistants' prompts are in the
	// persisted Redux store: a JSON string whose values are JSON strings.
	topics := map[string]topic{}
	owner := map[string]assistant{}
	var order []string
	if raw, ok := b.LocalStorage["persist:cherry-studio"]; ok {
		assistants, err := readAssistants(raw)
		if err != nil {
			return importers.Result{}, err
		}
		for _, a := range assistants {
			for _, t := range a.Topics {
				topics[t.ID] = t
				owner[t.ID] = a
				order = append(order, t.ID)
			}
		}
	}

	var tb tables
	if version == 1 {
		// Version 1 kept the database as a list of {key, value}.
		var rows []struct {
			Key   string          `json:"key"`
			Value json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal(b.IndexedDB, &rows); err != nil {
			return importers.Result{}, importers.Invalid("Import.invalidKey", i18n.Args{"Key": "indexedDB", "Err": err})
		}
		for _, r := range rows {
			if !strings.HasPrefix(r.Key, "topic:") {
				continue
			}
			var t struct {
				ID       string    `json:"id"`
				Messages []message `json:"messages"`
			}
			if err := json.Unmarshal(r.Value, &t); err != nil {
				return importers.Result{}, importers.Invalid("Import.invalidKey", i18n.Args{"Key": r.Key, "Err": err})
			}
			tb.Topics = append(tb.Topics, t)
		}
	} else if err := json.Unmarshal(b.IndexedDB, &tb); err != nil {
		return importers.Result{}, importers.Invalid("Import.invalidKey", i18n.Args{"Key": "indexedDB", "Err": err})
	}
	blocks := make(map[string]block, len(tb.MessageBlocks))
	for _, bl := range tb.MessageBlocks {
		blocks[bl.ID] = bl
	}
	// Topics in the order the assistants list them; the rest after.
	slices.SortStableFunc(tb.Topics, func(x, y struct {
		ID       string    `json:"id"`
		Messages []message `json:"messages"`
	}) int {
		return rank(order, x.ID) - rank(order, y.ID)
	})

	var notes importers.Notes
	var res importers.Result
	fallback := importers.Millis(b.Time)
	for _, t := range tb.Topics {
		meta, a := topics[t.ID], owner[t.ID]
		conv := importers.Conversation{
			Title:        meta.Name,
			CreatedAt:    parseTime(meta.CreatedAt),
			UpdatedAt:    parseTime(meta.UpdatedAt),
			SystemPrompt: firstNonEmpty(meta.Prompt, a.Prompt),
			Pinned:       meta.Pinned,
		}
		if a.Model != nil {
			conv.Model = a.Model.ID
		}
		if err := addMessages(&conv, t.Messages, blocks, in, &notes); err != nil {
			return importers.Result{}, importers.At(i18n.T("Import.whereTopic", i18n.Args{"Title": firstNonEmpty(meta.Name, t.ID)}), err)
		}
		if conv.CreatedAt == 0 && !slices.ContainsFunc(conv.Nodes, func(n importers.Node) bool { return n.Msg.CreatedAt > 0 }) {
			conv.CreatedAt = fallback
		}
		if err := res.Add(&conv, &notes, "Import.emptyTopic"); err != nil {
			return importers.Result{}, importers.At(i18n.T("Import.whereTopic", i18n.Args{"Title": firstNonEmpty(meta.Name, t.ID)}), err)
		}
	}
	res.Skipped = notes.Lines()
	return res, nil
}

func rank(order []string, id string) int {
	if i := slices.Index(order, id); i >= 0 {
		return i
	}
	return len(order)
}

func readAssistants(raw json.RawMessage) ([]assistant, error) {
	var persisted string
	if err := json.Unmarshal(raw, &persisted); err != nil {
		return nil, importers.Invalid("Import.cherryPersistNotString", i18n.Args{"Err": err})
	}
	var slices map[string]string
	if err := json.Unmarshal([]byte(persisted), &slices); err != nil {
		return nil, importers.Invalid("Import.invalidKey", i18n.Args{"Key": "persist:cherry-studio", "Err": err})
	}
	s, ok := slices["assistants"]
	if !ok {
		return nil, nil
	}
	var state struct {
		DefaultAssistant *assistant  `json:"defaultAssistant"`
		Assistants       []assistant `json:"assistants"`
	}
	if err := json.Unmarshal([]byte(s), &state); err != nil {
		return nil, importers.Invalid("Import.invalidAssistants", i18n.Args{"Err": err})
	}
	out := state.Assistants
	if state.DefaultAssistant != nil {
		out = append(out, *state.DefaultAssistant)
	}
	return out, nil
}

// addMessages adds a topic's messages. Several answers to one question
// (asked of several models, or again) carry its id as askId: they are
// versions of one answer, the one folded open (foldSelected) shown, or
// else the last.
func addMessages(conv *importers.Conversation, msgs []message, blocks map[string]block, in *importers.Input, notes *importers.Notes) error {
	head := ""                    // what the next question follows
	selected := map[string]bool{} // questions whose shown answer is chosen by foldSelected
	ids := map[string]bool{}
	for i, m := range msgs {
		if m.ID == "" {
			m.ID = fmt.Sprintf("#%d", i)
		}
		if ids[m.ID] {
			return importers.Invalid("Import.messageTwice", i18n.Args{"ID": strconv.Quote(m.ID)})
		}
		ids[m.ID] = true
		msg, err := convert(m, blocks, in, notes)
		if err != nil {
			return importers.At(i18n.T("Import.whereMessage", i18n.Args{"N": strconv.Itoa(i + 1)}), err)
		}
		parent := head
		if m.Role == "assistant" && m.AskID != "" && ids[m.AskID] && m.AskID != m.ID {
			parent = m.AskID
			if m.FoldSelected || !selected[m.AskID] {
				head = m.ID
			}
			selected[m.AskID] = selected[m.AskID] || m.FoldSelected
		} else {
			head = m.ID
		}
		conv.Nodes = append(conv.Nodes, importers.Node{ID: m.ID, Parent: parent, Msg: msg})
	}
	conv.Current = head
	return nil
}

func convert(m message, blocks map[string]block, in *importers.Input, notes *importers.Notes) (store.Message, error) {
	msg := store.Message{CreatedAt: parseTime(m.CreatedAt)}
	switch m.Role {
	case "user":
		msg.Role = store.RoleUser
	case "assistant":
		msg.Role = store.RoleAssistant
		if m.Model != nil {
			msg.Model = m.Model.ID
		}
		msg.Model = firstNonEmpty(msg.Model, m.ModelID)
	case "system":
		msg.Role = store.RoleSystem
	default:
		return msg, importers.Invalid("Import.unknownRole", i18n.Args{"ID": strconv.Quote(m.ID), "Role": strconv.Quote(m.Role)})
	}
	var text, thoughts []string
	if m.Content != nil {
		text = append(text, *m.Content)
	}
	if m.ReasoningContent != "" {
		thoughts = append(thoughts, m.ReasoningContent)
	}
	for _, f := range m.Files {
		text = append(text, attached(f, &msg, in, notes))
	}
	for _, url := range m.Images {
		text = append(text, picture(url, &msg, notes))
	}
	for _, id := range m.Blocks {
		bl, ok := blocks[id]
		if !ok {
			notes.Add(i18n.T("Import.notePartMissing", nil))
			continue
		}
		var s string
		_ = json.Unmarshal(bl.Content, &s)
		switch bl.Type {
		case "main_text":
			text = append(text, s)
		case "thinking":
			thoughts = append(thoughts, s)
			msg.ThinkingMs += int64(bl.ThinkingMillsec)
		case "code":
			text = append(text, "```"+bl.Language+"\n"+s+"\n```")
		case "translation":
			text = append(text, "*[translation:]*\n\n"+s)
			notes.Add(i18n.T("Import.noteTranslation", nil))
		case "image":
			if bl.File != nil {
				text = append(text, attached(*bl.File, &msg, in, notes))
			} else {
				text = append(text, picture(bl.URL, &msg, notes))
			}
		case "file":
			if bl.File != nil {
				text = append(text, attached(*bl.File, &msg, in, notes))
			}
		case "error":
			msg.State = store.StateFailed
			if bl.Error != nil {
				msg.Error = bl.Error.Message
			}
			text = append(text, importers.Placeholder("answer", "Cherry Studio reported: "+firstNonEmpty(msg.Error, "an error")))
			notes.Add(i18n.T("Import.noteError", nil))
		case "tool":
			text = append(text, importers.Placeholder("tool call", bl.ToolName)+"\n\n```json\n"+string(bl.Arguments)+"\n```\n\n```json\n"+string(bl.Content)+"\n```")
			notes.Add(i18n.T("Import.noteToolCall", nil))
		case "citation":
			notes.Add(i18n.T("Import.noteSources", nil))
		case "unknown":
			// A placeholder Cherry Studio shows while an answer starts.
			notes.Add(i18n.T("Import.noteEmptyPart", nil))
		default:
			raw, _ := json.Marshal(bl)
			text = append(text, importers.Placeholder("part of type "+bl.Type, "")+"\n\n```json\n"+string(raw)+"\n```")
			notes.Add(i18n.T("Import.notePartType", i18n.Args{"Type": strconv.Quote(bl.Type)}))
		}
	}
	msg.Content = importers.JoinText(text...)
	msg.Reasoning = importers.JoinText(thoughts...)
	if msg.Role == store.RoleAssistant {
		if msg.Reasoning == "" {
			msg.Content, msg.Reasoning = importers.SplitThinking(msg.Content)
		}
		if m.Usage != nil {
			msg.PromptTokens, msg.CompletionTokens = m.Usage.PromptTokens, m.Usage.CompletionTokens
		}
		if m.Metrics != nil {
			msg.FirstTokenMs = int64(m.Metrics.TimeFirstTokenMillsec)
			if msg.ThinkingMs == 0 {
				msg.ThinkingMs = int64(m.Metrics.TimeThinkingMillsec)
			}
		}
		switch m.Status {
		case "paused":
			msg.State = store.StateInterrupted
		case "error":
			msg.State = store.StateFailed
		}
	}
	return msg, nil
}

// attached keeps a file of a message: a picture or a text found in the
// backup's Data/Files folder, or else a note naming it.
func attached(f file, msg *store.Message, in *importers.Input, notes *importers.Notes) string {
	name := firstNonEmpty(f.OriginName, f.Name)
	stored := firstNonEmpty(f.Name, f.ID+f.Ext)
	var data []byte
	found := false
	for _, g := range in.Files {
		if path.Base(g.Name) == stored && strings.Contains(g.Name, "Files/") {
			data, found = g.Data, true
			break
		}
	}
	switch {
	case found && f.Type == "image":
		if img, why, ok := importers.RawImage(data, name, importers.MIMEOf(stored)); ok {
			msg.Images = append(msg.Images, img)
			return ""
		} else {
			notes.Add(i18n.T("Import.notePictureUnreadable", nil))
			return importers.Placeholder("picture", name+": "+why)
		}
	case found && isText(data):
		notes.Add(i18n.T("Import.noteFileAsText", nil))
		return "[attached file " + name + ":]\n\n````\n" + string(data) + "\n````"
	case f.Type == "image":
		notes.Add(i18n.T("Import.notePictureFileNotInBackup", nil))
		return importers.Placeholder("picture", name)
	}
	notes.Add(i18n.T("Import.noteFileNotInBackup", nil))
	return importers.Placeholder("attached file", name)
}

func picture(url string, msg *store.Message, notes *importers.Notes) string {
	if img, why, ok := importers.DataImage(url, ""); ok {
		msg.Images = append(msg.Images, img)
		return ""
	} else {
		notes.Add(i18n.T("Import.notePictureNotInBackup", nil))
		return importers.Placeholder("picture", why)
	}
}

func isText(data []byte) bool {
	return len(data) > 0 && !strings.ContainsRune(string(data), 0) && strings.ToValidUTF8(string(data), "\uFFFD") == string(data)
}

// parseTime reads Cherry Studio's times: RFC 3339 in newer versions,
// "2006-01-02 15:04:05" (local time, read as UTC) in older ones.
func parseTime(s string) int64 {
	if t := importers.ParseTime(s); t > 0 {
		return t
	}
	t, err := time.Parse(time.DateTime, strings.TrimSpace(s))
	if err != nil || t.Unix() <= 0 {
		return 0
	}
	return t.UnixMilli()
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
