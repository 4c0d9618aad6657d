package app

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"brook/backend/chat"
	"brook/backend/diag"
	"brook/backend/endpoints"
	"brook/backend/events"
	"brook/backend/exchange"
	"brook/backend/guard"
	"brook/backend/paths"
	"brook/backend/provider"
	"brook/backend/selection"
	"brook/backend/store"
	"brook/backend/transfer"
	"brook/backend/version"
)

// The services are bound to the UI as window.go.app.<Service>.<Method>. Each
// method checks the backend started and checks its arguments with
// backend/guard (ids, sizes, text, URLs, paths, enum values), returning
// guard's plain-words refusal unchanged before anything is done, then calls
// into backend/. Methods take no context.Context: that breaks Wails'
// generated TypeScript. Wails runs every call on its own goroutine.

// ChatService sends messages and controls answers.
type ChatService struct{ a *App }

// ConversationService reads and edits conversations.
type ConversationService struct{ a *App }

// ModelService lists endpoints' models and picks the one to select.
type ModelService struct{ a *App }

// SettingsService reads and saves preferences and endpoints.
type SettingsService struct{ a *App }

// TransferService exports and imports conversations through native dialogs.
type TransferService struct{ a *App }

// SystemService talks to the operating system, and gives the UI the words for
// answers' reasons (reasons.go).
type SystemService struct{ a *App }

func newServices(a *App) []any {
	services := []any{&ChatService{a}, &ConversationService{a}, &ModelService{a}, &SettingsService{a}, &TransferService{a}, &SystemService{a}, &LocalModelsService{a}}
	return append(services, testHooks.services(a)...)
}

// hooks are what end-to-end tests need of a build: a bound service that runs
// scenarios in the window, and files instead of the native dialogs. Only a
// build with the testhooks tag has them (testhooks.go); the release binary
// has none.
type hooks struct {
	services   func(a *App) []any
	exportDir  func() string
	importFile func() string
}

var testHooks = hooks{
	services:   func(*App) []any { return nil },
	exportDir:  func() string { return "" },
	importFile: func() string { return "" },
}

// Send stores text as a new message (in a new conversation when conversationID
// is 0) and starts its answer streaming. A new conversation sent without a
// model (endpointID or model empty) gets the one a new conversation starts
// with: the Default model setting, else the model used last, else the first
// offered.
func (s *ChatService) Send(conversationID int64, text, endpointID, model string) (chat.SendResult, error) {
	return s.SendWithImages(conversationID, text, endpointID, model, nil)
}

// SendWithImages is Send with images attached to the message, for vision
// models: at most guard.MaxImages, each a PNG, JPEG, WebP or GIF of at most
// guard.MaxImageBytes, its data in base64. They are checked before anything
// is stored, and refused when the model's server says it cannot see images.
func (s *ChatService) SendWithImages(conversationID int64, text, endpointID, model string, images []store.ImageInput) (chat.SendResult, error) {
	return s.SendWithAttachments(conversationID, text, endpointID, model, images, nil)
}

// checkImages decodes and checks the images the UI attached to a message.
func checkImages(images []store.ImageInput) ([]store.Image, error) {
	if len(images) == 0 {
		return nil, nil
	}
	out := make([]store.Image, 0, len(images))
	for _, in := range images {
		img, err := guard.ImageBase64(in.Name, in.MIME, in.Data)
		if err != nil {
			return nil, err
		}
		out = append(out, store.Image{Name: img.Name, MIME: img.MIME, Width: img.Width, Height: img.Height,
			Size: int64(len(img.Data)), Data: img.Data})
	}
	return out, nil
}

// firstError returns the first error that is not nil.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Stop stops a streaming answer, keeping its text. Stopping an answer that
// has already ended does nothing.
func (s *ChatService) Stop(answerID int64) error {
	if err := s.a.ready(); err != nil {
		return err
	}
	if err := guard.ID("answer", answerID); err != nil {
		return err
	}
	if !s.a.engine.Stop(answerID) {
		_, err := s.a.store.GetMessage(s.a.ctx, answerID)
		return err
	}
	return nil
}

// AskNow stops waiting for an answer's stream and asks for it without
// streaming at once.
func (s *ChatService) AskNow(answerID int64) error {
	if err := s.a.ready(); err != nil {
		return err
	}
	if err := guard.ID("answer", answerID); err != nil {
		return err
	}
	if !s.a.engine.AskNow(answerID) {
		return errors.New("that answer is no longer waiting")
	}
	return nil
}

