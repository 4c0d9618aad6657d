package retrieval

import (
	"brook/backend/i18n"
	"context"
	"encoding/base64"

	"brook/backend/documents"
	"brook/backend/store"
)

// KnowledgeStore is what adding knowledge files needs of [store.Store].
type KnowledgeStore interface {
	AddKnowledgeFile(ctx context.Context, owner store.KnowledgeOwner, d store.Document) (store.KnowledgeFile, error)
}

// AddKnowledge reads a file the window sends as base64 (its size checked
// before it is decoded, as for an attachment), stores it as a knowledge
// file of owner, and prepares it for retrieval: chunked now, embedded in
// the background. Bad input gets the documents reader's plain refusal and
// stores nothing.
func (s *Service) AddKnowledge(ctx context.Context, ks KnowledgeStore, owner store.KnowledgeOwner, name, data string) (store.KnowledgeFile, error) {
	if size := int64(base64.StdEncoding.DecodedLen(len(data))); size > documents.MaxFileBytes+3 {
		_, err := documents.Read(name, make([]byte, documents.MaxFileBytes+1))
		return store.KnowledgeFile{}, err
	}
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return store.KnowledgeFile{}, i18n.Errorf("Retrieval.badBase64", i18n.Args{"Name": name})
	}
	doc, err := documents.Read(name, raw)
	if err != nil {
		return store.KnowledgeFile{}, err
	}
	k, err := ks.AddKnowledgeFile(ctx, owner, doc.Stored())
	if err != nil {
		return store.KnowledgeFile{}, err
	}
	if err := s.Prepare(ctx, []int64{k.DocumentID}); err != nil {
		s.cfg.Logger.Info("preparing a knowledge file for retrieval failed; it is prepared when first needed", "file", k.ID, "err", err)
	}
	return k, nil
}
