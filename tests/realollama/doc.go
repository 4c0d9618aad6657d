// Package realollama runs Brook's Ollama adapter against a real Ollama server
// (v0.17.4, built from the Go module proxy by scripts/ensure-ollama.sh) serving
// a tiny generated llama model (tools/tinygguf).
//
// The harness, [Start], is reusable from other packages' tests:
//
//	srv := realollama.Start(t) // skips when BROOK_SKIP_REAL_OLLAMA=1
//	client := ollama.New(srv.URL)
//	... provider.Request{Model: srv.Model, ...}
//	srv.Kill() // SIGKILL the server and its runner mid-answer
//
// The server binary comes from $BROOK_OLLAMA_BIN, else from
// scripts/ensure-ollama.sh, which builds it on first use (5–9 min on 2 cores;
// run the script first, or give go test a -timeout above 10m, on a cold cache).
// The harness is Linux-only; elsewhere the package holds no tests.
package realollama