// Retry asks for an answer again as a new version, shown in its place; the
// old one stays a version.
func (s *ChatService) Retry(answerID int64) (store.Message, error) {
	if err := s.a.ready(); err != nil {
		return store.Message{}, err
	}
	if err := guard.ID("answer", answerID); err != nil {
		return store.Message{}, err
	}
	return s.a.engine.Retry(s.a.ctx, answerID)
}

// Continue extends an interrupted or stopped answer.
func (s *ChatService) Continue(answerID int64) (store.Message, error) {
	if err := s.a.ready(); err != nil {
		return store.Message{}, err
	}
	if err := guard.ID("answer", answerID); err != nil {
		return store.Message{}, err
	}
	return s.a.engine.Continue(s.a.ctx, answerID)
}

// Regenerate asks for another answer as a new version; the old one stays.
func (s *ChatService) Regenerate(answerID int64) (store.Message, error) {
	if err := s.a.ready(); err != nil {
		return store.Message{}, err
	}
	if err := guard.ID("answer", answerID); err != nil {
		return store.Message{}, err
	}
	return s.a.engine.Regenerate(s.a.ctx, answerID)
}

// EditAndResend sends an edited question as a new version of it, with a
// new answer; the original stays a version.
func (s *ChatService) EditAndResend(userMessageID int64, text string) (chat.SendResult, error) {
	if err := s.a.ready(); err != nil {
		return chat.SendResult{}, err
	}
	if err := firstError(guard.ID("message", userMessageID), guard.Message(text)); err != nil {
		return chat.SendResult{}, err
	}
	return s.a.engine.EditAndResend(s.a.ctx, userMessageID, text)
}

// SaveAgain writes an answer whose final write failed; it says why when it
// still cannot.
func (s *ChatService) SaveAgain(answerID int64) error {
	if err := s.a.ready(); err != nil {
		return err
	}
	if err := guard.ID("answer", answerID); err != nil {
		return err
	}
	return s.a.engine.SaveAgain(answerID)
}

// ActiveAnswers lists the answers streaming now.
func (s *ChatService) ActiveAnswers() []int64 {
	if s.a.ready() != nil {
		return []int64{}
	}
	return s.a.engine.Active()
}

// ConversationView is a conversation with its messages.
type ConversationView struct {
	Conversation store.Conversation `json:"conversation"`
	Messages     []store.Message    `json:"messages"`
}

// List returns a page of conversations, pinned first, then newest: limit
// from 1 to guard.MaxPage (0 means that many), offset from 0.
func (s *ConversationService) List(archived bool, limit, offset int) ([]store.Conversation, error) {
	if err := s.a.ready(); err != nil {
		return nil, err
	}
	limit, err := guard.Page(limit, offset)
	if err != nil {
		return nil, err
	}
	return s.a.store.ListConversations(s.a.ctx, store.ListOptions{Archived: archived, Limit: limit, Offset: offset})
}

// Open returns a conversation and all its messages.
func (s *ConversationService) Open(id int64) (ConversationView, error) {
	if err := s.a.ready(); err != nil {
		return ConversationView{}, err
	}
	if err := guard.ID("conversation", id); err != nil {
		return ConversationView{}, err
	}
	c, err := s.a.store.GetConversation(s.a.ctx, id)
	if err != nil {
		return ConversationView{}, err
	}
	msgs, err := s.a.engine.ShownPath(s.a.ctx, id)
	return ConversationView{Conversation: c, Messages: msgs}, err
}

// ShowVersion shows a version of a message in place of the others and
// returns the messages now shown from it down. It is refused while an
// answer of the conversation is being written.
func (s *ConversationService) ShowVersion(id int64) ([]store.Message, error) {
	if err := s.a.ready(); err != nil {
		return nil, err
	}
	if err := guard.ID("message", id); err != nil {
		return nil, err
	}
	return s.a.engine.ShowVersion(s.a.ctx, id)
}

// DeleteVersion removes one version of a message and everything that
// follows it, and returns how many messages went.
func (s *ConversationService) DeleteVersion(id int64) (int, error) {
	if err := s.a.ready(); err != nil {
		return 0, err
	}
	if err := guard.ID("message", id); err != nil {
		return 0, err
	}
	return s.a.engine.DeleteVersion(s.a.ctx, id)
}

