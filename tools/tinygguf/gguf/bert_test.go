package gguf

import (
	"bytes"
	"testing"
)

// TestTinyBERTShape: the tiny BERT file says it is an embedding model
// (a pooling type), has the WordPiece specials where its ids say, and
// every ASCII letter as a word start and as a piece.
func TestTinyBERTShape(t *testing.T) {
	f, err := BuildTinyBERT(DefaultTinyBERT)
	if err != nil {
		t.Fatal(err)
	}
	kv := map[string]any{}
	for _, p := range f.KVs {
		kv[p.Key] = p.Value
	}
	if kv["general.architecture"] != "bert" || kv["bert.pooling_type"] != uint32(1) || kv["tokenizer.ggml.model"] != "bert" {
		t.Fatalf("metadata %v", kv)
	}
	tokens, _ := TinyBERTVocab()
	if tokens[BERTCLSID] != "[CLS]" || tokens[BERTSepID] != "[SEP]" || tokens[BERTUnkID] != "[UNK]" || tokens[BERTPadID] != "[PAD]" {
		t.Fatalf("specials %v", tokens[:5])
	}
	have := map[string]bool{}
	for _, tok := range tokens {
		if have[tok] {
			t.Fatalf("token %q twice", tok)
		}
		have[tok] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		if !have["▁"+string(c)] || !have[string(c)] {
			t.Fatalf("letter %c missing", c)
		}
	}
	var buf bytes.Buffer
	if n, err := f.WriteTo(&buf); err != nil || n != int64(buf.Len()) || !bytes.HasPrefix(buf.Bytes(), []byte(Magic)) {
		t.Fatalf("WriteTo = %d, %v", n, err)
	}
}
