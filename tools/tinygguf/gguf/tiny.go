package gguf

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
)

// TinyConfig is the shape of the tiny llama model.
type TinyConfig struct {
	Layers        int
	Dim           int // embedding_length
	Heads         int
	KVHeads       int
	FF            int // feed_forward_length
	ContextLength int
	Seed          uint64
}

// DefaultTiny is the shape Brook's tests use: about 0.5 MB, loads in well
// under a second and streams hundreds of tokens per second on a CPU.
var DefaultTiny = TinyConfig{
	Layers:        2,
	Dim:           64,
	Heads:         4,
	KVHeads:       2,
	FF:            128,
	ContextLength: 4096,
	Seed:          20240601,
}

// Token types of tokenizer.ggml.token_type (llama.cpp's llama_token_type).
const (
	TokenNormal  int32 = 1
	TokenUnknown int32 = 2
	TokenControl int32 = 3
	TokenByte    int32 = 6
)

// Special token ids in the tiny vocabulary.
const (
	UnkID = 0
	BOSID = 1
	EOSID = 2
)

// tinyWords are the word pieces the model emits; each gets the SentencePiece
// "▁" (U+2581) word-start prefix. Punctuation pieces carry no prefix.
var tinyWords = strings.Fields(`
the of and to in is was he for it with as his on be at by had are but from
or have an they which one you were her all she there would their we him been
has when who will more no if out so said what up its about into than them can
only other new some could time these two may then do first any my now such like
our over man me even most made after also did many before must through back years
where much your way well down should because each just those people how too little
state good very make world still own see men work long get here between both life
right used take three small river cat dog tree light rain
stone garden window quiet bright morning story music paper`)

var tinyPunct = []string{".", ",", "!", "?", "▁-"}

// TinyVocab returns the tiny model's tokens, scores and token types:
// <unk>, <s>, </s>, the 256 byte tokens <0x00>..<0xFF>, then word pieces.
func TinyVocab() (tokens []string, scores []float32, types []int32) {
	add := func(tok string, score float32, typ int32) {
		tokens = append(tokens, tok)
		scores = append(scores, score)
		types = append(types, typ)
	}
	add("<unk>", 0, TokenUnknown)
	add("<s>", 0, TokenControl)
	add("</s>", 0, TokenControl)
	for b := 0; b < 256; b++ {
		add(fmt.Sprintf("<0x%02X>", b), 0, TokenByte)
	}
	seen := map[string]bool{}
	for i, w := range tinyWords {
		tok := "▁" + w
		if seen[tok] {
			continue
		}
		seen[tok] = true
		add(tok, -float32(i+1), TokenNormal)
	}
	for i, p := range tinyPunct {
		add(p, -float32(len(tinyWords)+i+1), TokenNormal)
	}
	return tokens, scores, types
}