// ImageData returns an image attached to a message as a data URL
// ("data:image/png;base64,…"), for showing it.
func (s *ConversationService) ImageData(id int64) (string, error) {
	if err := s.a.ready(); err != nil {
		return "", err
	}
	if err := guard.ID("image", id); err != nil {
		return "", err
	}
	img, err := s.a.store.ImageData(s.a.ctx, id)
	if err != nil {
		return "", err
	}
	return "data:" + img.MIME + ";base64," + base64.StdEncoding.EncodeToString(img.Data), nil
}

// GetMessage returns one message as stored, or, while its final write is
// pending, as Brook holds it.
func (s *ConversationService) GetMessage(id int64) (store.Message, error) {
	if err := s.a.ready(); err != nil {
		return store.Message{}, err
	}
	if err := guard.ID("message", id); err != nil {
		return store.Message{}, err
	}
	return s.a.engine.Message(s.a.ctx, id)
}

func (s *ConversationService) changed(err error) {
	if err == nil {
		s.a.emitter.Emit(events.ConversationsChangedName, 0)
	}
}

// Rename sets a conversation's title.
func (s *ConversationService) Rename(id int64, title string) error {
	return s.edit(id, guard.Title(title), func() error { return s.a.store.RenameConversation(s.a.ctx, id, title) })
}

// SetPinned pins or unpins a conversation.
func (s *ConversationService) SetPinned(id int64, pinned bool) error {
	return s.edit(id, nil, func() error { return s.a.store.SetPinned(s.a.ctx, id, pinned) })
}

// SetArchived archives or unarchives a conversation.
func (s *ConversationService) SetArchived(id int64, archived bool) error {
	return s.edit(id, nil, func() error { return s.a.store.SetArchived(s.a.ctx, id, archived) })
}

// Delete removes a conversation; Restore brings it back for a day.
func (s *ConversationService) Delete(id int64) error {
	return s.edit(id, nil, func() error { return s.a.store.DeleteConversation(s.a.ctx, id) })
}

// Restore undoes Delete.
func (s *ConversationService) Restore(id int64) error {
	return s.edit(id, nil, func() error { return s.a.store.RestoreConversation(s.a.ctx, id) })
}

// SetModel chooses the conversation's model.
func (s *ConversationService) SetModel(id int64, endpointID, model string) error {
	return s.edit(id, guard.Selection(endpointID, model), func() error { return s.a.store.SetConversationModel(s.a.ctx, id, endpointID, model) })
}

// SetSystemPrompt sets the conversation's system prompt.
func (s *ConversationService) SetSystemPrompt(id int64, prompt string) error {
	return s.edit(id, guard.SystemPrompt(prompt), func() error { return s.a.store.SetSystemPrompt(s.a.ctx, id, prompt) })
}

// SetParams sets the conversation's generation parameters; the store checks
// them.
func (s *ConversationService) SetParams(id int64, p store.Params) error {
	return s.edit(id, nil, func() error { return s.a.store.SetParams(s.a.ctx, id, p) })
}

// SaveDraft keeps the composer's text of a conversation.
func (s *ConversationService) SaveDraft(id int64, text string) error {
	if err := s.a.ready(); err != nil {
		return err
	}
	if err := firstError(guard.ID("conversation", id), guard.Draft(text)); err != nil {
		return err
	}
	return s.a.store.SaveDraft(s.a.ctx, id, text)
}

// DeleteMessage removes a message with all its versions; what follows the
// shown one stays. It returns how many messages went.
func (s *ConversationService) DeleteMessage(id int64) (int, error) {
	if err := s.a.ready(); err != nil {
		return 0, err
	}
	if err := guard.ID("message", id); err != nil {
		return 0, err
	}
	return s.a.engine.DeleteMessage(s.a.ctx, id)
}

// Search finds messages by full text, best first.
func (s *ConversationService) Search(query string) ([]store.SearchHit, error) {
	if err := s.a.ready(); err != nil {
		return nil, err
	}
	if err := guard.Search(query); err != nil {
		return nil, err
	}
	return s.a.store.Search(s.a.ctx, query, 50)
}

// edit checks the conversation id and check (the other arguments' check),
// then runs fn and tells the UI the list changed.
func (s *ConversationService) edit(id int64, check error, fn func() error) error {
	if err := s.a.ready(); err != nil {
		return err
	}
	if err := firstError(guard.ID("conversation", id), check); err != nil {
		return err
	}
	err := fn()
	s.changed(err)
	return err
}

