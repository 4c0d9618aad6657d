package app

import (
	"path/filepath"
	"strings"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"brook/backend/events"
	"brook/backend/exchange"
	"brook/backend/store"
	"brook/backend/transfer"
)

// TransferService exports and imports conversations through native dialogs.
type TransferService struct{ a *App }

// Export writes conversations (all when ids is empty) in format to a file the
// user picks: the path each conversation shows, or, with allVersions, every
// version of every message in Markdown and HTML (JSON always has them). It
// returns the path, or "" when the user cancelled. The brook command's
// export runs the same [exchange.Export].
func (s *TransferService) Export(ids []int64, format string, allVersions bool) (string, error) {
	if err := s.a.ready(); err != nil {
		return "", err
	}
	export, err := exchange.BeginChecked(s.a.ctx, s.a.store, ids, format, s.a.clock())
	if err != nil {
		return "", err
	}
	path, err := s.a.savePath(export.FileName(), transfer.Format(format))
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
