package retrieval

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestSplitKeepsPages: a PDF's text, marked page by page as the reader
// gives it, is split into chunks that never span two pages and say which
// page they are on; every word is kept, in order.
func TestSplitKeepsPages(t *testing.T) {
	var b strings.Builder
	for page := 1; page <= 3; page++ {
		b.WriteString("--- Page " + string(rune('0'+page)) + " ---\n")
		for para := 0; para < 6; para++ {
			b.WriteString(strings.Repeat("page"+string(rune('0'+page))+"word ", 60) + "end.\n\n")
		}
	}
	pieces := Split(b.String())
	if len(pieces) < 6 {
		t.Fatalf("%d chunks from 3 pages of 6 long paragraphs, want several a page", len(pieces))
	}
	seen := map[int]bool{}
	for _, p := range pieces {
		want := "page" + string(rune('0'+p.Page)) + "word"
		if p.Page < 1 || p.Page > 3 || !strings.Contains(p.Text, want) {
			t.Fatalf("chunk on page %d holds %q…", p.Page, p.Text[:40])
		}
		for page := 1; page <= 3; page++ {
			if page != p.Page && strings.Contains(p.Text, "page"+string(rune('0'+page))+"word") {
				t.Fatalf("chunk of page %d spans page %d", p.Page, page)
			}
		}
		if n := utf8.RuneCountInString(p.Text); n > chunkMax {
			t.Fatalf("chunk of %d characters, more than %d", n, chunkMax)
		}
		seen[p.Page] = true
	}
	if len(seen) != 3 {
		t.Fatalf("pages seen: %v", seen)
	}
	var joined []string
	for _, p := range pieces {
		joined = append(joined, strings.Fields(p.Text)...)
	}
	var want []string
	for _, line := range strings.Split(b.String(), "\n") {
		if !strings.HasPrefix(line, "--- Page") {
			want = append(want, strings.Fields(line)...)
		}
	}
	if strings.Join(joined, " ") != strings.Join(want, " ") {
		t.Fatal("the chunks do not hold the text's words in order")
	}
}

// TestSplitTextWithoutPages: plain text is page 0; a paragraph with no
// sentence ends and no spaces is still cut within the limit.
func TestSplitTextWithoutPages(t *testing.T) {
	pieces := Split("short one\n\n" + strings.Repeat("x", 3*chunkMax))
	if len(pieces) < 3 {
		t.Fatalf("%d chunks, want the long run cut", len(pieces))
	}
	for _, p := range pieces {
		if p.Page != 0 || utf8.RuneCountInString(p.Text) > chunkMax {
			t.Fatalf("chunk page %d, %d characters", p.Page, utf8.RuneCountInString(p.Text))
		}
	}
	if !strings.HasPrefix(pieces[0].Text, "short one") {
		t.Fatalf("first chunk %q", pieces[0].Text[:20])
	}
	if Split("  \n\n ") != nil {
		t.Fatal("blank text gave chunks")
	}
}

// TestSplitCutsLongParagraphAtSentences: a long paragraph is cut after a
// sentence, not in the middle of a word.
func TestSplitCutsLongParagraphAtSentences(t *testing.T) {
	para := strings.Repeat("The river runs past the old mill and under the stone bridge. ", 60)
	for _, p := range Split(para) {
		if !strings.HasSuffix(p.Text, ".") {
			t.Fatalf("chunk ends mid-sentence: …%q", p.Text[len(p.Text)-20:])
		}
	}
}
