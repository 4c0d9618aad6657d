package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The benchmark database: 10,000 conversations and 1,000,000 messages, one
// conversation (benchBigConversation) holding 2,000 of them. Generating it
// takes minutes, so it is cached in os.TempDir() as
// brook-bench-<schema version>-<digest>.db, where the digest covers the
// migration files and benchGenerator, so an edited migration or generator
// never reuses a stale file. Delete the file to regenerate it.
const (
	benchConversations   = 10_000
	benchMessages        = 1_000_000
	benchBigConversation = 1
	benchBigMessages     = 2_000
	// benchVersionsConversation holds benchBigMessages shown messages too,
	// but every answer has benchVersions versions (Regenerate): 6,000 rows.
	benchVersionsConversation = benchConversations + 1
	benchVersions             = 5
	// benchGenerator names the generator; change it when the generated data changes.
	benchGenerator = "v2"
)

// cachedBenchDB is a benchmark database generated once and kept in the
// temporary folder between runs, under a name that changes with the
// migrations and the generator, so a stale one is never read.
type cachedBenchDB struct {
	prefix    string // "brook-bench"
	generator string // names the generator; change it when the generated data changes
	generate  func(path string) error

	once sync.Once
	path string
	err  error
}

// fileName is the cache file name of the database.
func (c *cachedBenchDB) fileName() string {
	digest := sha256.New()
	list, _ := loadMigrations()
	for _, m := range list {
		digest.Write([]byte(m.sql))
	}
	digest.Write([]byte(c.generator))
	return fmt.Sprintf("%s-%d-%x.db", c.prefix, SchemaVersion(), digest.Sum(nil)[:4])
}

// get returns the database's path, generating it first if it is not cached.
func (c *cachedBenchDB) get(tb testing.TB) string {
	tb.Helper()
	c.once.Do(func() {
		c.path = filepath.Join(os.TempDir(), c.fileName())
		if fileExists(c.path) {
			return
		}
		c.err = c.generate(c.path)
	})
	if c.err != nil {
		tb.Fatal(c.err)
	}
	return c.path
}