// Overview returns, from one survey, every endpoint with its models and the
// model to select (as Default), with why.
func (s *ModelService) Overview() (selection.Overview, error) {
	if err := s.a.ready(); err != nil {
		return selection.Overview{}, err
	}
	return s.a.chooser.Overview(s.a.ctx)
}

// Get returns the settings.
func (s *SettingsService) Get() (store.Settings, error) {
	if err := s.a.ready(); err != nil {
		return store.DefaultSettings(), err
	}
	return s.a.store.LoadSettings(s.a.ctx)
}

// Save stores the user's preferences; the store checks every field and
// refuses in plain words. Brook's own state (the model used last) is kept
// apart and never touched.
func (s *SettingsService) Save(st store.Settings) error {
	if err := s.a.ready(); err != nil {
		return err
	}
	return s.a.store.SaveSettings(s.a.ctx, st)
}

// EndpointView is an endpoint and whether it has a key in the keyring.
type EndpointView struct {
	store.Endpoint
	HasAPIKey bool `json:"hasApiKey"`
}

// Endpoints lists the configured endpoints. Keys never leave the keyring.
func (s *SettingsService) Endpoints() ([]EndpointView, error) {
	if err := s.a.ready(); err != nil {
		return nil, err
	}
	list, err := s.a.store.ListEndpoints(s.a.ctx)
	views := make([]EndpointView, 0, len(list))
	for _, e := range list {
		key, _ := s.a.keys.Get(e.ID)
		views = append(views, EndpointView{Endpoint: e, HasAPIKey: key != ""})
	}
	return views, err
}

// SaveEndpoint adds or updates an endpoint. An empty apiKey keeps the stored
// key; clearKey removes it. The values of the endpoint's extra headers are
// kept as stored; [SettingsService.SaveEndpointWithHeaders] sets them.
func (s *SettingsService) SaveEndpoint(e store.Endpoint, apiKey string, clearKey bool) (store.Endpoint, error) {
	return s.SaveEndpointWithHeaders(e, apiKey, clearKey, nil)
}

// SaveEndpointWithHeaders is SaveEndpoint with new values for some of the
// endpoint's extra headers (e.HeaderNames), by name. A header without a new
// value keeps its stored one; a header no longer named loses its value.
// Values go to the keyring under [store.HeaderSecretID], never the
// database. Authorization may be set by hand only while the endpoint has no
// API key. Nothing is changed when any of it is refused.
func (s *SettingsService) SaveEndpointWithHeaders(e store.Endpoint, apiKey string, clearKey bool, headerValues map[string]string) (store.Endpoint, error) {
	if err := s.a.ready(); err != nil {
		return store.Endpoint{}, err
	}
	if err := firstError(guard.EndpointID(e.ID), guard.Name(e.Name),
		guard.OneOf("endpoint kind", string(e.Kind), string(store.KindOllama), string(store.KindOpenAI)),
		guard.BaseURL(e.BaseURL), guard.ServerKind(e.ServerKind), guard.Models(e.Models), guard.APIKey(apiKey),
		guard.ExtraModels(e.ExtraModels)); err != nil {
		return store.Endpoint{}, err
	}
	if clearKey && strings.TrimSpace(apiKey) != "" {
		return store.Endpoint{}, errors.New("Either give a new API key or remove the stored one, not both.")
	}
	var before store.Endpoint
	if e.ID != "" {
		// Saving names an endpoint that exists; a new one comes without an id.
		list, err := s.a.store.ListEndpoints(s.a.ctx)
		if err != nil {
			return store.Endpoint{}, err
		}
		if !endpointListed(list, e.ID) {
			return store.Endpoint{}, errors.New("That endpoint no longer exists; it may have been deleted. Add it again.")
		}
		for _, x := range list {
			if x.ID == e.ID {
				before = x
			}
		}
	}
	hasKey := false
	if e.Kind == store.KindOpenAI && !clearKey {
		hasKey = strings.TrimSpace(apiKey) != ""
		if !hasKey && e.ID != "" {
			stored, err := s.a.keys.Get(e.ID)
			if err != nil {
				return store.Endpoint{}, fmt.Errorf("reading the stored API key: %w", err)
			}
			hasKey = stored != ""
		}
	}
	storedValue := func(name string) bool {
		if e.ID == "" || !slices.Contains(before.HeaderNames, name) {
			return false
		}
		v, err := s.a.keys.Get(store.HeaderSecretID(e.ID, name))
		return err == nil && v != ""
	}
	if err := guard.Headers(e.HeaderNames, headerValues, hasKey, storedValue); err != nil {
		return store.Endpoint{}, err
	}
	saved, err := s.a.store.SaveEndpoint(s.a.ctx, e)
	if err != nil {
		return saved, err
	}
	s.a.registry.Changed()
	switch {
	case clearKey:
		err = s.a.keys.Delete(saved.ID)
	case apiKey != "":
		err = s.a.keys.Set(saved.ID, strings.TrimSpace(apiKey))
	}
	if err != nil {
		return saved, fmt.Errorf("the endpoint was saved, but the key could not be stored in the keyring: %w", err)
	}
	for name, v := range headerValues {
		if err := s.a.keys.Set(store.HeaderSecretID(saved.ID, http.CanonicalHeaderKey(name)), v); err != nil {
			return saved, fmt.Errorf("the endpoint was saved, but the value of the header %s could not be stored in the keyring: %w", http.CanonicalHeaderKey(name), err)
		}
	}
	for _, name := range before.HeaderNames {
		if !slices.Contains(saved.HeaderNames, name) {
			if err := s.a.keys.Delete(store.HeaderSecretID(saved.ID, name)); err != nil {
				return saved, fmt.Errorf("the endpoint was saved, but the value of the removed header %s could not be removed from the keyring: %w", name, err)
			}
		}
	}
	s.a.registry.Changed()
	return saved, nil
}

