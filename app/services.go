package app

import "net/http"

// The services are bound to the UI as window.go.app.<Service>.<Method>. Each
// method checks the backend started and checks its arguments with
// backend/guard (ids, sizes, text, URLs, paths, enum values), returning
// guard's plain-words refusal unchanged before anything is done, then calls
// into backend/. Methods take no context.Context: that breaks Wails'
// generated TypeScript. Wails runs every call on its own goroutine.

func newServices(a *App) []any {
	services := []any{&ChatService{a}, &ConversationService{a}, &ModelService{a}, &SettingsService{a}, &TransferService{a}, &SystemService{a}, &LocalModelsService{a}, &OllamaServerService{a}, &ContextService{a}, &ProjectService{a}, &AssistantService{a},
		&ToolService{a}, &ToolCallService{a}, &RetrievalService{a}}
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
	// assets serves files a test scenario needs beside the UI's own (axe-core
	// for the accessibility audit), so that none of them is in the release
	// binary; nil in the release build.
	assets http.Handler
}

var testHooks = hooks{
	services:   func(*App) []any { return nil },
	exportDir:  func() string { return "" },
	importFile: func() string { return "" },
}
