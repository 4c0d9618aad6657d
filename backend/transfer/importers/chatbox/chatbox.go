// Package chatbox imports Chatbox's data backup (Settings, Data Backup,
// Export): one JSON file holding its stored keys, with the sessions under
// "chat-sessions" in older versions and one "session:<id>" key each in
// newer ones.
package chatbox

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"brook/backend/i18n"
	"brook/backend/store"
	"brook/backend/transfer/importers"
)

// Source names Chatbox among Brook's import sources.
const Source = "chatbox"

// Importer reads Chatbox backups.
var Importer = &importers.Importer{
	Source: Source,
	Name:   "Import.nameChatbox",
	Detect: func(in *importers.Input) bool { return importers.FirstFile(in, fits) >= 0 },
	Parse:  parse,
}

// fits tells a backup by its shape: an object with its sessions (the
// "chat-sessions" list or "session:" keys) beside the export's own
// "__exported_at" or Chatbox's "settings".
func fits(s *importers.Shape) bool {
	return s.Kind == '{' && (s.Has("chat-sessions") || s.HasPrefix("session:")) &&
		(s.Has("__exported_at") || s.Has("settings"))
}

type session struct {
	ID               string          `json:"id"`
	Type             string          `json:"type"`
	Name             string          `json:"name"`
	Starred          bool            `json:"starred"`
	Messages         []message       `json:"messages"`
	Threads          []sessionThread `json:"threads"`
	ThreadName       string          `json:"threadName"`
	MessageForksHash map[string]fork `json:"messageForksHash"`
}

type sessionThread struct {
	Name      string    `json:"name"`
	Messages  []message `json:"messages"`
	CreatedAt float64   `json:"createdAt"`
}

// fork is the other branches that follow one message: the branch at
// Position is the one the session's messages show (its own list is stale
// until the user switches away); the others are kept in their lists.
type fork struct {
	Position *float64 `json:"position"`
	Lists    []struct {
		ID       string    `json:"id"`
		Messages []message `json:"messages"`
	} `json:"lists"`
}

type message struct {
	ID                string  `json:"id"`
	Role              string  `json:"role"`
	Content           *string `json:"content"`
	ContentParts      []part  `json:"contentParts"`
	ReasoningContent  string  `json:"reasoningContent"`
	Model             string  `json:"model"`
	AIProvider        string  `json:"aiProvider"`
	Timestamp         float64 `json:"timestamp"`
	UpdatedAt         float64 `json:"updatedAt"`
	FirstTokenLatency float64 `json:"firstTokenLatency"`
	Error             string  `json:"error"`
	Generating        bool    `json:"generating"`
	Pictures          []struct {
		URL        string `json:"url"`
		StorageKey string `json:"storageKey"`
	} `json:"pictures"`
	Files []struct {
		Name string `json:"name"`
	} `json:"files"`
	Links []struct {
		URL   string `json:"url"`
		Title string `json:"title"`
	} `json:"links"`
	Usage *struct {
		InputTokens  int `json:"inputTokens"`
		OutputTokens int `json:"outputTokens"`
	} `json:"usage"`
}

type part struct {
	Type       string          `json:"type"`
	Text       string          `json:"text"`
	StorageKey string          `json:"storageKey"`
	Duration   float64         `json:"duration"`
	ToolName   string          `json:"toolName"`
	Args       json.RawMessage `json:"args"`
	Result     json.RawMessage `json:"result"`
}

