package store

import (
	"cmp"
	"context"
	"encoding/json"
	"html"
	"slices"
	"strings"
	"unicode/utf8"
)

// Snippet markers: SQLite's snippet() (or snippetAround) wraps matches in
// these, the text is HTML-escaped, and only then are they turned into <mark>
// tags, so nothing in a message can smuggle markup into the result. They are private-use
// characters that chat text practically never contains, and they survive
// HTML escaping unchanged.
const (
	markStart = "\uE000\uF8F0"
	markEnd   = "\uF8F0\uE000"
)

const (
	// snippetTokens is how many tokens snippet() shows; with the trigram
	// tokenizer a token is about one character; 64 is the most snippet() allows.
	snippetTokens = 64
	// shortQueryScan bounds the LIKE scan used for queries too short for the
	// trigram index: only the most recent messages are searched.
	shortQueryScan = 50000
	// maxSearchLimit caps the number of hits one search returns.
	maxSearchLimit = 500
	// rankWindow is how many of the most recent matches are ranked. Finding
	// the newest matches is cheap (the index is ordered by message id);
	// ranking all 300,000 matches of a common word in a million messages is
	// not. Queries with fewer matches are ranked in full.
	rankWindow = 500
)

// Search finds messages of live conversations whose text contains every
// word of query (case-insensitively, in any order), best matches first, at
// most limit of them (up to 500; zero or less means 500). The query is plain
// text, never FTS syntax: quotes, operators and '*' are matched literally.
// Answers still streaming are not searched, and neither is a message's
// reasoning: only what was said (see migrations/007_reasoning.sql for why).
//
// Matches are ranked by BM25 (see rankBM25); Rank is minus the score, so
// lower is better. When a query matches more than 500 messages, only the 500
// most recent matches are ranked, which keeps a search for a common word
// fast on a large history.
//
// The index works on three-character substrings, so words of one or two
// characters cannot use it. A query with a longer word uses the index and
// filters on the short words; a query of only short words (such as "Go" or
// "猫") scans the most recent 50,000 messages instead, newest first, with
// Rank 0.
func (s *Store) Search(ctx context.Context, query string, limit int) ([]SearchHit, error) {
	return s.search(ctx, query, limit, searchScope{})
}

// SearchProject is [Store.Search] limited to the live conversations of
// project projectID, or with projectID 0 to those outside any project. A
// query of only short words scans the scope's most recent 50,000 messages.
func (s *Store) SearchProject(ctx context.Context, projectID int64, query string, limit int) ([]SearchHit, error) {
	return s.search(ctx, query, limit, searchScope{limited: true, project: projectID})
}

// searchScope limits a search to one project's conversations (or to those
// outside any project) when limited is set.
type searchScope struct {
	limited bool
	project int64
}

// filter is the SQL condition on the conversation c that keeps a hit in
// scope, and its arguments. Documents' hits use it: they are few, and
// checking each one's conversation is cheaper than building a set.
func (sc searchScope) filter() (string, []any) {
	if !sc.limited {
		return "", nil
	}
	return ` AND c.project_id IS ?`, []any{nullID(sc.project)}
}

// scopedMessages is a subquery of the IDs of the messages in scope (the
// newest limit of them, or all when limit is 0) and its arguments. The
// index search tests its matches against it as a set, built once from the
// covering indexes conversations_by_project and messages_by_conversation:
// looking up each match's message and conversation in their tables costs
// about three times as much per match, and a small or old project leaves
// many matches to go through. Tool rows are in the set (leaving them out
// would read every row): the index never holds them, and the scan of
// recent messages leaves them out itself.
func (sc searchScope) scopedMessages(limit int) (string, []any) {
	query := `SELECT sm.id FROM conversations sc JOIN messages sm ON sm.conversation_id = sc.id
		WHERE sc.project_id IS ? AND sc.deleted_at IS NULL`
	if limit == 0 {
		return query, []any{nullID(sc.project)}
	}
	return query + ` ORDER BY sm.id DESC LIMIT ?`, []any{nullID(sc.project), limit}
}

