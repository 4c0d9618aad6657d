package documents

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readFixture(t *testing.T, name string) (Document, error) {
	t.Helper()
	return ReadFile(filepath.Join("testdata", name))
}

func TestPDFPageByPage(t *testing.T) {
	doc, err := readFixture(t, "paged.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if doc.Kind != KindPDF || doc.Pages != 8 || doc.Name != "paged.pdf" || len(doc.Hash) != 64 {
		t.Fatalf("doc = %s %d pages %q %q", doc.Kind, doc.Pages, doc.Name, doc.Hash)
	}
	page7 := doc.Text[strings.Index(doc.Text, "--- Page 7 ---"):strings.Index(doc.Text, "--- Page 8 ---")]
	if !strings.Contains(page7, "The lighthouse keeper’s cat is called Zephyrine.") && !strings.Contains(page7, "The lighthouse keeper's cat is called Zephyrine.") {
		t.Fatalf("page 7 = %q", page7)
	}
	if strings.Count(doc.Text, "Zephyrine") != 1 {
		t.Fatalf("Zephyrine appears %d times", strings.Count(doc.Text, "Zephyrine"))
	}
	if !strings.HasPrefix(doc.Text, "--- Page 1 ---\nPage one of the Brook test manual.") {
		t.Fatalf("text starts %q", doc.Text[:80])
	}
}

func TestPDFWithOwnerPasswordOnlyOpens(t *testing.T) {
	doc, err := readFixture(t, "owner-password-only.pdf")
	if err != nil || !strings.Contains(doc.Text, "Zephyrine") {
		t.Fatalf("doc = %.80q, %v", doc.Text, err)
	}
}

// TestRefusals checks every kind of bad input gets its own error, with a
// reason in words, and no document.
func TestRefusals(t *testing.T) {
	tests := []struct {
		fixture string
		want    error
		words   string
	}{
		{"encrypted-aes256.pdf", ErrEncrypted, "This PDF is password-protected"},
		{"encrypted-rc4.pdf", ErrEncrypted, "This PDF is password-protected"},
		{"scanned.pdf", ErrNoText, "This PDF is images of pages; there is no text to read"},
		{"truncated.pdf", ErrCorrupt, "is damaged"},
		{"truncated.docx", ErrCorrupt, "is damaged"},
		{"sample.pptx", ErrUnsupported, "a PowerPoint presentation"},
		{"binary.elf", ErrBinary, "is a binary file"},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			doc, err := readFixture(t, tt.fixture)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var de *Error
			if !errors.As(err, &de) || de.Name != tt.fixture || !strings.Contains(err.Error(), tt.words) {
				t.Fatalf("err = %q (%#v), want it to say %q", err, de, tt.words)
			}
			if doc.Text != "" || doc.Data != nil {
				t.Fatalf("a refused file gave a document: %+v", doc)
			}
		})
	}
}

func TestOtherRefusals(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty.txt", nil, ErrEmpty},
		{"blank.md", []byte(" \n\t\n"), ErrEmpty},
		{"photo.txt", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ErrUnsupported},
		{"old.doc", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"), ErrUnsupported},
		{"latin1.txt", []byte("caf\xe9 cr\xe8me"), ErrBinary},
		{"nul.log", []byte("line one\x00line two"), ErrBinary},
		{"notzip.docx", []byte("PK\x03\x04garbage"), ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Read(tt.name, tt.data); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestTooLargeIsRefusedBeforeReading gives ReadFrom a reader that says it
// holds a gigabyte and fails if read: the size alone refuses it.
func TestTooLargeIsRefusedBeforeReading(t *testing.T) {
	_, err := ReadFrom("huge.log", failingReader{t}, 1<<30)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "1.0 GB") || !strings.Contains(err.Error(), "50 MB") {
		t.Fatalf("err = %v", err)
	}
	// A reader that holds more than it said is cut at the limit, not read whole.
	_, err = ReadFrom("liar.log", bytes.NewReader(make([]byte, MaxFileBytes+10)), 10)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v", err)
	}
}

// TestReadFileChecksSizeFirst makes a sparse file of a gigabyte: ReadFile
// refuses it from its size, without reading it.
func TestReadFileChecksSizeFirst(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.log")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := ReadFile(path); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v", err)
	}
}

type failingReader struct{ t *testing.T }

