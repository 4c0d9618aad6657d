package gguf

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
)

// TinyBERTConfig is the shape of the tiny BERT embedding model.
type TinyBERTConfig struct {
	Layers        int
	Dim           int
	Heads         int
	FF            int
	ContextLength int
	Seed          uint64
}

// DefaultTinyBERT is the embedding model Brook's real-server tests use
// for /api/embed: about 0.9 MB, 64-dimensional vectors, a window of 2,048
// tokens (its vocabulary spells most words letter by letter, so a chunk of
// 1,000 characters can take 700 tokens). Its weights are
// random, so its vectors are deterministic but carry no meaning.
var DefaultTinyBERT = TinyBERTConfig{Layers: 2, Dim: 64, Heads: 4, FF: 128, ContextLength: 2048, Seed: 20261206}

// BERT special token ids in the tiny vocabulary.
const (
	BERTPadID = 0
	BERTUnkID = 1
	BERTCLSID = 2
	BERTSepID = 3
)

// TinyBERTVocab returns the tiny BERT model's WordPiece vocabulary, as
// Ollama's converter writes one: word starts carry "▁" (U+2581), pieces
// inside a word carry nothing. Every ASCII letter and digit is a piece
// both ways, so any ASCII word tokenizes without [UNK].
func TinyBERTVocab() (tokens []string, types []int32) {
	add := func(tok string, typ int32) {
		tokens = append(tokens, tok)
		types = append(types, typ)
	}
	for _, s := range []string{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"} {
		add(s, TokenControl)
	}
	seen := map[string]bool{}
	for _, w := range tinyWords {
		if !seen[w] {
			seen[w] = true
			add("▁"+w, TokenNormal)
		}
	}
	for c := ' ' + 1; c < 127; c++ {
		s := string(c)
		if !seen["▁"+s] && !seen[s] {
			add("▁"+s, TokenNormal)
			add(s, TokenNormal)
		}
	}
	return tokens, types
}

// BuildTinyBERT returns the tiny BERT embedding model as a GGUF file that
// Ollama's own engine (model/models/bert) loads: general.architecture
// "bert", a pooling type (which makes Ollama list it as an embedding
// model), the WordPiece tokenizer, and random F32 weights from cfg.Seed
// with layer norms at one and biases at zero.
func BuildTinyBERT(cfg TinyBERTConfig) (*File, error) {
	if cfg.Dim%cfg.Heads != 0 {
		return nil, fmt.Errorf("gguf: dim %d, heads %d do not divide", cfg.Dim, cfg.Heads)
	}
	tokens, types := TinyBERTVocab()
	scores := make([]float32, len(tokens))
	nVocab, dim, ff, ctx := uint64(len(tokens)), uint64(cfg.Dim), uint64(cfg.FF), uint64(cfg.ContextLength)
	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	random := func(n uint64, std float64) []float32 {
		a := std * math.Sqrt(3)
		out := make([]float32, n)
		for i := range out {
			out[i] = float32((rng.Float64()*2 - 1) * a)
		}
		return out
	}
	fill := func(n uint64, v float32) []float32 {
		out := make([]float32, n)
		for i := range out {
			out[i] = v
		}
		return out
	}
	f := &File{KVs: []KV{
		{"general.architecture", "bert"},
		{"general.name", "brook-tiny-embed"},
		{"general.alignment", uint32(Alignment)},
		{"general.file_type", uint32(0)},
		{"bert.context_length", uint32(cfg.ContextLength)},
		{"bert.embedding_length", uint32(cfg.Dim)},
		{"bert.block_count", uint32(cfg.Layers)},
		{"bert.feed_forward_length", uint32(cfg.FF)},
		{"bert.attention.head_count", uint32(cfg.Heads)},
		{"bert.attention.layer_norm_epsilon", float32(1e-12)},
		{"bert.attention.causal", false},
		{"bert.pooling_type", uint32(1)}, // mean
		{"tokenizer.ggml.model", "bert"},
		{"tokenizer.ggml.tokens", tokens},
		{"tokenizer.ggml.scores", scores},
		{"tokenizer.ggml.token_type", types},
		{"tokenizer.ggml.padding_token_id", uint32(BERTPadID)},
		{"tokenizer.ggml.unknown_token_id", uint32(BERTUnkID)},
		{"tokenizer.ggml.cls_token_id", uint32(BERTCLSID)},
		{"tokenizer.ggml.separator_token_id", uint32(BERTSepID)},
		{"tokenizer.ggml.add_bos_token", true},
		{"tokenizer.ggml.add_eos_token", true},
	}}
	t := func(name string, data []float32, dims ...uint64) {
		f.Tensors = append(f.Tensors, Tensor{Name: name, Dims: dims, Data: data})
	}
	w := 1 / math.Sqrt(float64(dim))
	t("token_embd.weight", random(dim*nVocab, 1), dim, nVocab)
	t("token_types.weight", random(dim*2, 0.1), dim, 2)
	t("position_embd.weight", random(dim*ctx, 0.1), dim, ctx)
	t("token_embd_norm.weight", fill(dim, 1), dim)
	t("token_embd_norm.bias", fill(dim, 0), dim)
	for l := 0; l < cfg.Layers; l++ {
		p := fmt.Sprintf("blk.%d.", l)
		for _, m := range []string{"attn_q", "attn_k", "attn_v", "attn_output"} {
			t(p+m+".weight", random(dim*dim, w), dim, dim)
			t(p+m+".bias", fill(dim, 0), dim)
		}
		t(p+"attn_output_norm.weight", fill(dim, 1), dim)
		t(p+"attn_output_norm.bias", fill(dim, 0), dim)
		t(p+"ffn_up.weight", random(dim*ff, w), dim, ff)
		t(p+"ffn_up.bias", fill(ff, 0), ff)
		t(p+"ffn_down.weight", random(ff*dim, 1/math.Sqrt(float64(ff))), ff, dim)
		t(p+"ffn_down.bias", fill(dim, 0), dim)
		t(p+"layer_output_norm.weight", fill(dim, 1), dim)
		t(p+"layer_output_norm.bias", fill(dim, 0), dim)
	}
	return f, nil
}

// WriteTinyBERT writes the tiny BERT embedding model with cfg to w.
func WriteTinyBERT(w io.Writer, cfg TinyBERTConfig) (int64, error) {
	f, err := BuildTinyBERT(cfg)
	if err != nil {
		return 0, err
	}
	return f.WriteTo(w)
}