func parse(in *importers.Input) (importers.Result, error) {
	f, err := importers.OnlyFile(in, fits)
	if err != nil {
		return importers.Result{}, err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(f.Data, &top); err != nil {
		return importers.Result{}, importers.Invalid("Import.invalidDetail", i18n.Args{"Err": err})
	}
	var exportedAt string
	_ = json.Unmarshal(top["__exported_at"], &exportedAt)
	// Messages without times (the oldest versions) take the export's.
	fallback := importers.ParseTime(exportedAt)

	var sessions []session
	if raw, ok := top["chat-sessions"]; ok {
		if err := json.Unmarshal(raw, &sessions); err != nil {
			return importers.Result{}, importers.Invalid("Import.invalidKey", i18n.Args{"Key": "chat-sessions", "Err": err})
		}
	}
	var keys []string
	for k := range top {
		if strings.HasPrefix(k, "session:") {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		var s session
		if err := json.Unmarshal(top[k], &s); err != nil {
			return importers.Result{}, importers.Invalid("Import.invalidKey", i18n.Args{"Key": k, "Err": err})
		}
		if s.ID == "" {
			s.ID = strings.TrimPrefix(k, "session:")
		}
		if !slices.ContainsFunc(sessions, func(o session) bool { return o.ID == s.ID }) {
			sessions = append(sessions, s)
		}
	}

	var notes importers.Notes
	var res importers.Result
	for i, s := range sessions {
		if s.Type == "picture" {
			notes.Add(i18n.T("Import.notePictureSession", nil))
			continue
		}
		// Earlier threads of a session (before "new thread") each become a
		// conversation of their own, as Chatbox shows them apart.
		type part struct {
			title string
			msgs  []message
			start int64
		}
		parts := []part{}
		for _, t := range s.Threads {
			parts = append(parts, part{joinTitle(s.Name, t.Name), t.Messages, importers.Millis(t.CreatedAt)})
		}
		parts = append(parts, part{joinTitle(s.Name, s.ThreadName), s.Messages, 0})
		for _, p := range parts {
			conv := importers.Conversation{Title: p.title, CreatedAt: p.start, Pinned: s.Starred}
			b := builder{conv: &conv, forks: s.MessageForksHash, notes: &notes, seen: map[string]bool{}}
			if err := b.chain(p.msgs, ""); err != nil {
				return importers.Result{}, importers.At(i18n.T("Import.whereSession", i18n.Args{"N": strconv.Itoa(i + 1), "Title": s.Name}), err)
			}
			if conv.CreatedAt == 0 && !hasTime(conv.Nodes) {
				conv.CreatedAt = fallback
			}
			if err := res.Add(&conv, &notes, "Import.emptySession"); err != nil {
				return importers.Result{}, importers.At(i18n.T("Import.whereSession", i18n.Args{"N": strconv.Itoa(i + 1), "Title": s.Name}), err)
			}
		}
	}
	res.Skipped = notes.Lines()
	return res, nil
}

func joinTitle(name, thread string) string {
	if strings.TrimSpace(thread) == "" || thread == name {
		return name
	}
	return name + ": " + thread
}

func hasTime(nodes []importers.Node) bool {
	return slices.ContainsFunc(nodes, func(n importers.Node) bool { return n.Msg.CreatedAt > 0 })
}

// builder turns a session's messages and forks into a tree.
type builder struct {
	conv  *importers.Conversation
	forks map[string]fork
	notes *importers.Notes
	// seen holds the forks being followed, so that a fork that leads back
	// to itself is refused instead of followed for ever.
	seen map[string]bool
}

// chain adds msgs, each following the one before, the first following
// parent; at a message with a fork, the other branches follow it too.
// The last message of the shown chain is made current.
func (b *builder) chain(msgs []message, parent string) error {
	shown := parent == "" || b.conv.Current == parent
	for _, m := range msgs {
		msg, err := convert(m, b.notes)
		if err != nil {
			return err
		}
		b.conv.Nodes = append(b.conv.Nodes, importers.Node{ID: m.ID, Parent: parent, Msg: msg})
		parent = m.ID
		if shown {
			b.conv.Current = m.ID
		}
		f, ok := b.forks[m.ID]
		if !ok || m.ID == "" {
			continue
		}
		if b.seen[m.ID] {
			return importers.Invalid("Import.branchesLoop", i18n.Args{"ID": strconv.Quote(m.ID)})
		}
		b.seen[m.ID] = true
		pos := -1
		if f.Position != nil {
			pos = int(*f.Position)
			if float64(pos) != *f.Position || pos < 0 || pos >= len(f.Lists) {
				return importers.Invalid("Import.branchOutOfRange", i18n.Args{"ID": strconv.Quote(m.ID), "Position": fmt.Sprint(*f.Position), "Total": len(f.Lists)})
			}
		}
		for i, l := range f.Lists {
			if i == pos {
				continue // shown: the rest of msgs
			}
			if err := b.chainAside(l.Messages, m.ID); err != nil {
				return err
			}
		}
		delete(b.seen, m.ID)
	}
	return nil
}

// chainAside adds a branch that is not shown.
func (b *builder) chainAside(msgs []message, parent string) error {
	current := b.conv.Current
	b.conv.Current = "\x00" // no branch aside is shown
	err := b.chain(msgs, parent)
	b.conv.Current = current
	return err
}

func convert(m message, notes *importers.Notes) (store.Message, error) {
	msg := store.Message{CreatedAt: importers.Millis(m.Timestamp), UpdatedAt: importers.Millis(m.UpdatedAt)}
	switch m.Role {
	case "user":
		msg.Role = store.RoleUser
	case "assistant":
		msg.Role = store.RoleAssistant
		msg.Model = m.Model
	case "system":
		msg.Role = store.RoleSystem
	case "tool":
		msg.Role = store.RoleAssistant
		notes.Add(i18n.T("Import.noteToolMessageAsAnswer", nil))
	default:
		return msg, importers.Invalid("Import.unknownRole", i18n.Args{"ID": strconv.Quote(m.ID), "Role": strconv.Quote(m.Role)})
	}
	var text, thoughts []string
	if m.Content != nil {
		text = append(text, *m.Content) // versions before content parts
	}
	if m.ReasoningContent != "" {
		thoughts = append(thoughts, m.ReasoningContent)
	}
	for _, p := range m.ContentParts {
		switch p.Type {
		case "text":
			text = append(text, p.Text)
		case "reasoning":
			thoughts = append(thoughts, p.Text)
			msg.ThinkingMs += int64(p.Duration)
		case "image":
			// Chatbox keeps pictures in its own storage; the backup names them.
			text = append(text, importers.Placeholder("picture", p.StorageKey))
			notes.Add(i18n.T("Import.notePictureStorageKey", nil))
		case "info":
			// Chatbox's own remark in the answer ("web search was off").
			text = append(text, "*["+p.Text+"]*")
			notes.Add(i18n.T("Import.noteChatboxRemark", nil))
		case "tool-call":
			text = append(text, importers.Placeholder("tool call", p.ToolName)+"\n\n```json\n"+string(p.Args)+"\n```\n\n```json\n"+string(p.Result)+"\n```")
			notes.Add(i18n.T("Import.noteToolCall", nil))
		default:
			raw, _ := json.Marshal(p)
			text = append(text, importers.Placeholder("content of type "+p.Type, "")+"\n\n```json\n"+string(raw)+"\n```")
			notes.Add(i18n.T("Import.noteContentType", i18n.Args{"Type": strconv.Quote(p.Type)}))
		}
	}
	for _, p := range m.Pictures {
		if img, why, ok := importers.DataImage(p.URL, ""); ok {
			msg.Images = append(msg.Images, img)
		} else {
			text = append(text, importers.Placeholder("picture", why))
			notes.Add(i18n.T("Import.notePictureNotInBackup", nil))
		}
	}
	for _, f := range m.Files {
		text = append(text, importers.Placeholder("attached file", f.Name))
		notes.Add(i18n.T("Import.noteFileNameOnlyBackup", nil))
	}
	for _, l := range m.Links {
		text = append(text, "[attached link: ["+l.Title+"]("+l.URL+")]")
		notes.Add(i18n.T("Import.noteLink", nil))
	}
	msg.Content = importers.JoinText(text...)
	msg.Reasoning = importers.JoinText(thoughts...)
	if msg.Role == store.RoleAssistant {
		if msg.Reasoning == "" {
			msg.Content, msg.Reasoning = importers.SplitThinking(msg.Content)
		}
		msg.FirstTokenMs = int64(m.FirstTokenLatency)
		if m.Usage != nil {
			msg.PromptTokens, msg.CompletionTokens = m.Usage.InputTokens, m.Usage.OutputTokens
		}
		switch {
		case m.Error != "":
			msg.State, msg.Error = store.StateFailed, m.Error
			if strings.TrimSpace(msg.Content) == "" {
				msg.Content = importers.Placeholder("answer", "Chatbox reported: "+m.Error)
				notes.Add(i18n.T("Import.noteFailedAnswer", nil))
			}
		case m.Generating:
			msg.State = store.StateInterrupted
		}
	}
	return msg, nil
}