func (r failingReader) Read([]byte) (int, error) {
	r.t.Fatal("a file over the limit was read")
	return 0, nil
}

func TestDOCX(t *testing.T) {
	doc, err := readFixture(t, "sample.docx")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Harbour report", "Brook Harbour", "Heron\t12 m", "quillwort"} {
		if !strings.Contains(doc.Text, want) {
			t.Errorf("DOCX text lacks %q:\n%s", want, doc.Text)
		}
	}
	if doc.Kind != KindDOCX || doc.Kind.MIME() != "application/vnd.openxmlformats-officedocument.wordprocessingml.document" {
		t.Fatalf("kind = %s", doc.Kind)
	}
}

func TestODT(t *testing.T) {
	doc, err := readFixture(t, "sample.odt")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Harbour report", "Brook Harbour", "Heron\t12 m", "quillwort"} {
		if !strings.Contains(doc.Text, want) {
			t.Errorf("ODT text lacks %q:\n%s", want, doc.Text)
		}
	}
	if doc.Kind != KindODT {
		t.Fatalf("kind = %s", doc.Kind)
	}
}

// TestDetectedByContent gives files names that lie: the bytes decide.
func TestDetectedByContent(t *testing.T) {
	pdfBytes, _ := os.ReadFile("testdata/paged.pdf")
	docxBytes, _ := os.ReadFile("testdata/sample.docx")
	tests := []struct {
		name string
		data []byte
		want Kind
	}{
		{"report.txt", pdfBytes, KindPDF},
		{"download", docxBytes, KindDOCX},
		{"data.txt", []byte(`{"boats": ["Heron", "Puffin"]}`), KindJSON},
		{"page.txt", []byte("<!DOCTYPE html><html><body><p>Hi</p></body></html>"), KindHTML},
		{"table.csv", []byte("boat,length\nHeron,12\n"), KindCSV},
		{"main.go", []byte("package main\n\nfunc main() {}\n"), KindText},
		{"notes.md", []byte("# Notes\n\n- one\n"), KindText},
	}
	for _, tt := range tests {
		doc, err := Read(tt.name, tt.data)
		if err != nil || doc.Kind != tt.want {
			t.Errorf("%s: kind %s, %v; want %s", tt.name, doc.Kind, err, tt.want)
		}
	}
}

func TestHTMLAsText(t *testing.T) {
	page := `<!doctype html><html><head><title>Tides</title><style>p{color:red}</style>
<script>var secret = "never";</script></head><body><h1>High   water</h1><p>At <b>six</b>, low at noon.</p>
<ul><li>Heron</li><li>Puffin</li></ul></body></html>`
	doc, err := Read("tides.html", []byte(page))
	if err != nil {
		t.Fatal(err)
	}
	want := "Tides\nHigh water\nAt six, low at noon.\nHeron\nPuffin"
	if doc.Text != want {
		t.Fatalf("text = %q, want %q", doc.Text, want)
	}
}

func TestTextEncodings(t *testing.T) {
	doc, err := Read("notes.txt", []byte("\xef\xbb\xbfline one\r\nline two\r\n"))
	if err != nil || doc.Text != "line one\nline two\n" {
		t.Fatalf("UTF-8 with BOM: %q, %v", doc.Text, err)
	}
	utf16le := []byte{0xff, 0xfe, 'h', 0, 'i', 0, ' ', 0, 0x1f, 0x6c} // "hi 氟"
	doc, err = Read("windows.log", utf16le)
	if err != nil || doc.Text != "hi 氟" {
		t.Fatalf("UTF-16: %q, %v", doc.Text, err)
	}
	doc, err = Read("coloured.log", []byte("\x1b[31merror\x1b[0m: disk full\n"))
	if err != nil || doc.Kind != KindText {
		t.Fatalf("a log with colour codes: %v", err)
	}
}

func TestSameBytesSameHash(t *testing.T) {
	a, _ := Read("a.txt", []byte("same"))
	b, _ := Read("b.md", []byte("same"))
	c, _ := Read("c.txt", []byte("other"))
	if a.Hash != b.Hash || a.Hash == c.Hash {
		t.Fatalf("hashes %s %s %s", a.Hash, b.Hash, c.Hash)
	}
	if a.Tokens() != 1 || EstimateTokens(strings.Repeat("x", 400)) != 100 {
		t.Fatalf("tokens %d", a.Tokens())
	}
}
