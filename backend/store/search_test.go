package store

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func TestSearch(t *testing.T) {
	s := openTestStore(t)
	travel := mustConversation(t, s, "Travel <plans>")
	code := mustConversation(t, s, "Go help")
	tower := mustMessage(t, s, travel.ID, RoleUser, "東京タワーに行きたいです。")
	japanese := mustMessage(t, s, travel.ID, RoleAssistant, "これは日本語のテキストです。東京タワーは赤いです。")
	chinese := mustMessage(t, s, travel.ID, RoleUser, "北京是中国的首都")
	println := mustMessage(t, s, code.ID, RoleAssistant, "Call fmt.Println(foo_bar()) to print the result.")
	underscore := mustMessage(t, s, code.ID, RoleUser, "what does foo_bar() return? and foo bar?")
	markup := mustMessage(t, s, code.ID, RoleUser, `Is <script>alert("x")</script> & "quotes" safe?`)
	quoted := mustMessage(t, s, code.ID, RoleUser, `He said foo" OR bar and left`)
	star := mustMessage(t, s, code.ID, RoleUser, "use a * glob and 100% effort")
	short := mustMessage(t, s, code.ID, RoleUser, "Go is fun")

	tests := []struct {
		name  string
		query string
		want  []int64
	}{
		{"japanese", "東京タワー", []int64{tower.ID, japanese.ID}},
		{"japanese phrase", "日本語のテキスト", []int64{japanese.ID}},
		{"chinese", "中国的首都", []int64{chinese.ID}},
		{"code call", "fmt.Println", []int64{println.ID}},
		{"identifier with parens", "foo_bar()", []int64{println.ID, underscore.ID}},
		{"case folding", "FMT.PRINTLN", []int64{println.ID}},
		{"words in any order", "result print", []int64{println.ID}},
		{"long and short word", "is fun", []int64{short.ID}},
		{"no match", "kubernetes", nil},
		{"fts syntax is literal", `foo" OR bar`, []int64{quoted.ID}},
		{"lone star", "*", []int64{star.ID}},
		{"percent is literal", "%", []int64{star.ID}},
		{"underscore is literal", "_", []int64{underscore.ID, println.ID}},
		{"two-character word", "Go", []int64{short.ID}},
		{"one CJK character", "赤", []int64{japanese.ID}},
		{"fts keywords", "NEAR AND NOT", nil},
		{"column filter syntax", "content:foo", nil},
		{"caret and parens", "^(foo", nil},
		{"lonely quote is literal", `"`, []int64{markup.ID, quoted.ID}},
		{"markup", "<script>", []int64{markup.ID}},
		{"empty", "   ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := searchIDs(t, s, tt.query)
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("Search(%q) = %v, want %v", tt.query, got, want)
			}
		})
	}
}

func TestSearchSnippetIsSafeHTML(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	c := mustConversation(t, s, "HTML")
	m := mustMessage(t, s, c.ID, RoleUser, `<b>bold</b> & <img src=x onerror="alert(1)"> then fmt.Println`)
	mustMessage(t, s, c.ID, RoleUser, "<i>Go</i> & more")

	tests := []struct {
		query string
		want  string
	}{
		{"fmt.Println", `&lt;b&gt;bold&lt;/b&gt; &amp; &lt;img src=x onerror=&#34;alert(1)&#34;&gt; then <mark>fmt.Println</mark>`},
		{"onerror", `&lt;b&gt;bold&lt;/b&gt; &amp; &lt;img src=x <mark>onerror</mark>=&#34;alert(1)&#34;&gt; then fmt.Println`},
		{"<b>", `<mark>&lt;b&gt;</mark>bold&lt;/b&gt; &amp; &lt;img src=x onerror=&#34;alert(1)&#34;&gt; then fmt.Println`},
		{"Go", `&lt;i&gt;<mark>Go</mark>&lt;/i&gt; &amp; more`},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			hits, err := s.Search(ctx, tt.query, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) != 1 {
				t.Fatalf("got %d hits", len(hits))
			}
			h := hits[0]
			if h.Snippet != tt.want {
				t.Fatalf("snippet\n got %s\nwant %s", h.Snippet, tt.want)
			}
			if h.ConversationID != c.ID || h.ConversationTitle != "HTML" || h.Role != RoleUser || h.CreatedAt == 0 {
				t.Fatalf("hit = %+v", h)
			}
		})
	}
	_ = m
}

func TestSearchRanksBetterMatchesFirst(t *testing.T) {
	s := openTestStore(t)
	c := mustConversation(t, s, "rank")
	weak := mustMessage(t, s, c.ID, RoleUser, "A long message about many things, where benchmark appears only once among lots of other words and filler text.")
	strong := mustMessage(t, s, c.ID, RoleUser, "benchmark benchmark benchmark")
	if got := searchIDs(t, s, "benchmark"); !slices.Equal(got, []int64{strong.ID, weak.ID}) {
		t.Fatalf("order = %v, want strong match first", got)
	}
}

func TestSearchLongSnippetIsCut(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	c := mustConversation(t, s, "long")
	long := strings.Repeat("filler words here. ", 100) + "needle found" + strings.Repeat(" trailing text", 100)
	mustMessage(t, s, c.ID, RoleAssistant, long)
	for _, query := range []string{"needle", "fo"} { // the index and the short-query scan
		hits, err := s.Search(ctx, query, 5)
		if err != nil || len(hits) != 1 {
			t.Fatalf("Search(%q) = %v, %v", query, hits, err)
		}
		snippet := hits[0].Snippet
		if len(snippet) > 400 || !strings.Contains(snippet, "<mark>") || !strings.HasPrefix(snippet, "…") {
			t.Fatalf("Search(%q) snippet = %q", query, snippet)
		}
	}
}

// TestSearchRanksOnlyRecentMatchesOfCommonWords fills more matches than
// rankWindow and checks the hits come from the newest rankWindow matches,
// best ranked first.
func TestSearchRanksOnlyRecentMatchesOfCommonWords(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	c := mustConversation(t, s, "many")
	oldStrong := mustMessage(t, s, c.ID, RoleUser, "needle needle needle")
	var ids []int64
	for i := range rankWindow + 20 {
		text := "a needle in a long haystack of words, number " + strings.Repeat("x", i%7)
		if i == rankWindow+10 {
			text = "needle needle"
		}
		ids = append(ids, mustMessage(t, s, c.ID, RoleUser, text).ID)
	}
	newestWindow := ids[len(ids)-rankWindow:]
	hits, err := s.Search(ctx, "needle", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 10 {
		t.Fatalf("got %d hits, want 10", len(hits))
	}
	if hits[0].MessageID != ids[rankWindow+10] {
		t.Fatalf("best recent match not first: %+v", hits[0])
	}
	for _, h := range hits {
		if h.MessageID == oldStrong.ID || !slices.Contains(newestWindow, h.MessageID) {
			t.Fatalf("hit %d is outside the newest %d matches", h.MessageID, rankWindow)
		}
		if !strings.Contains(h.Snippet, "<mark>needle</mark>") {
			t.Fatalf("snippet = %q", h.Snippet)
		}
	}
	for i := 1; i < len(hits); i++ {
		if hits[i].Rank < hits[i-1].Rank {
			t.Fatalf("hits not ordered by rank: %v then %v", hits[i-1].Rank, hits[i].Rank)
		}
	}
}
