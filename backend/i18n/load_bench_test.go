package i18n

import "testing"

// BenchmarkLoad is what Brook parses at start-up: the English catalogue
// and one other language's (each other language waits until it is spoken).
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := load(files()); err != nil {
			b.Fatal(err)
		}
		if _, err := parseFile(files(), "de"); err != nil {
			b.Fatal(err)
		}
	}
}
