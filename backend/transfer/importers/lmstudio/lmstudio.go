// Package lmstudio imports LM Studio's conversations: the
// <id>.conversation.json files of ~/.lmstudio/conversations (or, in older
// versions, ~/.cache/lm-studio/conversations), one picked alone or the
// whole folder.
package lmstudio

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"path"
	"regexp"
	"strconv"
	"strings"

	"brook/backend/i18n"
	"brook/backend/store"
	"brook/backend/transfer/importers"
)

// Source names LM Studio among Brook's import sources.
const Source = "lmstudio"

// Importer reads LM Studio conversation files.
var Importer = &importers.Importer{
	Source: Source,
	Name:   "Import.nameLMStudio",
	Detect: func(in *importers.Input) bool { return importers.FirstFile(in, fits) >= 0 },
	Parse:  parse,
}

// fits tells a conversation file by its shape: an object with its
// "messages" and the number "createdAt", and a "name" or LM Studio's
// "tokenCount". Open WebUI's chat has "history" beside its messages.
func fits(s *importers.Shape) bool {
	return s.Kind == '{' && s.Has("messages", "createdAt") && !s.Has("history") &&
		(s.Has("name") || s.Has("tokenCount"))
}

type conversation struct {
	Name                    string    `json:"name"`
	Pinned                  bool      `json:"pinned"`
	CreatedAt               float64   `json:"createdAt"`
	UserLastMessagedAt      float64   `json:"userLastMessagedAt"`
	AssistantLastMessagedAt float64   `json:"assistantLastMessagedAt"`
	SystemPrompt            string    `json:"systemPrompt"`
	Messages                []message `json:"messages"`
	// PerChat holds the system prompt of files older than the top-level
	// "systemPrompt", as the field "llm.prediction.systemPrompt".
	PerChat *struct {
		Fields []struct {
			Key   string          `json:"key"`
			Value json.RawMessage `json:"value"`
		} `json:"fields"`
	} `json:"perChatPredictionConfig"`
	LastUsedModel *struct {
		Identifier             string `json:"identifier"`
		IndexedModelIdentifier string `json:"indexedModelIdentifier"`
	} `json:"lastUsedModel"`
}

type message struct {
	Versions          []version `json:"versions"`
	CurrentlySelected *float64  `json:"currentlySelected"`
}

// version is one version of a message: "singleStep" (a user's message, or
// an answer of old files) with its content, or "multiStep" (an answer)
// with its steps.
type version struct {
	Type       string            `json:"type"`
	Role       string            `json:"role"`
	Content    []part            `json:"content"`
	Steps      []json.RawMessage `json:"steps"`
	SenderInfo *struct {
		SenderName string `json:"senderName"`
	} `json:"senderInfo"`
}

type part struct {
	Type           string `json:"type"`
	Text           string `json:"text"`
	FileIdentifier string `json:"fileIdentifier"`
	FileType       string `json:"fileType"`
	Name           string `json:"name"`
}

type step struct {
	Type    string `json:"type"`
	Content []part `json:"content"`
	Style   *struct {
		Type  string `json:"type"`
		Title string `json:"title"`
	} `json:"style"`
	Prefix  string `json:"prefix"`
	GenInfo *struct {
		Identifier             string `json:"identifier"`
		IndexedModelIdentifier string `json:"indexedModelIdentifier"`
		Stats                  *struct {
			StopReason           string  `json:"stopReason"`
			TokensPerSecond      float64 `json:"tokensPerSecond"`
			TimeToFirstTokenSec  float64 `json:"timeToFirstTokenSec"`
			PromptTokensCount    int     `json:"promptTokensCount"`
			PredictedTokensCount int     `json:"predictedTokensCount"`
		} `json:"stats"`
	} `json:"genInfo"`
}

