package documents

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func TestStaging(t *testing.T) {
	var s Staging
	info, err := s.AddBase64("notes.md", base64.StdEncoding.EncodeToString([]byte("# Notes\nfour words of text")))
	if err != nil || info.Name != "notes.md" || info.Kind != KindText || info.Size != 26 || info.Tokens != 7 || len(info.ID) != 64 {
		t.Fatalf("AddBase64 = %+v, %v", info, err)
	}
	// The same bytes again are one entry, under the latest name.
	again, _ := s.AddBase64("copy.md", base64.StdEncoding.EncodeToString([]byte("# Notes\nfour words of text")))
	if again.ID != info.ID {
		t.Fatalf("ids %s %s", again.ID, info.ID)
	}
	if text, err := s.Text(info.ID); err != nil || text != "# Notes\nfour words of text" {
		t.Fatalf("Text = %q, %v", text, err)
	}
	stored, err := s.Attach([]string{info.ID})
	if err != nil || len(stored) != 1 || stored[0].Name != "copy.md" || stored[0].MIME != "text/plain" || stored[0].Tokens != 7 || string(stored[0].Data) != "# Notes\nfour words of text" {
		t.Fatalf("Attach = %+v, %v", stored, err)
	}
	s.Discard(info.ID)
	if _, err := s.Attach([]string{info.ID}); !errors.Is(err, ErrNotStaged) {
		t.Fatalf("after Discard: %v", err)
	}
	// A refused file is not kept; a huge one is refused from its length.
	if _, err := s.AddBase64("a.bin", base64.StdEncoding.EncodeToString([]byte{0, 1, 2, 3})); !errors.Is(err, ErrBinary) {
		t.Fatalf("binary: %v", err)
	}
	if _, err := s.AddBase64("huge.log", strings.Repeat("A", 70<<20)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("huge: %v", err)
	}
	if len(s.docs) != 0 || s.bytes != 0 {
		t.Fatalf("left %d documents, %d bytes", len(s.docs), s.bytes)
	}
}
