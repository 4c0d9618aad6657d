package app

import (
	"path/filepath"
	"strings"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"brook/backend/events"
	"brook/backend/exchange"
	"brook/backend/guard"
	"brook/backend/i18n"
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

// PickImport asks the user for what to import: a file (JSON or ZIP) or,
// with folder, a folder. It returns the path, or "" when the user cancelled.
func (s *TransferService) PickImport(folder bool) (string, error) {
	if err := s.a.ready(); err != nil {
		return "", err
	}
	return s.a.importPath(folder)
}

// Preview reads the file, folder or ZIP at path (picked or dropped) and says
// what importing it would bring, writing nothing ([exchange.MakePreview]).
func (s *TransferService) Preview(path string) (exchange.Preview, error) {
	if err := guard.First(s.a.ready(), guard.Path(path)); err != nil {
		return exchange.Preview{}, err
	}
	return exchange.MakePreview(s.a.ctx, s.a.store, path)
}

// ImportPicked imports the conversations picked (indexes into the preview's
// list) of path, whose preview gave token: all in one transaction, or none
// ([exchange.ImportPicked]).
func (s *TransferService) ImportPicked(path, token string, picked []int) (exchange.Summary, error) {
	if err := guard.First(s.a.ready(), guard.Path(path)); err != nil {
		return exchange.Summary{}, err
	}
	sum, err := exchange.ImportPicked(s.a.ctx, s.a.store, path, token, picked)
	if err == nil {
		s.a.emitter.Emit(events.ConversationsChangedName, 0)
	}
	return sum, err
}

func (a *App) savePath(name string, f transfer.Format) (string, error) {
	if dir := testHooks.exportDir(); dir != "" {
		return filepath.Join(dir, name), nil
	}
	return runtime.SaveFileDialog(a.ctx, runtime.SaveDialogOptions{
		Title: i18n.T("Dialog.export", nil), DefaultFilename: name, CanCreateDirectories: true,
		Filters: []runtime.FileFilter{{DisplayName: i18n.T("Dialog.fileOfType", i18n.Args{"Type": strings.ToUpper(strings.TrimPrefix(f.Ext(), "."))}), Pattern: "*" + f.Ext()}},
	})
}

func (a *App) importPath(folder bool) (string, error) {
	if path := testHooks.importFile(); path != "" {
		return path, nil
	}
	if folder {
		return runtime.OpenDirectoryDialog(a.ctx, runtime.OpenDialogOptions{Title: i18n.T("Dialog.importFolder", nil)})
	}
	return runtime.OpenFileDialog(a.ctx, runtime.OpenDialogOptions{
		Title: i18n.T("Dialog.import", nil),
		// The filter names every kind of export Brook reads.
		Filters: []runtime.FileFilter{{DisplayName: i18n.T("Dialog.importFilter", nil), Pattern: "*.json;*.zip"}, {DisplayName: i18n.T("Dialog.allFiles", nil), Pattern: "*"}},
	})
}
