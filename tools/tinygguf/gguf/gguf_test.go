package gguf

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
)

// parsed is what an independent, minimal GGUF reader sees in a file.
type parsed struct {
	version     uint32
	tensorCount uint64
	kvs         map[string]any
	keys        []string
	tensors     []tensorInfo
	dataStart   int64
}

type tensorInfo struct {
	name   string
	dims   []uint64
	typ    uint32
	offset uint64
}

// parse reads a GGUF header written by anything, following the GGUF v3 spec;
// it shares no code with the writer.
func parse(t *testing.T, b []byte) parsed {
	t.Helper()
	r := bytes.NewReader(b)
	le := binary.LittleEndian
	rd := func(v any) {
		t.Helper()
		if err := binary.Read(r, le, v); err != nil {
			t.Fatalf("read at %d: %v", len(b)-r.Len(), err)
		}
	}
	str := func() string {
		var n uint64
		rd(&n)
		if n > uint64(r.Len()) {
			t.Fatalf("string length %d past end", n)
		}
		s := make([]byte, n)
		io.ReadFull(r, s)
		return string(s)
	}
	var scalar func(typ uint32) any
	scalar = func(typ uint32) any {
		switch ValueType(typ) {
		case TypeUint8:
			var v uint8
			rd(&v)
			return v
		case TypeInt8:
			var v int8
			rd(&v)
			return v
		case TypeUint16:
			var v uint16
			rd(&v)
			return v
		case TypeInt16:
			var v int16
			rd(&v)
			return v
		case TypeUint32:
			var v uint32
			rd(&v)
			return v
		case TypeInt32:
			var v int32
			rd(&v)
			return v
		case TypeFloat32:
			var v float32
			rd(&v)
			return v
		case TypeBool:
			var v uint8
			rd(&v)
			if v > 1 {
				t.Fatalf("bool byte %d", v)
			}
			return v == 1
		case TypeString:
			return str()
		case TypeUint64:
			var v uint64
			rd(&v)
			return v
		case TypeInt64:
			var v int64
			rd(&v)
			return v
		case TypeFloat64:
			var v float64
			rd(&v)
			return v
		case TypeArray:
			var et uint32
			var n uint64
			rd(&et)
			rd(&n)
			out := make([]any, n)
			for i := range out {
				out[i] = scalar(et)
			}
			return out
		}
		t.Fatalf("unknown value type %d", typ)
		return nil
	}

	magic := make([]byte, 4)
	io.ReadFull(r, magic)
	if string(magic) != "GGUF" {
		t.Fatalf("magic = %q, want GGUF", magic)
	}
	var p parsed
	var kvCount uint64
	rd(&p.version)
	rd(&p.tensorCount)
	rd(&kvCount)
	p.kvs = map[string]any{}
	for range kvCount {
		k := str()
		var typ uint32
		rd(&typ)
		p.kvs[k] = scalar(typ)
		p.keys = append(p.keys, k)
	}
	for range p.tensorCount {
		var ti tensorInfo
		ti.name = str()
		var nd uint32
		rd(&nd)
		ti.dims = make([]uint64, nd)
		for i := range ti.dims {
			rd(&ti.dims[i])
		}
		rd(&ti.typ)
		rd(&ti.offset)
		p.tensors = append(p.tensors, ti)
	}
	pos := int64(len(b) - r.Len())
	p.dataStart = (pos + 31) / 32 * 32
	return p
}