func parse(in *importers.Input) (importers.Result, error) {
	var notes importers.Notes
	var res importers.Result
	for i, f := range in.Files {
		if s := in.Shape(i); s == nil || !fits(s) {
			continue
		}
		var c conversation
		if err := json.Unmarshal(f.Data, &c); err != nil {
			return importers.Result{}, importers.At(f.Name, importers.Invalid("Import.invalidDetail", i18n.Args{"Err": err}))
		}
		conv, err := convert(c, in, &notes)
		if err != nil {
			return importers.Result{}, importers.At(f.Name, err)
		}
		if err := res.Add(&conv, &notes, "Import.emptyConversation"); err != nil {
			return importers.Result{}, importers.At(f.Name, err)
		}
	}
	res.Skipped = notes.Lines()
	return res, nil
}

func convert(c conversation, in *importers.Input, notes *importers.Notes) (importers.Conversation, error) {
	conv := importers.Conversation{
		Title:        c.Name,
		CreatedAt:    importers.Millis(c.CreatedAt),
		UpdatedAt:    max(importers.Millis(c.UserLastMessagedAt), importers.Millis(c.AssistantLastMessagedAt)),
		SystemPrompt: c.SystemPrompt,
		Pinned:       c.Pinned,
	}
	if conv.CreatedAt == 0 {
		return conv, importers.Invalid("Import.noCreatedAt", nil)
	}
	if strings.TrimSpace(conv.SystemPrompt) == "" && c.PerChat != nil {
		for _, f := range c.PerChat.Fields {
			if f.Key == "llm.prediction.systemPrompt" {
				_ = json.Unmarshal(f.Value, &conv.SystemPrompt)
			}
		}
	}
	if c.LastUsedModel != nil {
		conv.Model = firstNonEmpty(c.LastUsedModel.Identifier, c.LastUsedModel.IndexedModelIdentifier)
	}
	parent := ""
	for i, m := range c.Messages {
		if len(m.Versions) == 0 {
			notes.Add(i18n.T("Import.noteNoVersions", nil))
			continue
		}
		shown := len(m.Versions) - 1
		if m.CurrentlySelected != nil {
			sel := *m.CurrentlySelected
			if sel != math.Trunc(sel) || sel < 0 || int(sel) >= len(m.Versions) {
				return conv, importers.Invalid("Import.versionOutOfRange", i18n.Args{"N": strconv.Itoa(i + 1), "Version": fmt.Sprint(sel), "Total": len(m.Versions)})
			}
			shown = int(sel)
		}
		for j, v := range m.Versions {
			msg, err := convertVersion(v, in, notes)
			if err != nil {
				return conv, importers.At(i18n.T("Import.whereMessage", i18n.Args{"N": strconv.Itoa(i + 1)}), err)
			}
			conv.Nodes = append(conv.Nodes, importers.Node{ID: nodeID(i, j), Parent: parent, Msg: msg})
		}
		parent = nodeID(i, shown)
	}
	conv.Current = parent
	return conv, nil
}

func nodeID(i, j int) string { return strconv.Itoa(i) + "/" + strconv.Itoa(j) }

// thoughtFor reads the time LM Studio gives its thinking step:
// "Thought for 19.35 seconds".
var thoughtFor = regexp.MustCompile(`([0-9]+(?:\.[0-9]+)?) seconds?`)

