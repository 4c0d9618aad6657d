// Package gguf writes GGUF v3 model files, and builds a tiny random
// llama-architecture model that a real Ollama server loads and streams from.
// It is test tooling for Brook: the model produces word-like noise quickly,
// which is all the real-server tests need.
package gguf

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
)

// Magic is the first four bytes of every GGUF file.
const Magic = "GGUF"

// Version is the GGUF format version this package writes.
const Version uint32 = 3

// Alignment is the tensor data alignment this package writes (general.alignment).
const Alignment = 32

// ValueType is a GGUF metadata value type.
type ValueType uint32

// GGUF metadata value types.
const (
	TypeUint8   ValueType = 0
	TypeInt8    ValueType = 1
	TypeUint16  ValueType = 2
	TypeInt16   ValueType = 3
	TypeUint32  ValueType = 4
	TypeInt32   ValueType = 5
	TypeFloat32 ValueType = 6
	TypeBool    ValueType = 7
	TypeString  ValueType = 8
	TypeArray   ValueType = 9
	TypeUint64  ValueType = 10
	TypeInt64   ValueType = 11
	TypeFloat64 ValueType = 12
)

// TensorTypeF32 is ggml's GGML_TYPE_F32, the only tensor type written here.
const TensorTypeF32 uint32 = 0

// KV is one metadata key/value pair. Value must be one of: uint32, int32,
// uint64, float32, bool, string, []string, []float32, []int32.
type KV struct {
	Key   string
	Value any
}

// Tensor is one F32 tensor. Dims are in ggml order: Dims[0] is the innermost
// (contiguous) dimension, e.g. {n_embd, n_vocab} for token_embd.weight.
type Tensor struct {
	Name string
	Dims []uint64
	Data []float32
}

// File is a GGUF file to write: metadata then tensors, in the order given.
type File struct {
	KVs     []KV
	Tensors []Tensor
}

// WriteTo writes f as GGUF v3. It checks that every tensor's data length
// matches its dims.
func (f *File) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: bufio.NewWriter(w)}
	le := binary.LittleEndian
	put := func(v any) {
		if cw.err == nil {
			cw.err = binary.Write(cw, le, v)
		}
	}
	putString := func(s string) {
		put(uint64(len(s)))
		if cw.err == nil {
			_, cw.err = io.WriteString(cw, s)
		}
	}

	for _, t := range f.Tensors {
		n := uint64(1)
		for _, d := range t.Dims {
			n *= d
		}
		if n != uint64(len(t.Data)) {
			return 0, fmt.Errorf("gguf: tensor %s: dims %v need %d values, have %d", t.Name, t.Dims, n, len(t.Data))
		}
	}

	cw.Write([]byte(Magic))
	put(Version)
	put(uint64(len(f.Tensors)))
	put(uint64(len(f.KVs)))
	for _, kv := range f.KVs {
		putString(kv.Key)
		switch v := kv.Value.(type) {
		case uint32:
			put(TypeUint32)
			put(v)
		case int32:
			put(TypeInt32)
			put(v)
		case uint64:
			put(TypeUint64)
			put(v)
		case float32:
			put(TypeFloat32)
			put(v)
		case bool:
			put(TypeBool)
			put(v)
		case string:
			put(TypeString)
			putString(v)
		case []string:
			put(TypeArray)
			put(TypeString)
			put(uint64(len(v)))
			for _, s := range v {
				putString(s)
			}
		case []float32:
			put(TypeArray)
			put(TypeFloat32)
			put(uint64(len(v)))
			put(v)
		case []int32:
			put(TypeArray)
			put(TypeInt32)
			put(uint64(len(v)))
			put(v)
		default:
			return cw.n, fmt.Errorf("gguf: key %s: unsupported value type %T", kv.Key, kv.Value)
		}
	}

	// Tensor infos; offsets are relative to the start of the data section.
	var off uint64
	for _, t := range f.Tensors {
		putString(t.Name)
		put(uint32(len(t.Dims)))
		for _, d := range t.Dims {
			put(d)
		}
		put(TensorTypeF32)
		put(off)
		off += align(uint64(len(t.Data)) * 4)
	}

	pad := func() {
		if p := align(uint64(cw.n)) - uint64(cw.n); p > 0 && cw.err == nil {
			_, cw.err = cw.Write(make([]byte, p))
		}
	}
	pad()
	for _, t := range f.Tensors {
		put(t.Data)
		pad()
	}
	if cw.err == nil {
		cw.err = cw.w.(*bufio.Writer).Flush()
	}
	return cw.n, cw.err
}

func align(n uint64) uint64 { return (n + Alignment - 1) / Alignment * Alignment }

type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}