// open opens the database for one benchmark.
func (c *cachedBenchDB) open(b *testing.B) *Store {
	b.Helper()
	s, err := Open(c.get(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

var benchDB = &cachedBenchDB{prefix: "brook-bench", generator: benchGenerator, generate: generateBenchDatabase}

// BenchDatabase is the benchmark database, for the tests of package store_test.
func BenchDatabase(tb testing.TB) string { return benchDB.get(tb) }

func openBenchStore(b *testing.B) *Store { return benchDB.open(b) }

// generateBenchDatabase writes the benchmark database under a temporary name
// in large transactions with prepared statements, and renames it when done,
// so an interrupted run never leaves a partial cache.
func generateBenchDatabase(path string) error {
	started := time.Now()
	tmp := path + ".generating"
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
	s, err := Open(tmp)
	if err != nil {
		return err
	}
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	text := newTextGenerator(rng)
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

	// How many messages each conversation gets, and in which order the
	// messages are written: conversations are interleaved as in real use.
	perConversation := make([]int, benchConversations+1)
	perConversation[benchBigConversation] = benchBigMessages
	rest := benchMessages - benchBigMessages
	for i := 0; i < rest; i++ {
		c := 2 + i%(benchConversations-1)
		perConversation[c]++
	}

	err = s.tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO conversations
			(id, uid, title, title_is_auto, created_at, updated_at, endpoint_id, model, system_prompt, params)
			VALUES (?, ?, ?, ?, ?, ?, 'ep-local', 'llama3.2', '', '{}')`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for id := 1; id <= benchVersionsConversation; id++ {
			title := text.title()
			if _, err := stmt.ExecContext(ctx, id, fmt.Sprintf("bench-conv-%d", id), title, id%3 == 0,
				base+int64(id)*1000, base+int64(id)*1000); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.Close()
		return err
	}

	// Fill conversations round-robin so message ids interleave.
	remaining := slices.Clone(perConversation)
	const batch = 25_000
	written := 0
	turn := make([]int, benchConversations+1)
	last := make([]int64, benchConversations+1) // each conversation's newest message
	conversation := 0
	for written < benchMessages {
		err := s.tx(ctx, func(tx *sql.Tx) error {
			stmt, err := tx.PrepareContext(ctx, `INSERT INTO messages
				(uid, conversation_id, role, content, state, created_at, updated_at, endpoint_id, model,
				 first_token_ms, tokens_per_second, prompt_tokens, completion_tokens, end_reason, parent_id, shown_at)
				VALUES (?, ?, ?, ?, 'complete', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
			if err != nil {
				return err
			}
			defer stmt.Close()
			for n := 0; n < batch && written < benchMessages; {
				conversation = conversation%benchConversations + 1
				if remaining[conversation] == 0 {
					continue
				}
				remaining[conversation]--
				t := turn[conversation]
				turn[conversation]++
				created := base + int64(written)*60_000
				var err error
				parent := nullID(last[conversation])
				if t%2 == 0 {
					err = stmt.QueryRowContext(ctx, fmt.Sprintf("bench-msg-%d", written), conversation, RoleUser,
						text.question(), created, created, "", "", 0, 0.0, 0, 0, "", parent, created).Scan(&last[conversation])
				} else {
					answer := text.answer()
					err = stmt.QueryRowContext(ctx, fmt.Sprintf("bench-msg-%d", written), conversation, RoleAssistant,
						answer, created, created+5000, "ep-local", "llama3.2", 300+rng.IntN(900),
						20+rng.Float64()*40, 50+rng.IntN(2000), len(answer)/4, "stop", parent, created).Scan(&last[conversation])
				}
				if err != nil {
					return err
				}
				written++
				n++
			}
			return nil
		})
		if err != nil {
			s.Close()
			return err
		}
		if written%100_000 == 0 {
			fmt.Fprintf(os.Stderr, "bench database: %d/%d messages, %s\n", written, benchMessages, time.Since(started).Round(time.Second))
		}
	}
	if err := generateVersions(ctx, s, text, base); err != nil {
		s.Close()
		return err
	}
	if _, err := s.write.ExecContext(ctx, `UPDATE conversations SET updated_at =
		(SELECT max(updated_at) FROM messages WHERE conversation_id = conversations.id)`); err != nil {
		s.Close()
		return err
	}
	if _, err := s.write.ExecContext(ctx, `UPDATE conversations SET pinned = 1 WHERE id % 1000 = 7`); err != nil {
		s.Close()
		return err
	}
	if _, err := s.write.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		s.Close()
		return err
	}
	if err := s.Close(); err != nil {
		return err
	}
	info, _ := os.Stat(tmp)
	fmt.Fprintf(os.Stderr, "bench database: done in %s, %d MB\n", time.Since(started).Round(time.Second), info.Size()>>20)
	return os.Rename(tmp, path)
}