func convertVersion(v version, in *importers.Input, notes *importers.Notes) (store.Message, error) {
	var msg store.Message
	switch v.Role {
	case "user":
		msg.Role = store.RoleUser
	case "assistant":
		msg.Role = store.RoleAssistant
	case "system":
		msg.Role = store.RoleSystem
	default:
		return msg, importers.Invalid("Import.roleOfMessage", i18n.Args{"Role": strconv.Quote(v.Role)})
	}
	var text, thoughts []string
	text = append(text, contentText(v.Content, &msg, in, notes)...)
	for _, raw := range v.Steps {
		var s step
		if err := json.Unmarshal(raw, &s); err != nil {
			return msg, importers.Invalid("Import.invalidStep", i18n.Args{"Err": err})
		}
		switch s.Type {
		case "contentBlock":
			parts := contentText(s.Content, &msg, in, notes)
			if (s.Style != nil && s.Style.Type == "thinking") || strings.Contains(s.Prefix, "<think>") {
				thoughts = append(thoughts, parts...)
				if s.Style != nil {
					if m := thoughtFor.FindStringSubmatch(s.Style.Title); m != nil {
						sec, _ := strconv.ParseFloat(m[1], 64)
						msg.ThinkingMs += int64(math.Round(sec * 1000))
					}
				}
			} else {
				text = append(text, parts...)
			}
			if g := s.GenInfo; g != nil {
				msg.Model = firstNonEmpty(g.Identifier, g.IndexedModelIdentifier, msg.Model)
				if st := g.Stats; st != nil {
					msg.PromptTokens, msg.CompletionTokens = st.PromptTokensCount, st.PredictedTokensCount
					msg.TokensPerSecond = st.TokensPerSecond
					msg.FirstTokenMs = int64(math.Round(st.TimeToFirstTokenSec * 1000))
					msg.EndReason = st.StopReason
				}
			}
		case "debugInfoBlock", "status":
			// What LM Studio shows about its own workings, not the answer.
			notes.Add(i18n.T("Import.noteLMStudioStep", i18n.Args{"Type": s.Type}))
		default:
			var compact bytes.Buffer
			_ = json.Compact(&compact, raw)
			text = append(text, importers.Placeholder("step of type "+s.Type, "")+"\n\n```json\n"+compact.String()+"\n```")
			notes.Add(i18n.T("Import.noteStepType", i18n.Args{"Type": strconv.Quote(s.Type)}))
		}
	}
	if v.SenderInfo != nil && msg.Role == store.RoleAssistant {
		msg.Model = firstNonEmpty(msg.Model, v.SenderInfo.SenderName)
	}
	msg.Content = importers.JoinText(text...)
	msg.Reasoning = importers.JoinText(thoughts...)
	if msg.Role == store.RoleAssistant && msg.Reasoning == "" {
		msg.Content, msg.Reasoning = importers.SplitThinking(msg.Content)
	}
	if msg.Role != store.RoleAssistant {
		msg.Model = ""
	}
	return msg, nil
}

// contentText reads a content list: its texts, and its files, which LM
// Studio keeps in its user-files folder; a file found in the input by its
// identifier is kept, as a picture or as text.
func contentText(parts []part, msg *store.Message, in *importers.Input, notes *importers.Notes) []string {
	var out []string
	for _, p := range parts {
		switch p.Type {
		case "text":
			out = append(out, p.Text)
		case "file":
			name := firstNonEmpty(p.Name, p.FileIdentifier)
			data, found := lookup(in, p.FileIdentifier)
			switch {
			case found && p.FileType == "image":
				if img, why, ok := importers.RawImage(data, name, importers.MIMEOf(name)); ok {
					msg.Images = append(msg.Images, img)
				} else {
					out = append(out, importers.Placeholder("picture", name+": "+why))
					notes.Add(i18n.T("Import.notePictureUnreadable", nil))
				}
			case found && p.FileType != "image" && isText(data):
				out = append(out, "[attached file "+name+":]\n\n````\n"+string(data)+"\n````")
				notes.Add(i18n.T("Import.noteFileAsText", nil))
			case p.FileType == "image":
				out = append(out, importers.Placeholder("picture", name))
				notes.Add(i18n.T("Import.notePictureUserFiles", nil))
			default:
				out = append(out, importers.Placeholder("attached file", name))
				notes.Add(i18n.T("Import.noteFileUserFiles", nil))
			}
		default:
			raw, _ := json.Marshal(p)
			out = append(out, importers.Placeholder("content of type "+p.Type, "")+"\n\n```json\n"+string(raw)+"\n```")
			notes.Add(i18n.T("Import.noteContentType", i18n.Args{"Type": strconv.Quote(p.Type)}))
		}
	}
	return out
}

// lookup finds a file of the input by its base name.
func lookup(in *importers.Input, name string) ([]byte, bool) {
	if name == "" {
		return nil, false
	}
	for _, f := range in.Files {
		if path.Base(f.Name) == name {
			return f.Data, true
		}
	}
	return nil, false
}

func isText(data []byte) bool {
	return len(data) > 0 && !strings.ContainsRune(string(data), 0) && strings.ToValidUTF8(string(data), "\uFFFD") == string(data)
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
