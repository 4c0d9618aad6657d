package transfer

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A Markdown export written to a file keeps its images in a folder beside
// it, readable only by the user, and links them relatively.
func TestMarkdownExportWritesImagesBeside(t *testing.T) {
	dir := t.TempDir()
	mdPath := filepath.Join(dir, "brook chat.md")
	bundles := fixtureBundles()
	var out bytes.Buffer
	if err := ExportSeqImages(&out, FormatMarkdown, nil, seqOf(bundles), time.Unix(0, 0).UTC(), ImagesBeside(mdPath)); err != nil {
		t.Fatal(err)
	}
	img := filepath.Join(dir, "brook chat-images", "1-chart-1.png")
	data, err := os.ReadFile(img)
	if err != nil {
		t.Fatalf("the image beside the export: %v", err)
	}
	if !bytes.Equal(data, fixturePNG()) {
		t.Fatal("the image file is not the stored image's bytes")
	}
	if fi, _ := os.Stat(img); fi.Mode().Perm() != 0o600 {
		t.Errorf("image mode %v, want 0600", fi.Mode().Perm())
	}
	if !strings.Contains(out.String(), `](brook%20chat-images/1-chart-1.png)`) || strings.Contains(out.String(), "not included in Markdown exports") {
		t.Fatalf("the Markdown does not link the image beside it:\n%s", out.String())
	}
	// Documents go in the same folder, as their own files with their own extension.
	doc, err := os.ReadFile(filepath.Join(dir, "brook chat-images", "2-people-2.csv"))
	if err != nil || string(doc) != "name,age\nAna,31\n</details>" {
		t.Fatalf("the document beside the export: %q, %v", doc, err)
	}
	if !strings.Contains(out.String(), `*[Document: people "\<2\>".csv](brook%20chat-images/2-people-2.csv) (CSV, 3 pages, 26 bytes)*`) {
		t.Fatalf("the Markdown does not link the document beside it:\n%s", out.String())
	}
}

// Without a place for files, the export names its images, and writes nothing else.
func TestMarkdownExportWithoutASinkNamesImages(t *testing.T) {
	var out bytes.Buffer
	if err := ExportSeqImages(&out, FormatMarkdown, nil, seqOf(fixtureBundles()), time.Unix(0, 0).UTC(), nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "not included in Markdown exports") {
		t.Fatalf("images are not named:\n%s", out.String())
	}
}