// generateVersions fills benchVersionsConversation: benchBigMessages/2
// turns, each a question and benchVersions versions of its answer, the
// newest shown, the next question following it.
func generateVersions(ctx context.Context, s *Store, text *textGenerator, base int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO messages
			(uid, conversation_id, role, content, state, created_at, updated_at, parent_id, shown_at)
			VALUES (?, ?, ?, ?, 'complete', ?, ?, ?, ?) RETURNING id`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		var parent int64
		at := base
		for turn := range benchBigMessages / 2 {
			at += 60_000
			err := stmt.QueryRowContext(ctx, fmt.Sprintf("bench-v-%d-q", turn), benchVersionsConversation, RoleUser,
				text.question(), at, at, nullID(parent), at).Scan(&parent)
			if err != nil {
				return err
			}
			question := parent
			for v := range benchVersions {
				at += 1000
				err := stmt.QueryRowContext(ctx, fmt.Sprintf("bench-v-%d-a%d", turn, v), benchVersionsConversation, RoleAssistant,
					text.answer(), at, at, question, at).Scan(&parent)
				if err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// textGenerator writes plausible chat text: English prose, some Japanese and
// Chinese, and some code.
type textGenerator struct {
	rng *rand.Rand
}

func newTextGenerator(rng *rand.Rand) *textGenerator { return &textGenerator{rng: rng} }

var benchWords = strings.Fields(`the a of to and in is it that for you with on as this be are
	can use your function value return error string file data model server request response
	database query index table memory thread goroutine channel context timeout buffer stream
	token prompt answer question example install configure version release update network
	performance latency cache layer python golang rust javascript typescript docker kubernetes
	linux windows macos terminal command option default setting result output input config
	however because therefore usually sometimes quickly simply carefully probably exactly
	recipe travel weather garden history music movie coffee breakfast mountain river ocean
	explain compare summarize translate rewrite improve debug refactor optimize deploy test
	benchmark migration schema transaction rollback commit branch merge review pipeline`)

var benchJapanese = []string{
	"東京タワーは東京都港区にある電波塔です。", "日本語のテキストを翻訳してください。",
	"京都の紅葉はとても美しいです。", "明日の天気は晴れの予報です。",
	"このプログラムはエラーを返します。", "富士山に登るにはどの季節が良いですか。",
	"北京是中国的首都。", "请帮我总结这篇文章的主要内容。", "数据库索引可以提高查询速度。",
}

var benchCode = []string{
	"```go\nfunc main() {\n\tfmt.Println(\"hello\")\n}\n```",
	"```python\ndef foo_bar(x):\n    return x * 2\n```",
	"```js\nconst result = await fetch(url).then(r => r.json());\n```",
	"```sql\nSELECT id, title FROM conversations ORDER BY updated_at DESC LIMIT 50;\n```",
	"```go\nif err != nil {\n\treturn fmt.Errorf(\"open: %w\", err)\n}\n```",
	"```rust\nlet v: Vec<i32> = (0..10).map(|x| x * x).collect();\n```",
}

func (g *textGenerator) sentence() string {
	n := 6 + g.rng.IntN(14)
	words := make([]string, n)
	for i := range words {
		// Zipf-like: early words are much more common.
		words[i] = benchWords[int(float64(len(benchWords))*g.rng.Float64()*g.rng.Float64())]
	}
	words[0] = strings.ToUpper(words[0][:1]) + words[0][1:]
	return strings.Join(words, " ") + "."
}

func (g *textGenerator) paragraph(sentences int) string {
	var b strings.Builder
	for i := 0; i < sentences; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		switch r := g.rng.IntN(20); {
		case r == 0:
			b.WriteString(benchJapanese[g.rng.IntN(len(benchJapanese))])
		default:
			b.WriteString(g.sentence())
		}
	}
	return b.String()
}

func (g *textGenerator) title() string {
	if g.rng.IntN(10) == 0 {
		return string([]rune(benchJapanese[g.rng.IntN(len(benchJapanese))])[:8])
	}
	return strings.TrimSuffix(g.sentence(), ".")
}

func (g *textGenerator) question() string {
	if g.rng.IntN(10) == 0 {
		return benchJapanese[g.rng.IntN(len(benchJapanese))]
	}
	return strings.TrimSuffix(g.paragraph(1+g.rng.IntN(2)), ".") + "?"
}

func (g *textGenerator) answer() string {
	text := g.paragraph(2 + g.rng.IntN(5))
	if g.rng.IntN(8) == 0 {
		text += "\n\n" + benchCode[g.rng.IntN(len(benchCode))] + "\n\n" + g.sentence()
	}
	return text
}

func BenchmarkListConversations(b *testing.B) {
	s := openBenchStore(b)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		list, err := s.ListConversations(ctx, ListOptions{Limit: 50})
		if err != nil || len(list) != 50 {
			b.Fatalf("ListConversations: %d, %v", len(list), err)
		}
	}
}

func BenchmarkOpenConversation(b *testing.B) {
	s := openBenchStore(b)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.GetConversation(ctx, benchBigConversation); err != nil {
			b.Fatal(err)
		}
		messages, err := s.ShownPath(ctx, benchBigConversation)
		if err != nil || len(messages) != benchBigMessages {
			b.Fatalf("ShownPath: %d, %v", len(messages), err)
		}
	}
}

