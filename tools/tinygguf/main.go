// Command tinygguf writes a tiny random llama-architecture GGUF v3 model that
// a real Ollama server can load, for Brook's real-server tests:
//
//	go run ./tools/tinygguf -o tiny.gguf
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"brook/tools/tinygguf/gguf"
)

func main() {
	out := flag.String("o", "tiny.gguf", "output file")
	seed := flag.Uint64("seed", gguf.DefaultTiny.Seed, "random seed for the weights")
	flag.Parse()

	cfg := gguf.DefaultTiny
	cfg.Seed = *seed
	if err := write(*out, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "tinygguf:", err)
		os.Exit(1)
	}
}

// write writes atomically: to a temp file beside out, then renames it.
func write(out string, cfg gguf.TinyConfig) error {
	tmp, err := os.CreateTemp(filepath.Dir(out), ".tinygguf-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	n, err := gguf.WriteTiny(tmp, cfg)
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
