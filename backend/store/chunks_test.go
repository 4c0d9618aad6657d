package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
)

// TestMigrationsReachRetrieval makes sure TestMigrateFromEveryVersion
// covers the step to version 19 (chunks, vectors, knowledge files, answer
// sources) from populated databases of every earlier version.
func TestMigrationsReachRetrieval(t *testing.T) {
	if SchemaVersion() < 19 {
		t.Fatalf("SchemaVersion() = %d, want at least 19", SchemaVersion())
	}
}

func pagedDocument() Document {
	return Document{Name: "guide.pdf", Kind: "pdf", MIME: "application/pdf", Pages: 2, Tokens: 30,
		Text: "--- Page 1 ---\nThe lighthouse keeper.\n\n--- Page 2 ---\nHis cat Zephyrine sleeps.", Data: []byte("%PDF-1.4 guide")}
}

// checkRetrieval uses the retrieval tables of a migrated database (see
// TestMigrateFromEveryVersion): a document attached in conversationID is
// chunked, searched by its words and embedded; a knowledge file outlives
// the message that carried the same file; an answer keeps its sources.
func checkRetrieval(t *testing.T, s *Store, conversationID int64) {
	t.Helper()
	ctx := context.Background()
	m, err := s.AddMessage(ctx, Message{ConversationID: conversationID, Role: RoleUser, Content: "read the guide", Documents: []Document{pagedDocument()}})
	if err != nil {
		t.Fatal(err)
	}
	docs, err := s.ConversationDocuments(ctx, conversationID)
	if err != nil || len(docs[m.ID]) != 1 || docs[m.ID][0].StoredID == 0 {
		t.Fatalf("ConversationDocuments = %+v, %v", docs, err)
	}
	docID := docs[m.ID][0].StoredID
	if done, err := s.DocumentChunked(ctx, docID); err != nil || done {
		t.Fatalf("DocumentChunked before = %v, %v", done, err)
	}
	chunks := []Chunk{{Page: 1, Text: "The lighthouse keeper."}, {Page: 2, Text: "His cat Zephyrine sleeps."}}
	if err := s.SaveChunks(ctx, docID, chunks); err != nil {
		t.Fatal(err)
	}
	// Chunking twice keeps the first chunks.
	if err := s.SaveChunks(ctx, docID, []Chunk{{Text: "other"}}); err != nil {
		t.Fatal(err)
	}
	hits, err := s.SearchChunks(ctx, "What is the cat called? sleeping", []int64{docID}, 5)
	if err != nil || len(hits) != 1 || hits[0].Page != 2 || hits[0].Rank != 1 {
		t.Fatalf("SearchChunks = %+v, %v", hits, err)
	}
	// FTS5's own syntax in a question is only text.
	if _, err := s.SearchChunks(ctx, `cat" OR NEAR(x AND) *`, []int64{docID}, 5); err != nil {
		t.Fatalf("SearchChunks with FTS syntax: %v", err)
	}
	stored, err := s.DocumentChunks(ctx, docID)
	if err != nil || len(stored) != 2 {
		t.Fatalf("DocumentChunks = %+v, %v", stored, err)
	}
	vecs := []ChunkVector{{stored[0].ID, []float32{1, 0.5}}, {stored[1].ID, []float32{-0.25, 3}}}
	if err := s.SaveVectors(ctx, docID, "all-minilm", vecs); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveVectors(ctx, docID, "all-minilm", []ChunkVector{{stored[0].ID, []float32{1}}, {stored[1].ID, []float32{1, 2}}}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("vectors of two lengths: %v, want ErrInvalid", err)
	}
	back, err := s.DocumentVectorBlock(ctx, docID, "all-minilm")
	if err != nil || back.Dims != 2 || !slices.Equal(back.ChunkIDs, []int64{stored[0].ID, stored[1].ID}) || !slices.Equal(back.Data, []float32{1, 0.5, -0.25, 3}) {
		t.Fatalf("DocumentVectorBlock = %+v, %v", back, err)
	}
	if _, err := s.DocumentVectorBlock(ctx, docID, "nomic-embed-text"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("vectors of a model that embedded nothing: %v, want ErrNotFound", err)
	}
	among, err := s.EmbeddedAmong(ctx, []int64{docID, docID + 100}, "all-minilm")
	if err != nil || len(among) != 1 || among[docID] != (EmbeddedDocument{DocumentID: docID, Chunks: 2, Dims: 2}) {
		t.Fatalf("EmbeddedAmong = %+v, %v", among, err)
	}
	if all, err := s.EmbeddedDocuments(ctx, "all-minilm"); err != nil || len(all) != 1 || all[0].DocumentID != docID {
		t.Fatalf("EmbeddedDocuments = %+v, %v", all, err)
	}
	if ok, err := s.DocumentEmbedded(ctx, docID, "all-minilm"); err != nil || !ok {
		t.Fatalf("DocumentEmbedded = %v, %v", ok, err)
	}

	// The same file as a project's knowledge file: one stored document.
	p, err := s.CreateProject(ctx, Project{Name: "Lighthouse"})
	if err != nil {
		t.Fatal(err)
	}
	k, err := s.AddKnowledgeFile(ctx, KnowledgeOwner{ProjectID: p.ID}, pagedDocument())
	if err != nil || k.DocumentID != docID || k.Name != "guide.pdf" || k.Pages != 2 {
		t.Fatalf("AddKnowledgeFile = %+v, %v", k, err)
	}
	if _, err := s.AddKnowledgeFile(ctx, KnowledgeOwner{ProjectID: p.ID, AssistantID: 1}, pagedDocument()); !errors.Is(err, ErrInvalid) {
		t.Fatalf("two owners: %v, want ErrInvalid", err)
	}
	if _, err := s.AddKnowledgeFile(ctx, KnowledgeOwner{ProjectID: p.ID + 100}, pagedDocument()); !errors.Is(err, ErrNotFound) {
		t.Fatalf("no such project: %v, want ErrNotFound", err)
	}
	// The message goes; the knowledge file keeps the document and its chunks.
	if _, err := s.DeleteMessage(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.StoredDocumentText(ctx, docID); err != nil {
		t.Fatalf("the knowledge file's document went with the message: %v", err)
	}
	files, err := s.ConversationKnowledge(ctx, p.ID, 0)
	if err != nil || len(files) != 1 || files[0].ID != k.ID {
		t.Fatalf("ConversationKnowledge = %+v, %v", files, err)
	}
	withContent, err := s.KnowledgeFilesWithContent(ctx, KnowledgeOwner{ProjectID: p.ID})
	if err != nil || len(withContent) != 1 || withContent[0].Text == "" || len(withContent[0].Data) == 0 {
		t.Fatalf("KnowledgeFilesWithContent = %+v, %v", withContent, err)
	}

	// An answer keeps its sources, as they were.
	answer := mustMessage(t, s, conversationID, RoleAssistant, "Zephyrine.")
	rec := AnswerRetrieval{NoticeKind: "no_embedding_model", NoticeText: "words only",
		Sources: []AnswerSource{{ChunkID: stored[1].ID, DocumentID: docID, Name: "guide.pdf", Page: 2, Origin: "knowledge", Text: stored[1].Text}}}
	if err := s.SetAnswerRetrieval(ctx, answer.ID, rec); err != nil {
		t.Fatal(err)
	}

	// Removing the last knowledge file removes the document, its chunks and vectors.
	if err := s.RemoveKnowledgeFile(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveKnowledgeFile(ctx, k.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("removing twice: %v, want ErrNotFound", err)
	}
	if _, _, err := s.StoredDocumentText(ctx, docID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the document stayed: %v", err)
	}
	if left, err := s.DocumentChunks(ctx, docID); err != nil || len(left) != 0 {
		t.Fatalf("chunks left: %+v, %v", left, err)
	}
	if n := countRows(t, s, "doc_chunk_vectors"); n != 0 {
		t.Fatalf("%d vectors left", n)
	}
	got, err := s.AnswerRetrieval(ctx, answer.ID)
	if err != nil || len(got.Sources) != 1 || got.Sources[0].Text != stored[1].Text || got.Sources[0].Rank != 1 || got.NoticeKind != "no_embedding_model" {
		t.Fatalf("AnswerRetrieval = %+v, %v", got, err)
	}
}

// TestRetrievalTables runs checkRetrieval on a fresh database.
func TestRetrievalTables(t *testing.T) {
	s := openTestStore(t)
	checkRetrieval(t, s, mustConversation(t, s, "docs").ID)
}

// TestAssistantKnowledge: an assistant's knowledge files are its own, and
// a chat's knowledge is its project's and its assistant's.
func TestAssistantKnowledge(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	a, err := s.CreateAssistant(ctx, Assistant{Name: "Keeper"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.CreateProject(ctx, Project{Name: "Sea"})
	if err != nil {
		t.Fatal(err)
	}
	ka, err := s.AddKnowledgeFile(ctx, KnowledgeOwner{AssistantID: a.ID}, pagedDocument())
	if err != nil {
		t.Fatal(err)
	}
	other := Document{Name: "tides.txt", Kind: "text", MIME: "text/plain", Text: "High tide at noon.", Data: []byte("High tide at noon.")}
	kp, err := s.AddKnowledgeFile(ctx, KnowledgeOwner{ProjectID: p.ID}, other)
	if err != nil {
		t.Fatal(err)
	}
	own, err := s.KnowledgeFiles(ctx, KnowledgeOwner{AssistantID: a.ID})
	if err != nil || len(own) != 1 || own[0].ID != ka.ID || own[0].AssistantID != a.ID {
		t.Fatalf("KnowledgeFiles = %+v, %v", own, err)
	}
	both, err := s.ConversationKnowledge(ctx, p.ID, a.ID)
	if err != nil || len(both) != 2 || both[0].ID != ka.ID || both[1].ID != kp.ID {
		t.Fatalf("ConversationKnowledge = %+v, %v", both, err)
	}
	if none, err := s.ConversationKnowledge(ctx, 0, 0); err != nil || len(none) != 0 {
		t.Fatalf("ConversationKnowledge of a plain chat = %+v, %v", none, err)
	}
}

// TestVectorEncoding round-trips float32s through the stored form.
func TestVectorEncoding(t *testing.T) {
	v := []float32{0, 1, -2.5, 3.25e-7, 1e30}
	if got := DecodeVector(EncodeVector(v)); !slices.Equal(got, v) {
		t.Fatalf("round trip = %v", got)
	}
}

// TestSearchLeavesOutCommonWordsOverManyChunks: over many chunks, a word
// in most of them is left out of the search, so the chunk that matches the
// rare words ranks first; the rarest word always stays.
func TestSearchLeavesOutCommonWordsOverManyChunks(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	c := mustConversation(t, s, "many")
	m, err := s.AddMessage(ctx, Message{ConversationID: c.ID, Role: RoleUser, Content: "d", Documents: []Document{pagedDocument()}})
	if err != nil {
		t.Fatal(err)
	}
	docs, err := s.ConversationDocuments(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	id := docs[m.ID][0].StoredID
	var chunks []Chunk
	for i := range 60 {
		chunks = append(chunks, Chunk{Text: fmt.Sprintf("The array holds value %d.", i)})
	}
	chunks = append(chunks, Chunk{Page: 9, Text: "Permute the dimensions with aperm; the array keeps its values."})
	if err := s.SaveChunks(ctx, id, chunks); err != nil {
		t.Fatal(err)
	}
	oldAbove, oldBudget := pruneAbove, scoreBudget
	pruneAbove, scoreBudget = 10, 4
	defer func() { pruneAbove, scoreBudget = oldAbove, oldBudget }()
	words, err := s.rarestWords(ctx, queryWords("How do I permute the dimensions of an array?"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(words, []string{`"permute"`, `"dimensions"`}) {
		t.Fatalf("rarestWords = %v, want the two rare words without the common one", words)
	}
	hits, err := s.SearchChunks(ctx, "How do I permute the dimensions of an array?", []int64{id}, 3)
	if err != nil || len(hits) != 1 || hits[0].Page != 9 {
		t.Fatalf("SearchChunks = %+v, %v", hits, err)
	}
	// The rarest word is always kept, however common (here the two are
	// as common, "values" being "value" to the stemmer: the first stays).
	if words, err := s.rarestWords(ctx, queryWords("array value")); err != nil || !slices.Equal(words, []string{`"array"`}) {
		t.Fatalf("rarestWords of two common words = %v, %v; want one", words, err)
	}
}