// BuildTiny returns the tiny llama model as a GGUF file: random F32 weights
// from cfg.Seed, with the output rows of control and byte tokens zeroed so the
// model almost never emits end-of-sequence or broken UTF-8.
func BuildTiny(cfg TinyConfig) (*File, error) {
	if cfg.Dim%cfg.Heads != 0 || cfg.Heads%cfg.KVHeads != 0 {
		return nil, fmt.Errorf("gguf: dim %d, heads %d, kv heads %d do not divide", cfg.Dim, cfg.Heads, cfg.KVHeads)
	}
	tokens, scores, types := TinyVocab()
	nVocab := uint64(len(tokens))
	dim, ff := uint64(cfg.Dim), uint64(cfg.FF)
	headDim := dim / uint64(cfg.Heads)
	kvDim := headDim * uint64(cfg.KVHeads)

	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	// uniform in [-a, a] with standard deviation std.
	random := func(n uint64, std float64) []float32 {
		a := std * math.Sqrt(3)
		out := make([]float32, n)
		for i := range out {
			out[i] = float32((rng.Float64()*2 - 1) * a)
		}
		return out
	}
	ones := func(n uint64) []float32 {
		out := make([]float32, n)
		for i := range out {
			out[i] = 1
		}
		return out
	}

	f := &File{KVs: []KV{
		{"general.architecture", "llama"},
		{"general.name", "brook-tiny"},
		{"general.alignment", uint32(Alignment)},
		{"general.file_type", uint32(0)}, // all F32
		{"llama.context_length", uint32(cfg.ContextLength)},
		{"llama.embedding_length", uint32(cfg.Dim)},
		{"llama.block_count", uint32(cfg.Layers)},
		{"llama.feed_forward_length", uint32(cfg.FF)},
		{"llama.attention.head_count", uint32(cfg.Heads)},
		{"llama.attention.head_count_kv", uint32(cfg.KVHeads)},
		{"llama.attention.key_length", uint32(headDim)},
		{"llama.attention.value_length", uint32(headDim)},
		{"llama.attention.layer_norm_rms_epsilon", float32(1e-5)},
		{"llama.rope.dimension_count", uint32(headDim)},
		{"llama.rope.freq_base", float32(10000)},
		{"llama.vocab_size", uint32(nVocab)},
		{"tokenizer.ggml.model", "llama"},
		{"tokenizer.ggml.tokens", tokens},
		{"tokenizer.ggml.scores", scores},
		{"tokenizer.ggml.token_type", types},
		{"tokenizer.ggml.unknown_token_id", uint32(UnkID)},
		{"tokenizer.ggml.bos_token_id", uint32(BOSID)},
		{"tokenizer.ggml.eos_token_id", uint32(EOSID)},
		{"tokenizer.ggml.add_bos_token", true},
		{"tokenizer.ggml.add_eos_token", false},
	}}
	t := func(name string, data []float32, dims ...uint64) {
		f.Tensors = append(f.Tensors, Tensor{Name: name, Dims: dims, Data: data})
	}

	t("token_embd.weight", random(dim*nVocab, 1), dim, nVocab)
	for l := 0; l < cfg.Layers; l++ {
		p := fmt.Sprintf("blk.%d.", l)
		t(p+"attn_norm.weight", ones(dim), dim)
		t(p+"attn_q.weight", random(dim*dim, 1/math.Sqrt(float64(dim))), dim, dim)
		t(p+"attn_k.weight", random(dim*kvDim, 1/math.Sqrt(float64(dim))), dim, kvDim)
		t(p+"attn_v.weight", random(dim*kvDim, 1/math.Sqrt(float64(dim))), dim, kvDim)
		t(p+"attn_output.weight", random(dim*dim, 1/math.Sqrt(float64(dim))), dim, dim)
		t(p+"ffn_norm.weight", ones(dim), dim)
		t(p+"ffn_gate.weight", random(dim*ff, 1/math.Sqrt(float64(dim))), dim, ff)
		t(p+"ffn_up.weight", random(dim*ff, 1/math.Sqrt(float64(dim))), dim, ff)
		t(p+"ffn_down.weight", random(ff*dim, 1/math.Sqrt(float64(ff))), ff, dim)
	}
	t("output_norm.weight", ones(dim), dim)
	// Logits are about N(0, 8*0.5=4) for word tokens; zero rows give logit 0,
	// far below the best word, so control and byte tokens are almost never sampled.
	out := random(dim*nVocab, 0.5)
	for i, typ := range types {
		if typ != TokenNormal {
			clear(out[uint64(i)*dim : uint64(i+1)*dim])
		}
	}
	t("output.weight", out, dim, nVocab)
	return f, nil
}

// WriteTiny writes the tiny llama model with cfg to w.
func WriteTiny(w io.Writer, cfg TinyConfig) (int64, error) {
	f, err := BuildTiny(cfg)
	if err != nil {
		return 0, err
	}
	return f.WriteTo(w)
}
