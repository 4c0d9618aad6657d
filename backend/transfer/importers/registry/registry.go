// Package registry lists every importer Brook has, once, and picks the one
// that recognises an input by its content.
package registry

import (
	"bytes"

	"brook/backend/i18n"
	"brook/backend/transfer"
	"brook/backend/transfer/importers"
	"brook/backend/transfer/importers/chatbox"
	"brook/backend/transfer/importers/cherrystudio"
	"brook/backend/transfer/importers/claude"
	"brook/backend/transfer/importers/jan"
	"brook/backend/transfer/importers/lmstudio"
	"brook/backend/transfer/importers/openwebui"
)

// All are the importers, tried in this order; the first whose Detect
// accepts an input reads it. Brook's own export and ChatGPT's come first:
// their shapes are the most distinctive.
var All = []*importers.Importer{
	brookJSON,
	chatGPT,
	claude.Importer,
	openwebui.Importer,
	lmstudio.Importer,
	jan.Importer,
	chatbox.Importer,
	cherrystudio.Importer,
}

// Detect returns the importer that recognises in, or nil.
func Detect(in *importers.Input) *importers.Importer {
	for _, imp := range All {
		if imp.Detect(in) {
			return imp
		}
	}
	return nil
}

// Parse reads in with the importer that recognises it.
func Parse(in *importers.Input) (importers.Result, *importers.Importer, error) {
	imp := Detect(in)
	if imp == nil {
		if in.Folder {
			return importers.Result{}, nil, i18n.Kind(importers.ErrUnknownFormat, "Import.folderNotAnExport", nil)
		}
		return importers.Result{}, nil, i18n.Kind(importers.ErrUnknownFormat, "Import.fileNotAnExport", nil)
	}
	res, err := imp.Parse(in)
	if err != nil {
		return importers.Result{}, imp, err
	}
	if len(res.Bundles) == 0 {
		return importers.Result{}, imp, i18n.Kind(transfer.ErrNoConversations, "Import.noConversationsIn", i18n.Args{"Name": imp.Title()})
	}
	return res, imp, nil
}

// brookJSON is Brook's own export: an object with "format": "brook".
var brookJSON = &importers.Importer{
	Source: transfer.SourceBrook,
	Name:   "Import.nameBrook",
	Detect: func(in *importers.Input) bool { return importers.FirstFile(in, isBrook) >= 0 },
	Parse:  func(in *importers.Input) (importers.Result, error) { return parseWith(in, isBrook) },
}

// chatGPT is ChatGPT's conversations.json: an array of conversations, each
// with a "mapping" of its messages.
var chatGPT = &importers.Importer{
	Source: transfer.SourceChatGPT,
	Name:   "Import.nameChatGPT",
	Detect: func(in *importers.Input) bool { return importers.FirstFile(in, isChatGPT) >= 0 },
	Parse:  func(in *importers.Input) (importers.Result, error) { return parseWith(in, isChatGPT) },
}

func isBrook(s *importers.Shape) bool   { return s.Kind == '{' && s.Has("format", "conversations") }
func isChatGPT(s *importers.Shape) bool { return s.Kind == '[' && s.Has("mapping") }

// parseWith reads the file that fits with Brook's streaming parser of its
// own and ChatGPT's files.
func parseWith(in *importers.Input, fits func(*importers.Shape) bool) (importers.Result, error) {
	f, err := importers.OnlyFile(in, fits)
	if err != nil {
		return importers.Result{}, err
	}
	bundles, _, err := transfer.Parse(bytes.NewReader(f.Data), int64(len(f.Data)))
	if err != nil {
		return importers.Result{}, err
	}
	return importers.Result{Bundles: bundles}, nil
}