// ServerKindOption is one kind of server Settings offers for an endpoint.
type ServerKindOption struct {
	Value     string `json:"value"`
	Label     string `json:"label"`
	Continues bool   `json:"continues"`
}

// ServerKinds lists the kinds of server an endpoint can be set to.
func (s *SettingsService) ServerKinds() []ServerKindOption {
	out := make([]ServerKindOption, 0, len(provider.ServerKinds))
	for _, k := range provider.ServerKinds {
		out = append(out, ServerKindOption{Value: string(k), Label: k.Label(), Continues: k.Prefill() != provider.PrefillNone})
	}
	return out
}

func endpointListed(list []store.Endpoint, id string) bool {
	for _, e := range list {
		if e.ID == id {
			return true
		}
	}
	return false
}

// DeleteEndpoint removes an endpoint, its key and its headers' values.
func (s *SettingsService) DeleteEndpoint(id string) error {
	if err := s.a.ready(); err != nil {
		return err
	}
	if err := guard.RequiredEndpointID(id); err != nil {
		return err
	}
	list, err := s.a.store.ListEndpoints(s.a.ctx)
	if err != nil {
		return err
	}
	if err := s.a.store.DeleteEndpoint(s.a.ctx, id); err != nil {
		return err
	}
	s.a.registry.Changed()
	for _, e := range list {
		if e.ID != id {
			continue
		}
		for _, name := range e.HeaderNames {
			if err := s.a.keys.Delete(store.HeaderSecretID(id, name)); err != nil {
				return err
			}
		}
	}
	return s.a.keys.Delete(id)
}

// TestEndpoint tries the endpoint e as it stands in the editor, saved or
// not: it asks the server what Brook would ask and says what failed. An
// empty apiKey means the key stored for e, if e is saved and has one; the
// extra headers sent are those of e.HeaderNames with a stored value.
func (s *SettingsService) TestEndpoint(e store.Endpoint, apiKey string) (endpoints.ProbeResult, error) {
	if err := s.a.ready(); err != nil {
		return endpoints.ProbeResult{}, err
	}
	if err := firstError(guard.EndpointID(e.ID),
		guard.OneOf("endpoint kind", string(e.Kind), string(store.KindOllama), string(store.KindOpenAI)),
		guard.BaseURL(e.BaseURL), guard.APIKey(apiKey)); err != nil {
		return endpoints.ProbeResult{}, err
	}
	key := strings.TrimSpace(apiKey)
	if key == "" && e.ID != "" && e.Kind == store.KindOpenAI {
		stored, err := s.a.keys.Get(e.ID)
		if err != nil {
			return endpoints.ProbeResult{}, fmt.Errorf("reading the stored API key: %w", err)
		}
		key = stored
	}
	// The headers are those stored for a saved endpoint, for the names it has in the editor.
	headers, err := endpoints.Headers(s.a.keys, e)
	if err != nil {
		return endpoints.ProbeResult{}, err
	}
	return endpoints.Probe(s.a.ctx, e.Kind, e.BaseURL, key, provider.WithHeaders(nil, headers)), nil
}

