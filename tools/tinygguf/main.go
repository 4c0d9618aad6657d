// Command tinygguf writes a tiny random llama-architecture GGUF v3 model that
// a real Ollama server can load, for Brook's real-server tests, or with
// -embed a tiny BERT embedding model that it serves on /api/embed:
//
//	go run ./tools/tinygguf -o tiny.gguf
//	go run ./tools/tinygguf -embed -o tiny-embed.gguf
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"brook/tools/tinygguf/gguf"
)

func main() {
	out := flag.String("o", "tiny.gguf", "output file")
	seed := flag.Uint64("seed", 0, "random seed for the weights (0: the default model's)")
	embed := flag.Bool("embed", false, "write the tiny BERT embedding model instead")
	flag.Parse()

	build := func(w io.Writer) (int64, error) {
		cfg := gguf.DefaultTiny
		if *seed != 0 {
			cfg.Seed = *seed
		}
		return gguf.WriteTiny(w, cfg)
	}
	if *embed {
		build = func(w io.Writer) (int64, error) {
			cfg := gguf.DefaultTinyBERT
			if *seed != 0 {
				cfg.Seed = *seed
			}
			return gguf.WriteTinyBERT(w, cfg)
		}
	}
	if err := write(*out, build); err != nil {
		fmt.Fprintln(os.Stderr, "tinygguf:", err)
		os.Exit(1)
	}
}

// write writes atomically: to a temp file beside out, then renames it.
func write(out string, build func(io.Writer) (int64, error)) error {
	tmp, err := os.CreateTemp(filepath.Dir(out), ".tinygguf-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	n, err := build(tmp)
	if err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "tinygguf: wrote %s (%d bytes)\n", out, n)
	return nil
}