func TestTinyModelHeader(t *testing.T) {
	var buf bytes.Buffer
	n, err := WriteTiny(&buf, DefaultTiny)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(buf.Len()) {
		t.Fatalf("WriteTiny reported %d bytes, wrote %d", n, buf.Len())
	}
	b := buf.Bytes()
	p := parse(t, b)

	if p.version != 3 {
		t.Errorf("version = %d, want 3", p.version)
	}
	// token_embd, output_norm, output + 9 per layer.
	if want := uint64(3 + 9*DefaultTiny.Layers); p.tensorCount != want {
		t.Errorf("tensor count = %d, want %d", p.tensorCount, want)
	}

	wantU32 := map[string]uint32{
		"llama.context_length":            4096,
		"llama.embedding_length":          64,
		"llama.block_count":               2,
		"llama.feed_forward_length":       128,
		"llama.attention.head_count":      4,
		"llama.attention.head_count_kv":   2,
		"llama.attention.key_length":      16,
		"llama.attention.value_length":    16,
		"llama.rope.dimension_count":      16,
		"tokenizer.ggml.bos_token_id":     BOSID,
		"tokenizer.ggml.eos_token_id":     EOSID,
		"tokenizer.ggml.unknown_token_id": UnkID,
	}
	for k, want := range wantU32 {
		if got, ok := p.kvs[k].(uint32); !ok || got != want {
			t.Errorf("%s = %#v, want uint32 %d", k, p.kvs[k], want)
		}
	}
	if got := p.kvs["general.architecture"]; got != "llama" {
		t.Errorf("general.architecture = %#v", got)
	}
	if got := p.kvs["tokenizer.ggml.model"]; got != "llama" {
		t.Errorf("tokenizer.ggml.model = %#v", got)
	}
	if got, ok := p.kvs["llama.attention.layer_norm_rms_epsilon"].(float32); !ok || got <= 0 || got > 1e-3 {
		t.Errorf("layer_norm_rms_epsilon = %#v", p.kvs["llama.attention.layer_norm_rms_epsilon"])
	}
	if got, ok := p.kvs["llama.rope.freq_base"].(float32); !ok || got != 10000 {
		t.Errorf("rope.freq_base = %#v", p.kvs["llama.rope.freq_base"])
	}
	if got := p.kvs["tokenizer.ggml.add_bos_token"]; got != true {
		t.Errorf("add_bos_token = %#v", got)
	}

	tokens, _ := p.kvs["tokenizer.ggml.tokens"].([]any)
	scores, _ := p.kvs["tokenizer.ggml.scores"].([]any)
	types, _ := p.kvs["tokenizer.ggml.token_type"].([]any)
	if len(tokens) < 380 || len(tokens) > 420 {
		t.Fatalf("vocab size = %d, want about 400", len(tokens))
	}
	if len(scores) != len(tokens) || len(types) != len(tokens) {
		t.Fatalf("tokens %d, scores %d, types %d", len(tokens), len(scores), len(types))
	}
	if got := p.kvs["llama.vocab_size"]; got != uint32(len(tokens)) {
		t.Errorf("llama.vocab_size = %#v, want %d", got, len(tokens))
	}
	for i, s := range []string{"<unk>", "<s>", "</s>"} {
		if tokens[i] != s {
			t.Errorf("token %d = %q, want %q", i, tokens[i], s)
		}
	}
	for b := 0; b < 256; b++ {
		want := fmt.Sprintf("<0x%02X>", b)
		if tokens[3+b] != want || types[3+b] != TokenByte {
			t.Fatalf("token %d = %q type %v, want %q byte", 3+b, tokens[3+b], types[3+b], want)
		}
	}
	words := 0
	for i, tok := range tokens {
		if types[i] == TokenNormal && strings.HasPrefix(tok.(string), "▁") {
			words++
		}
	}
	if words < 120 {
		t.Errorf("%d ▁word tokens, want at least 120", words)
	}

	for _, k := range []string{"general.architecture", "llama.context_length", "tokenizer.ggml.tokens", "tokenizer.ggml.scores", "tokenizer.ggml.token_type", "tokenizer.ggml.add_bos_token"} {
		if !slices.Contains(p.keys, k) {
			t.Errorf("missing key %s", k)
		}
	}

	// Tensor infos: F32, aligned offsets, and the data section ends the file.
	var end uint64
	var output *tensorInfo
	for i, ti := range p.tensors {
		if ti.typ != TensorTypeF32 {
			t.Errorf("%s: type %d, want F32", ti.name, ti.typ)
		}
		if ti.offset%32 != 0 || ti.offset < end {
			t.Errorf("%s: offset %d (previous end %d)", ti.name, ti.offset, end)
		}
		n := uint64(4)
		for _, d := range ti.dims {
			n *= d
		}
		end = ti.offset + n
		if ti.name == "output.weight" {
			output = &p.tensors[i]
		}
	}
	if got, want := int64(len(b)), p.dataStart+int64((end+31)/32*32); got != want {
		t.Errorf("file is %d bytes, header says %d", got, want)
	}
	if output == nil || !slices.Equal(output.dims, []uint64{64, uint64(len(tokens))}) {
		t.Fatalf("output.weight = %+v", output)
	}

	// Output rows: zero for control/byte/unknown tokens, non-zero for words.
	row := func(tok int) []float32 {
		o := p.dataStart + int64(output.offset) + int64(tok)*64*4
		v := make([]float32, 64)
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[o+int64(i)*4:]))
		}
		return v
	}
	for i := range tokens {
		allZero := !slices.ContainsFunc(row(i), func(x float32) bool { return x != 0 })
		if normal := types[i] == TokenNormal; normal == allZero {
			t.Fatalf("token %d %q (type %v): output row all zero = %v", i, tokens[i], types[i], allZero)
		}
	}
}

func TestTinyModelDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if _, err := WriteTiny(&a, DefaultTiny); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteTiny(&b, DefaultTiny); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two writes with the same seed differ")
	}
}

func TestWriteRejectsBadTensor(t *testing.T) {
	f := &File{Tensors: []Tensor{{Name: "x", Dims: []uint64{2, 3}, Data: make([]float32, 5)}}}
	if _, err := f.WriteTo(io.Discard); err == nil {
		t.Error("WriteTo accepted 5 values for dims [2 3]")
	}
}