// Paths says where Brook keeps its files.
func (s *SettingsService) Paths() paths.Layout { return s.a.layout }

// KeyStorage is where API keys live now: "keyring" (the OS keyring),
// "file" (a file only the user can read, which they chose) or "session"
// (memory, lost at quit); Path is where the key file is, or would be.
// FileKeys is how many keys still wait in the key file while the keyring
// answers (it was locked or missing when they were saved): they move only
// when the user says so ([SettingsService.MoveKeysToKeyring]).
type KeyStorage struct {
	Where    string `json:"where"`
	Path     string `json:"path"`
	FileKeys int    `json:"fileKeys"`
}

// KeyStorage says where API keys live now. A keyring that did not answer
// before (locked, or not started) is asked again.
func (s *SettingsService) KeyStorage() (KeyStorage, error) {
	if err := s.a.ready(); err != nil {
		return KeyStorage{}, err
	}
	where, path := s.a.keys.Where()
	return KeyStorage{Where: string(where), Path: path, FileKeys: s.a.keys.FileKeys()}, nil
}

// MoveKeysToKeyring moves the keys waiting in the key file into the OS
// keyring and removes the file, when the user agreed to.
func (s *SettingsService) MoveKeysToKeyring() error {
	if err := s.a.ready(); err != nil {
		return err
	}
	if err := s.a.keys.MoveToKeyring(); err != nil {
		return err
	}
	where, path := s.a.keys.Where()
	s.a.log.Info("key storage changed: the key file's keys moved into the keyring", "where", string(where), "path", path)
	return nil
}

// SetKeyFile keeps API keys in a file only the user can read (on), moving
// this session's keys there, or stops (off): the file is removed and its
// keys are kept for this session only. Only without an OS keyring.
func (s *SettingsService) SetKeyFile(on bool) error {
	if err := s.a.ready(); err != nil {
		return err
	}
	if err := s.a.keys.SetFile(on); err != nil {
		return err
	}
	where, path := s.a.keys.Where()
	s.a.log.Info("key storage changed", "where", string(where), "path", path)
	return nil
}

// StartupNotice is a message for the user about start-up, or "".
func (s *SettingsService) StartupNotice() string { return s.a.notice }

// Export writes conversations (all when ids is empty) in format to a file the
// user picks: the path each conversation shows, or, with allVersions, every
// version of every message in Markdown and HTML (JSON always has them). It
// returns the path, or "" when the user cancelled. The brook command's
// export runs the same [exchange.Export].
func (s *TransferService) Export(ids []int64, format string, allVersions bool) (string, error) {
	if err := s.a.ready(); err != nil {
		return "", err
	}
	formats := make([]string, len(transfer.Formats))
	for i, f := range transfer.Formats {
		formats[i] = string(f)
	}
	if err := firstError(guard.IDs("conversation", ids), guard.OneOf("export format", format, formats...)); err != nil {
		return "", err
	}
	f := transfer.Format(format)
	export, err := exchange.Begin(s.a.ctx, s.a.store, ids, f, s.a.clock())
	if err != nil {
		return "", err
	}
	path, err := s.a.savePath(export.FileName(), f)
	if err != nil || path == "" {
		return "", err
	}
	export.AllVersions = allVersions
	return path, export.WriteFile(s.a.ctx, path)
}

// Import reads a Brook JSON export, a ChatGPT conversations.json or the ZIP
// of a ChatGPT export the user picks ([exchange.Read], as the brook command
// does). It returns nil when the user cancelled. Nothing is imported unless
// the whole file is valid.
func (s *TransferService) Import() (*store.ImportResult, error) {
	if err := s.a.ready(); err != nil {
		return nil, err
	}
	path, err := s.a.openPath()
	if err != nil || path == "" {
		return nil, err
	}
	res, _, err := exchange.Import(s.a.ctx, s.a.store, path)
	if err == nil {
		s.a.emitter.Emit(events.ConversationsChangedName, 0)
	}
	return &res, err
}