// search is [Store.Search] within scope.
func (s *Store) search(ctx context.Context, query string, limit int, scope searchScope) ([]SearchHit, error) {
	if limit <= 0 || limit > maxSearchLimit {
		limit = maxSearchLimit
	}
	var long, short []string
	for _, word := range strings.Fields(query) {
		if utf8.RuneCountInString(word) >= 3 {
			long = append(long, word)
		} else {
			short = append(short, word)
		}
	}
	switch {
	case len(long) > 0:
		return s.searchIndex(ctx, long, short, limit, scope)
	case len(short) > 0:
		return s.searchRecent(ctx, short, limit, scope)
	}
	return []SearchHit{}, nil
}

// ftsPhrase quotes a word as an FTS5 string: inside double quotes nothing is
// syntax, and a double quote is written twice.
func ftsPhrase(word string) string {
	return `"` + strings.ReplaceAll(word, `"`, `""`) + `"`
}

// likePattern matches text containing word, with LIKE's wildcards escaped.
func likePattern(word string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(word) + "%"
}

// candidate is a message that matched, before ranking.
type candidate struct {
	hit     SearchHit
	content string
}

func (s *Store) searchIndex(ctx context.Context, long, short []string, limit int, scope searchScope) ([]SearchHit, error) {
	phrases := make([]string, len(long))
	for i, word := range long {
		phrases[i] = ftsPhrase(word)
	}
	match := strings.Join(phrases, " ")
	args := []any{match}
	inScope := ""
	if scope.limited {
		// The unary + keeps the set away from the index (see snippets).
		subquery, scopeArgs := scope.scopedMessages(0)
		inScope = ` AND +messages_fts.rowid IN (` + subquery + `)`
		args = append(args, scopeArgs...)
	}
	var extra strings.Builder
	for _, word := range short {
		extra.WriteString(` AND m.content LIKE ? ESCAPE '\'`)
		args = append(args, likePattern(word))
	}
	args = append(args, rankWindow)
	// The index returns matches in message-id order, so the newest
	// rankWindow matches come cheaply, however common the words are.
	rows, err := s.read.QueryContext(ctx, `
		SELECT m.id, m.conversation_id, c.title, m.role, m.created_at, m.content
		FROM messages_fts
		JOIN messages m ON m.id = messages_fts.rowid
		JOIN conversations c ON c.id = m.conversation_id
		WHERE messages_fts MATCH ? AND c.deleted_at IS NULL`+inScope+extra.String()+`
		ORDER BY messages_fts.rowid DESC
		LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	var candidates []candidate
	for rows.Next() {
		var c candidate
		if err := rows.Scan(&c.hit.MessageID, &c.hit.ConversationID, &c.hit.ConversationTitle,
			&c.hit.Role, &c.hit.CreatedAt, &c.content); err != nil {
			rows.Close()
			return nil, err
		}
		candidates = append(candidates, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	rankBM25(candidates, append(slices.Clone(long), short...))
	top := candidates[:min(limit, len(candidates))]
	snippets, err := s.snippets(ctx, match, top)
	if err != nil {
		return nil, err
	}
	hits := make([]SearchHit, len(top))
	for i, c := range top {
		hits[i] = c.hit
		raw, ok := snippets[c.hit.MessageID]
		if !ok {
			raw = snippetAround(c.content, long)
		}
		hits[i].Snippet = markedHTML(raw)
	}
	if len(hits) >= limit {
		return hits, nil
	}
	inDocuments, err := s.searchDocuments(ctx, match, short, limit-len(hits), scope)
	if err != nil {
		return nil, err
	}
	return append(hits, inDocuments...), nil
}

// searchDocuments finds attached documents whose text contains every word
// (the FTS match of the long ones, LIKE for the short ones), best first by
// FTS5's BM25, as hits on the message that carries each, naming the file.
// They follow the hits in messages' own text.
func (s *Store) searchDocuments(ctx context.Context, match string, short []string, limit int, scope searchScope) ([]SearchHit, error) {
	inScope, scopeArgs := scope.filter()
	args := append([]any{markStart, markEnd, snippetTokens, match}, scopeArgs...)
	var extra strings.Builder
	for _, word := range short {
		extra.WriteString(` AND d.text LIKE ? ESCAPE '\'`)
		args = append(args, likePattern(word))
	}
	args = append(args, limit)
	rows, err := s.read.QueryContext(ctx, `
		SELECT m.id, m.conversation_id, c.title, m.role, m.created_at, md.name,
		       snippet(documents_fts, 0, ?, ?, '…', ?), bm25(documents_fts)
		FROM documents_fts
		JOIN documents d ON d.id = documents_fts.rowid
		JOIN message_documents md ON md.document_id = d.id
		JOIN messages m ON m.id = md.message_id
		JOIN conversations c ON c.id = m.conversation_id
		WHERE documents_fts MATCH ? AND c.deleted_at IS NULL`+inScope+extra.String()+`
		ORDER BY bm25(documents_fts), m.id DESC
		LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var hits []SearchHit
	for rows.Next() {
		var h SearchHit
		var snippet string
		if err := rows.Scan(&h.MessageID, &h.ConversationID, &h.ConversationTitle, &h.Role, &h.CreatedAt,
			&h.Document, &snippet, &h.Rank); err != nil {
			return nil, err
		}
		h.Snippet = markedHTML(snippet)
		hits = append(hits, h)
	}
	return hits, rows.Err()
}

// BM25 parameters, the usual ones (and FTS5's).
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// rankBM25 sets Rank on every candidate to minus its BM25 score (lower is
// better, as with FTS5's bm25()) and sorts them best first, newest first
// among equals. Every candidate contains every word, so a word's document
// frequency is not known from them; each word gets the same weight, which
// for a one-word query gives exactly BM25's order. FTS5's own bm25() is not
// used because it counts a word's matches over the whole index to weigh it,
// which takes most of a second for a common word in a million messages.
func rankBM25(candidates []candidate, words []string) {
	if len(candidates) == 0 {
		return
	}
	folded := make([]string, len(words))
	for i, w := range words {
		folded[i] = strings.ToLower(w)
	}
	lengths := make([]float64, len(candidates))
	var total float64
	for i, c := range candidates {
		lengths[i] = float64(max(utf8.RuneCountInString(c.content), 1))
		total += lengths[i]
	}
	average := total / float64(len(candidates))
	for i := range candidates {
		text := strings.ToLower(candidates[i].content)
		var score float64
		for _, w := range folded {
			tf := float64(countOverlapping(text, w))
			score += tf * (bm25K1 + 1) / (tf + bm25K1*(1-bm25B+bm25B*lengths[i]/average))
		}
		candidates[i].hit.Rank = -score
	}
	slices.SortStableFunc(candidates, func(a, b candidate) int {
		if a.hit.Rank != b.hit.Rank {
			return cmp.Compare(a.hit.Rank, b.hit.Rank)
		}
		return cmp.Compare(b.hit.MessageID, a.hit.MessageID)
	})
}

// countOverlapping counts occurrences of sub in s, overlapping ones too, as
// the trigram index does.
func countOverlapping(s, sub string) int {
	if sub == "" {
		return 0
	}
	n := 0
	for {
		i := strings.Index(s, sub)
		if i < 0 {
			return n
		}
		n++
		_, size := utf8.DecodeRuneInString(s[i:])
		s = s[i+size:]
	}
}

// snippets asks the index for the snippets of the given hits, with the
// matches wrapped in the snippet markers.
func (s *Store) snippets(ctx context.Context, match string, top []candidate) (map[int64]string, error) {
	if len(top) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(top))
	oldest, newest := top[0].hit.MessageID, top[0].hit.MessageID
	for i, c := range top {
		ids[i] = c.hit.MessageID
		oldest, newest = min(oldest, c.hit.MessageID), max(newest, c.hit.MessageID)
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	// The index scans the hits' id range once. The unary + keeps the IN
	// list away from the index: looking up ids one by one restarts the
	// match for each and costs milliseconds apiece.
	rows, err := s.read.QueryContext(ctx, `
		SELECT rowid, snippet(messages_fts, 0, ?, ?, '…', ?)
		FROM messages_fts
		WHERE messages_fts MATCH ? AND rowid BETWEEN ? AND ?
		  AND +rowid IN (SELECT value FROM json_each(?))`,
		markStart, markEnd, snippetTokens, match, oldest, newest, string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	snippets := make(map[int64]string, len(top))
	for rows.Next() {
		var id int64
		var snippet string
		if err := rows.Scan(&id, &snippet); err != nil {
			return nil, err
		}
		snippets[id] = snippet
	}
	return snippets, rows.Err()
}

// markedHTML escapes text and then turns the snippet markers into <mark> tags.
func markedHTML(text string) string {
	escaped := html.EscapeString(text)
	return strings.NewReplacer(markStart, "<mark>", markEnd, "</mark>").Replace(escaped)
}

func (s *Store) searchRecent(ctx context.Context, words []string, limit int, scope searchScope) ([]SearchHit, error) {
	// The most recent messages of all, or of the scope.
	recent := `m.id > (SELECT coalesce(max(id), 0) FROM messages) - ?`
	args := []any{shortQueryScan}
	if scope.limited {
		subquery, scopeArgs := scope.scopedMessages(shortQueryScan)
		recent, args = `m.id IN (`+subquery+`)`, scopeArgs
	}
	var where strings.Builder
	for _, word := range words {
		where.WriteString(` AND m.content LIKE ? ESCAPE '\'`)
		args = append(args, likePattern(word))
	}
	args = append(args, limit)
	rows, err := s.read.QueryContext(ctx, `
		SELECT m.conversation_id, c.title, m.id, m.role, m.created_at, m.content
		FROM messages m
		JOIN conversations c ON c.id = m.conversation_id
		WHERE `+recent+`
		  AND m.state <> 'streaming' AND m.role <> 'tool' AND c.deleted_at IS NULL`+where.String()+`
		ORDER BY m.id DESC
		LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	hits := []SearchHit{}
	for rows.Next() {
		var h SearchHit
		var content string
		if err := rows.Scan(&h.ConversationID, &h.ConversationTitle, &h.MessageID, &h.Role,
			&h.CreatedAt, &content); err != nil {
			return nil, err
		}
		h.Snippet = markedHTML(snippetAround(content, words))
		hits = append(hits, h)
	}
	return hits, rows.Err()
}

// snippetAround cuts a window of content around the first match of words[0]
// and puts the snippet markers around every match of every word in it, like
// snippet() does for the index search. Matching folds ASCII case only, as
// LIKE does.
func snippetAround(content string, words []string) string {
	const before, window = 16, snippetTokens
	runes := []rune(content)
	lower := []rune(asciiLower(content))
	first := indexRunes(lower, []rune(asciiLower(words[0])), 0)
	start := max(first-before, 0)
	end := min(start+window, len(runes))
	// Overlapping matches merge into one marked run.
	marked := make([]bool, end-start)
	for _, word := range words {
		w := []rune(asciiLower(word))
		for i := indexRunes(lower, w, start); i >= 0 && i+len(w) <= end; i = indexRunes(lower, w, i+1) {
			for j := i; j < i+len(w); j++ {
				marked[j-start] = true
			}
		}
	}
	var b strings.Builder
	if start > 0 {
		b.WriteString("…")
	}
	for i := start; i < end; i++ {
		on := marked[i-start]
		if on && (i == start || !marked[i-start-1]) {
			b.WriteString(markStart)
		}
		b.WriteRune(runes[i])
		if on && (i == end-1 || !marked[i-start+1]) {
			b.WriteString(markEnd)
		}
	}
	if end < len(runes) {
		b.WriteString("…")
	}
	return b.String()
}

func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, s)
}

// indexRunes is the index of the first occurrence of sub in s at or after from, or -1.
func indexRunes(s, sub []rune, from int) int {
	for i := from; i+len(sub) <= len(s); i++ {
		match := true
		for j := range sub {
			if s[i+j] != sub[j] {
				match = false
				break
			}
		}
		if match {
			return i
		}
	}
	return -1
}
