//go:build linux

package realollama

import (
	"context"
	"math"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"brook/backend/retrieval"
	"brook/backend/store"
)

// TestEmbedOnRealOllama: the real Ollama loads the tiny BERT model that
// tools/tinygguf writes and answers /api/embed through Brook's embedder,
// one vector a text, the same vector for the same text.
func TestEmbedOnRealOllama(t *testing.T) {
	s := Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := s.AddEmbedModel(ctx); err != nil {
		t.Fatal(err)
	}
	emb := retrieval.Ollama{Client: s.API()}
	texts := []string{"the river runs under the bridge", "a quiet garden in the morning rain", "the river runs under the bridge"}
	vecs, err := emb.Embed(ctx, EmbedModelName, texts)
	if err != nil {
		t.Fatalf("Embed: %v", err)
	}
	if len(vecs) != 3 || len(vecs[0]) != 64 {
		t.Fatalf("%d vectors of %d dimensions, want 3 of 64", len(vecs), len(vecs[0]))
	}
	if !slices.Equal(vecs[0], vecs[2]) || slices.Equal(vecs[0], vecs[1]) {
		t.Fatal("the same text gave different vectors, or different texts the same")
	}
	var norm float64
	for _, x := range vecs[0] {
		if math.IsNaN(float64(x)) {
			t.Fatal("NaN in a vector")
		}
		norm += float64(x) * float64(x)
	}
	if math.Abs(norm-1) > 1e-3 {
		t.Fatalf("vector length² %v, want 1 (the model normalises)", norm)
	}
	// A model the server does not have is an error, not vectors.
	if _, err := emb.Embed(ctx, "no-such-model", texts[:1]); err == nil {
		t.Fatal("a missing model embedded; want an error")
	}
}

// TestRetrievalIndexesWithRealOllama: a document is chunked, embedded in
// the background by the real server, and searched by words and vectors
// together, with no fallback notice.
func TestRetrievalIndexesWithRealOllama(t *testing.T) {
	s := Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := s.AddEmbedModel(ctx); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	set := store.DefaultSettings()
	set.EmbedEndpointID, set.EmbedModel = "ollama", EmbedModelName
	if err := st.SaveSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
	svc := retrieval.New(ctx, retrieval.Config{Store: st, Batch: 4,
		Embedder: func(context.Context, string) (retrieval.Embedder, error) {
			return retrieval.Ollama{Client: s.API()}, nil
		}})
	defer svc.Close()
	c, err := st.CreateConversation(ctx, store.Conversation{Title: "doc"})
	if err != nil {
		t.Fatal(err)
	}
	text := "--- Page 1 ---\nThe mill by the river.\n\n--- Page 2 ---\nThe keeper's cat is called Zephyrine.\n\n--- Page 3 ---\nRain in the garden."
	m, err := st.AddMessage(ctx, store.Message{ConversationID: c.ID, Role: store.RoleUser, Content: "read",
		Documents: []store.Document{{Name: "keeper.pdf", Kind: "pdf", MIME: "application/pdf", Text: text, Data: []byte(text)}}})
	if err != nil {
		t.Fatal(err)
	}
	docs, err := st.ConversationDocuments(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	id := docs[m.ID][0].StoredID
	if err := svc.Prepare(ctx, []int64{id}); err != nil {
		t.Fatal(err)
	}
	for ok := false; !ok; {
		if ok, err = st.DocumentEmbedded(ctx, id, EmbedModelName); err != nil {
			t.Fatal(err)
		}
		select {
		case <-ctx.Done():
			t.Fatal("never embedded")
		case <-time.After(50 * time.Millisecond):
		}
	}
	res, err := svc.Search(ctx, "What is the cat called?", []int64{id}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if res.Notice.Kind != retrieval.NoticeNone || len(res.Chunks) != 2 || res.Chunks[0].Page != 2 {
		t.Fatalf("Search = %+v, notice %+v; want page 2 first (its words match) and no notice", res.Chunks, res.Notice)
	}
}