func (a *App) savePath(name string, f transfer.Format) (string, error) {
	if dir := testHooks.exportDir(); dir != "" {
		return filepath.Join(dir, name), nil
	}
	return runtime.SaveFileDialog(a.ctx, runtime.SaveDialogOptions{
		Title: "Export conversations", DefaultFilename: name, CanCreateDirectories: true,
		Filters: []runtime.FileFilter{{DisplayName: strings.ToUpper(strings.TrimPrefix(f.Ext(), ".")) + " file", Pattern: "*" + f.Ext()}},
	})
}

func (a *App) openPath() (string, error) {
	if path := testHooks.importFile(); path != "" {
		return path, nil
	}
	return runtime.OpenFileDialog(a.ctx, runtime.OpenDialogOptions{
		Title:   "Import conversations",
		Filters: []runtime.FileFilter{{DisplayName: "Brook or ChatGPT export (*.json, *.zip)", Pattern: "*.json;*.zip"}},
	})
}

// OpenURL opens a link in the system browser or mail program. Only web and
// mail links without credentials open (guard.OpenableURL): model output is
// untrusted.
func (s *SystemService) OpenURL(raw string) error {
	if s.a.closing.Load() {
		return errClosing
	}
	link, err := guard.OpenableURL(raw)
	if err != nil {
		return err
	}
	if !s.a.started() {
		return errNotStarted
	}
	runtime.BrowserOpenURL(s.a.ctx, link)
	return nil
}

// Diagnostics returns a plain-text report for bug reports: versions, paths,
// settings, each endpoint's protocol, host, server kind, answers at once and
// reachability, and the latest warnings and errors. It holds no API keys and
// no message content. It works even when Brook could not start.
func (s *SystemService) Diagnostics() string {
	if s.a.closing.Load() {
		return "Brook is closing."
	}
	if !s.a.started() {
		return "Brook is still starting."
	}
	src := diag.Sources{
		Layout: s.a.layout,
		Extra:  [][2]string{{"WebKitGTK", webkitVersion()}, {"Window", s.a.gpuChoice}},
	}
	if s.a.startErr != nil {
		src.Extra = append(src.Extra, [2]string{"Start-up", "failed: " + s.a.startErr.Error()})
	}
	if s.a.recent != nil {
		src.Recent = s.a.recent.Lines
	}
	if s.a.store != nil {
		src.Store, src.Survey, src.Keys = s.a.store, s.a.registry, s.a.keys
	}
	return diag.Report(s.a.ctx, src)
}

// AboutInfo is what the About sheet shows.
type AboutInfo struct {
	Version   string     `json:"version"`
	Commit    string     `json:"commit"`
	WebKitGTK string     `json:"webkitGtk"`
	Data      string     `json:"data"`
	Logs      string     `json:"logs"`
	Database  string     `json:"database"`
	Links     []LinkInfo `json:"links"`
}

// LinkInfo is a link the About sheet offers, opened with OpenURL.
type LinkInfo struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// aboutLinks are the About sheet's links. (Brook has no published homepage
// yet; add it first here when it has one.)
var aboutLinks = []LinkInfo{
	{Label: "Ollama, to run models locally", URL: "https://ollama.com"},
	{Label: "Wails, the toolkit Brook is built with", URL: "https://wails.io"},
}

// About says which Brook this is and where it keeps its files. It works even
// when Brook could not start (the folders are then where they would be).
func (s *SystemService) About() AboutInfo {
	info := AboutInfo{Version: version.Version, Commit: version.CommitOrStamp(), WebKitGTK: webkitVersion(), Links: aboutLinks}
	l := s.a.layout
	if !s.a.started() || l.Data == "" {
		l, _ = paths.Where()
	}
	info.Data, info.Logs, info.Database = l.Data, l.Logs, l.Database
	return info
}

// processStart is when Brook started, for the launch-to-usable time.
var processStart = time.Now()

// UIReady is called once by the UI when the window is usable: history shown
// and the composer focused. It logs the time since launch, and soon after
// hands the start-up garbage back to the system.
func (s *SystemService) UIReady() {
	if s.a.log != nil {
		s.a.log.Info("ui ready", "since_launch_ms", time.Since(processStart).Milliseconds())
	}
	// Opening the database, the daily backup and the first lists leave a few
	// MB of freed heap that Go would keep for hours in a window that then sits
	// idle; once, when the window's first calls are done, is enough.
	time.AfterFunc(startupSettle, debug.FreeOSMemory)
}

// startupSettle is how long after the window is usable its first calls are
// surely answered.
const startupSettle = 3 * time.Second