// BenchmarkOpenConversationVersions opens a conversation of the same
// length as BenchmarkOpenConversation's whose every answer has 5 versions
// (6,000 rows): it should take about as long.
func BenchmarkOpenConversationVersions(b *testing.B) {
	s := openBenchStore(b)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.GetConversation(ctx, benchVersionsConversation); err != nil {
			b.Fatal(err)
		}
		messages, err := s.ShownPath(ctx, benchVersionsConversation)
		if err != nil || len(messages) != benchBigMessages || len(messages[1].Versions) != benchVersions {
			b.Fatalf("ShownPath: %d, %v", len(messages), err)
		}
	}
}

// BenchmarkOpenVersionsBesideLinear opens the two conversations above in
// turn, so both meet the same load, and reports the ratio of their times:
// the versions conversation should open about as fast (ratio near 1).
func BenchmarkOpenVersionsBesideLinear(b *testing.B) {
	s := openBenchStore(b)
	ctx := context.Background()
	open := func(id int64) time.Duration {
		started := time.Now()
		if _, err := s.GetConversation(ctx, id); err != nil {
			b.Fatal(err)
		}
		if _, err := s.ShownPath(ctx, id); err != nil {
			b.Fatal(err)
		}
		return time.Since(started)
	}
	var linear, versions time.Duration
	b.ResetTimer()
	for b.Loop() {
		linear += open(benchBigConversation)
		versions += open(benchVersionsConversation)
	}
	b.ReportMetric(float64(linear.Microseconds())/float64(b.N)/1000, "linear-ms/op")
	b.ReportMetric(float64(versions.Microseconds())/float64(b.N)/1000, "versions-ms/op")
	b.ReportMetric(float64(versions)/float64(linear), "versions/linear")
}

func BenchmarkSearch(b *testing.B) {
	s := openBenchStore(b)
	ctx := context.Background()
	queries := []struct{ name, query string }{
		{"rare word", "kubernetes rollback"},
		{"japanese", "東京タワー"},
		{"chinese", "数据库索引"},
		{"code", "fmt.Println"},
		{"code identifier", "foo_bar("},
		{"common word", "function"},
		{"short query", "Go"},
	}
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			hits := 0
			for b.Loop() {
				list, err := s.Search(ctx, q.query, 50)
				if err != nil {
					b.Fatal(err)
				}
				hits = len(list)
			}
			b.ReportMetric(float64(hits), "hits")
		})
	}
}

// BenchmarkCheckpoint streams an answer into the big database, saving the
// growing text at every step as the engine does, and reports percentiles of
// one checkpoint. The slowest ones are SQLite's automatic WAL checkpoints,
// which run inside a commit about every thousand written pages.
func BenchmarkCheckpoint(b *testing.B) {
	s := openBenchStore(b)
	ctx := context.Background()
	answer, err := s.AddMessage(ctx, Message{ConversationID: 2, Role: RoleAssistant, State: StateStreaming})
	if err != nil {
		b.Fatal(err)
	}
	defer s.DeleteMessage(ctx, answer.ID)
	chunk := "Goroutines are cheap; 東京タワー; fmt.Println(x). "
	var text strings.Builder
	durations := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for b.Loop() {
		if text.Len() > 8000 { // a new answer every few hundred checkpoints
			text.Reset()
		}
		text.WriteString(chunk)
		started := time.Now()
		if err := s.CheckpointAnswer(ctx, answer.ID, 0, text.String(), ""); err != nil {
			b.Fatal(err)
		}
		durations = append(durations, time.Since(started))
	}
	b.StopTimer()
	slices.Sort(durations)
	percentile := func(p float64) float64 {
		return float64(durations[int(p*float64(len(durations)-1))].Microseconds())
	}
	b.ReportMetric(percentile(0.50), "p50-µs")
	b.ReportMetric(percentile(0.99), "p99-µs")
	b.ReportMetric(percentile(0.999), "p99.9-µs")
	b.ReportMetric(percentile(1), "max-µs")
}

func BenchmarkExportBundle(b *testing.B) {
	s := openBenchStore(b)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		bundles, err := s.Bundles(ctx, []int64{benchBigConversation})
		if err != nil || len(bundles) != 1 || len(bundles[0].Messages) != benchBigMessages {
			b.Fatalf("Bundles: %v", err)
		}
	}
}
