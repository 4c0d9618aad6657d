package documents

import (
	"os"
	"testing"
)

// The readers take whatever a user drops on the window: they must never
// panic or hang, whatever the bytes. Each fuzz target starts from the real
// fixtures.

func fuzzSeeds(f *testing.F, names ...string) {
	for _, name := range names {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

func FuzzReadPDF(f *testing.F) {
	fuzzSeeds(f, "paged.pdf", "scanned.pdf", "encrypted-rc4.pdf", "truncated.pdf")
	f.Fuzz(func(t *testing.T, data []byte) {
		text, pages, err := readPDF("fuzz.pdf", data)
		if err == nil && pages <= 0 {
			t.Fatalf("read %d pages without an error (%d bytes of text)", pages, len(text))
		}
	})
}

func FuzzReadOffice(f *testing.F) {
	fuzzSeeds(f, "sample.docx", "sample.odt", "truncated.docx")
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = readDOCX("fuzz.docx", data)
		_, _ = readODT("fuzz.odt", data)
	})
}

func FuzzRead(f *testing.F) {
	fuzzSeeds(f, "sample.docx", "paged.pdf", "binary.elf")
	f.Add([]byte("<!doctype html><p>hi</p>"))
	f.Add([]byte("\xff\xfeh\x00i\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Read("fuzz", data)
		if err == nil && doc.Text == "" {
			t.Fatal("a document with no text was accepted")
		}
	})
}
