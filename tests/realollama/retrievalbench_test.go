//go:build linux

package realollama

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"brook/backend/documents"
	"brook/backend/retrieval"
	"brook/backend/store"
)

// benchManuals are the R manuals the retrieval bench reads, from Debian's
// r-doc-pdf (real PDFs the project did not make): 308 pages together.
var benchManuals = []string{"R-intro.pdf", "R-admin.pdf", "R-data.pdf", "R-lang.pdf"}

// benchPDFDir downloads r-doc-pdf once into the cache and returns the
// folder of its manuals.
func benchPDFDir(t *testing.T) string {
	t.Helper()
	cache := os.Getenv("BROOK_CACHE")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache", "brook")
	}
	dir := filepath.Join(cache, "r-doc-pdf")
	manual := filepath.Join(dir, "usr/share/R/doc/manual")
	if _, err := os.Stat(filepath.Join(manual, benchManuals[len(benchManuals)-1])); err == nil {
		return manual
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("apt-get", "download", "r-doc-pdf")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("apt-get download r-doc-pdf: %v\n%s", err, out)
	}
	debs, _ := filepath.Glob(filepath.Join(dir, "r-doc-pdf_*.deb"))
	if len(debs) == 0 {
		t.Fatal("no r-doc-pdf package downloaded")
	}
	if out, err := exec.Command("dpkg-deb", "-x", debs[0], dir).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb: %v\n%s", err, out)
	}
	return manual
}

// fixedEmbedder embeds every text as one fixed random vector of dims
// dimensions: the search bench times the scan, not a model.
type fixedEmbedder struct{ v []float32 }

func (f fixedEmbedder) Embed(_ context.Context, _ string, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i := range out {
		out[i] = slices.Clone(f.v)
	}
	return out, nil
}

func randomVector(rng *rand.Rand, dims int) []float32 {
	v := make([]float32, dims)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}

func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestRetrievalBench (BROOK_RETRIEVAL_BENCH=1, run by make bench) measures
// retrieval on this machine and writes bench-results/retrieval.md: the time
// to index a 308-page document made of four real PDFs, the time to search
// 100,000 chunks, and how often the passage that answers a question comes
// back in the top five.
func TestRetrievalBench(t *testing.T) {
	onlyInBench(t, "BROOK_RETRIEVAL_BENCH")
	ctx := context.Background()
	dir := benchPDFDir(t)
	var report strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&report, format, args...) }

	// 1. Read the manuals as Brook reads an attached PDF, and join their
	// pages into one 308-page document.
	start := time.Now()
	var text strings.Builder
	pages, bytes := 0, 0
	for _, name := range benchManuals {
		d, err := documents.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		bytes += int(d.Size)
		for _, p := range strings.Split(d.Text, "--- Page ")[1:] {
			_, body, _ := strings.Cut(p, " ---\n")
			pages++
			fmt.Fprintf(&text, "--- Page %d ---\n%s\n", pages, strings.TrimSpace(body))
		}
	}
	readTime := time.Since(start)

	st, err := store.Open(filepath.Join(t.TempDir(), "brook.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := Start(t)
	if err := srv.AddEmbedModel(ctx); err != nil {
		t.Fatal(err)
	}
	set := store.DefaultSettings()
	tiny := retrieval.Ollama{Client: srv.API()}
	svc := retrieval.New(ctx, retrieval.Config{Store: st,
		Embedder: func(context.Context, string) (retrieval.Embedder, error) { return tiny, nil }})
	defer svc.Close()
	conv, err := st.CreateConversation(ctx, store.Conversation{Title: "bench"})
	if err != nil {
		t.Fatal(err)
	}
	body := text.String()
	m, err := st.AddMessage(ctx, store.Message{ConversationID: conv.ID, Role: store.RoleUser, Content: "manuals",
		Documents: []store.Document{{Name: "r-manuals.pdf", Kind: "pdf", MIME: "application/pdf", Pages: pages, Text: body, Data: []byte(body)}}})
	if err != nil {
		t.Fatal(err)
	}
	docs, err := st.ConversationDocuments(ctx, conv.ID)
	if err != nil {
		t.Fatal(err)
	}
	docID := docs[m.ID][0].StoredID

	// No embedding model is set yet, so Prepare only chunks.
	start = time.Now()
	if err := svc.Prepare(ctx, []int64{docID}); err != nil {
		t.Fatal(err)
	}
	chunkTime := time.Since(start)
	chunks, err := st.DocumentChunks(ctx, docID)
	if err != nil {
		t.Fatal(err)
	}
	// Embedding: a sample of the chunks, in batches of 16 as the indexer
	// sends them; the machine is shared, so the whole document is not
	// embedded here, and the time for it is the sample's rate.
	const sample, batch = 128, 16
	start = time.Now()
	for i := 0; i < min(sample, len(chunks)); i += batch {
		var texts []string
		for _, c := range chunks[i:min(i+batch, sample, len(chunks))] {
			texts = append(texts, c.Text)
		}
		if _, err := tiny.Embed(ctx, EmbedModelName, texts); err != nil {
			t.Fatalf("embedding: %v", err)
		}
	}
	embedTime := time.Since(start)
	perChunk := embedTime / time.Duration(min(sample, len(chunks)))
	load, _ := os.ReadFile("/proc/loadavg")

	w("# Retrieval (make bench)\n\n")
	w("Measured %s on this machine (%s), by `TestRetrievalBench` in tests/realollama (BROOK_RETRIEVAL_BENCH=1).\n\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"), machine())
	w("## Indexing a 308-page PDF\n\n")
	w("The document is four real manuals from Debian's `r-doc-pdf` (%s: %d pages, %.1f MB of PDF), each read by Brook's PDF reader and joined page after page into one %d-page document of %d characters. ",
		strings.Join(benchManuals, ", "), pages, float64(bytes)/1e6, pages, len(body))
	w("(They are read one by one because Brook's PDF reader cannot open the single file `pdfunite` makes of them: \"its list of pages cannot be read\". That is a finding for the documents reader, not retrieval.)\n\n")
	w("| step | time |\n|---|---|\n")
	w("| reading the four PDFs (text layer, page by page) | %s |\n", readTime.Round(time.Millisecond))
	w("| chunking and storing %d chunks with their FTS5 index | %s |\n", len(chunks), chunkTime.Round(time.Millisecond))
	w("| embedding %d of the chunks with the tiny BERT model on the real Ollama v0.17.4 (batches of 16) | %s (%s a chunk) |\n", min(sample, len(chunks)), embedTime.Round(time.Millisecond), perChunk.Round(time.Millisecond))
	w("| all %d chunks at that rate (estimated, not measured) | about %s |\n\n", len(chunks), (perChunk * time.Duration(len(chunks))).Round(time.Second))
	w("The machine is shared with other work (load average %s when the embedding was measured), so the embedding times are slow and uneven; the bench embeds a sample rather than tie the machine up. Chunking makes the document searchable by its words at once; the embedding runs in the background, behind the user's answers, one batch at a time. The tiny model (2 layers, 64 dimensions, but a vocabulary that spells most words letter by letter, so about 700 tokens a chunk) is not a real one: all-minilm (6 layers, 384 dimensions, about 250 tokens a chunk) costs differently. No real embedding model can be downloaded on this machine, so its time is not measured.\n\n", strings.Join(strings.Fields(string(load))[:3], " "))

	// 2. Quality: does the passage that answers come back in the top five?
	quality := func(label string) (int, []string) {
		hits := 0
		var misses []string
		for _, q := range benchQuestions {
			res, err := svc.Search(ctx, q.q, []int64{docID}, 5)
			if err != nil {
				t.Fatal(err)
			}
			found := slices.ContainsFunc(res.Chunks, func(c store.Chunk) bool { return strings.Contains(squash(c.Text), squash(q.answer)) })
			if found {
				hits++
			} else {
				misses = append(misses, q.q)
			}
		}
		t.Logf("%s: %d/%d", label, hits, len(benchQuestions))
		return hits, misses
	}
	for _, q := range benchQuestions {
		if !slices.ContainsFunc(chunks, func(c store.Chunk) bool { return strings.Contains(squash(c.Text), squash(q.answer)) }) {
			t.Fatalf("no chunk holds the answer to %q; the question set does not fit the document", q.q)
		}
	}
	words, wordMisses := quality("BM25 only")
	w("## Retrieval quality\n\n")
	w("%d questions about the manuals, written by hand and worded as a user would ask (tests/realollama/retrievalquestions_test.go); a question counts when a chunk among the top five holds the passage that answers it.\n\n", len(benchQuestions))
	w("| search | right chunk in the top 5 |\n|---|---|\n")
	w("| BM25 only (no embedding model: the fallback) | %d of %d (%.0f %%) |\n", words, len(benchQuestions), 100*float64(words)/float64(len(benchQuestions)))
	w("\nThis is the search Brook falls back to without an embedding model, and half of the search with one. The quality with a real embedding model (all-minilm, nomic-embed-text) fused in could not be measured: no real model can be downloaded on this machine, and the tiny test model's vectors are random, so a number for them would mean nothing.\n\n")
	if len(wordMisses) > 0 {
		w("Missed by BM25 alone: %s.\n\n", quoteAll(wordMisses))
	}

	// 3. Search time over 100,000 chunks: the manuals' chunks copied into
	// as many documents as it takes, each chunk with a 384-dimensional
	// vector (all-minilm's size), random since no real model is here.
	const target, dims = 100_000, 384
	rng := rand.New(rand.NewPCG(1, 2))
	var ids []int64
	total := 0
	start = time.Now()
	for copyN := 0; total < target; copyN++ {
		n := min(len(chunks), target-total)
		copyText := fmt.Sprintf("copy %d\n%s", copyN, body)
		cm, err := st.AddMessage(ctx, store.Message{ConversationID: conv.ID, Role: store.RoleUser, Content: "copy",
			Documents: []store.Document{{Name: fmt.Sprintf("copy-%d.pdf", copyN), Kind: "pdf", MIME: "application/pdf", Text: copyText, Data: []byte(copyText)}}})
		if err != nil {
			t.Fatal(err)
		}
		cd, err := st.ConversationDocuments(ctx, conv.ID)
		if err != nil {
			t.Fatal(err)
		}
		id := cd[cm.ID][0].StoredID
		copies := make([]store.Chunk, n)
		for i := range copies {
			copies[i] = store.Chunk{Page: chunks[i].Page, Text: chunks[i].Text}
		}
		if err := st.SaveChunks(ctx, id, copies); err != nil {
			t.Fatal(err)
		}
		saved, err := st.DocumentChunks(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		vecs := make([]store.ChunkVector, len(saved))
		for i, c := range saved {
			vecs[i] = store.ChunkVector{ChunkID: c.ID, Vector: randomVector(rng, dims)}
		}
		if err := st.SaveVectors(ctx, id, "bench-384", vecs); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
		total += n
	}
	buildTime := time.Since(start)
	// Copy the write-ahead log into the database, as it is when Brook
	// starts, so the searches do not time the store's checkpointer copying
	// back the 300 MB just written.
	if db, err := sql.Open("sqlite", st.Path()); err != nil {
		t.Fatal(err)
	} else {
		if _, err := db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
	// Wall time, and the CPU time of the process over the search: the
	// machine is shared, so wall time also holds waiting for a core.
	cpu := func() time.Duration {
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	setModel := func(model string) {
		set.EmbedModel, set.EmbedEndpointID = model, ""
		if model != "" {
			set.EmbedEndpointID = "bench"
		}
		if err := st.SaveSettings(ctx, set); err != nil {
			t.Fatal(err)
		}
	}
	embedder := func(context.Context, string) (retrieval.Embedder, error) {
		return fixedEmbedder{randomVector(rng, dims)}, nil
	}
	search := func(svc *retrieval.Service, q string) (wall, cpuTime time.Duration) {
		s, c := time.Now(), cpu()
		res, err := svc.Search(ctx, q, ids, 8)
		wall, cpuTime = time.Since(s), cpu()-c
		if err != nil || len(res.Chunks) == 0 {
			t.Fatalf("search: %+v, %v", res, err)
		}
		return wall, cpuTime
	}
	type timing struct{ first, firstCPU, wall, cpu, slowest, slowestCPU time.Duration }
	// timeSearch asks every question once; the first is timed apart.
	timeSearch := func(label string, svc *retrieval.Service) timing {
		var tm timing
		var walls, cpus []time.Duration
		var gc0, gc1 runtime.MemStats
		runtime.ReadMemStats(&gc0)
		for i, q := range benchQuestions {
			wall, c := search(svc, q.q)
			t.Logf("%s: %q %s (cpu %s)", label, q.q, wall, c)
			tm.slowestCPU = max(tm.slowestCPU, c)
			if i == 0 {
				tm.first, tm.firstCPU = wall, c
				continue
			}
			walls, cpus = append(walls, wall), append(cpus, c)
		}
		runtime.ReadMemStats(&gc1)
		slices.Sort(walls)
		slices.Sort(cpus)
		tm.wall, tm.cpu, tm.slowest = walls[len(walls)/2], cpus[len(cpus)/2], max(walls[len(walls)-1], tm.first)
		t.Logf("%s: %+v, %d collections", label, tm, gc1.NumGC-gc0.NumGC)
		return tm
	}
	setModel("")
	wordsOnly := retrieval.New(ctx, retrieval.Config{Store: st, Embedder: embedder})
	defer wordsOnly.Close()
	bm25 := timeSearch("BM25 only", wordsOnly)

	// Brook starting: the Service reads the vectors into memory in the
	// background; the user's first question may come before it is done.
	setModel("bench-384")
	runtime.GC()
	var mem0 runtime.MemStats
	runtime.ReadMemStats(&mem0)
	s0, c0 := time.Now(), cpu()
	big := retrieval.New(ctx, retrieval.Config{Store: st, Embedder: embedder, WarmUp: true})
	defer big.Close()
	newTime := time.Since(s0)
	duringWall, duringCPU := search(big, benchQuestions[0].q)
	<-big.Warmed()
	warmWall, warmCPU := time.Since(s0), cpu()-c0
	runtime.GC()
	var mem1 runtime.MemStats
	runtime.ReadMemStats(&mem1)
	warm := timeSearch("BM25 + vectors (after the warm-up)", big)

	// A Service as `brook ask` makes it: no warm-up, and its one search
	// reads every vector it needs itself.
	cold := retrieval.New(ctx, retrieval.Config{Store: st, Embedder: embedder, ReadAtOnce: -1})
	defer cold.Close()
	coldWall, coldCPU := search(cold, benchQuestions[0].q)

	load, _ = os.ReadFile("/proc/loadavg")
	qs := time.Now()
	if _, err := tiny.Embed(ctx, EmbedModelName, []string{benchQuestions[0].q}); err != nil {
		t.Fatal(err)
	}
	queryEmbed := time.Since(qs)

	r := func(d time.Duration) time.Duration { return d.Round(100 * time.Microsecond) }
	w("## Search time over 100,000 chunks\n\n")
	w("%d chunks in %d documents (the manuals' %d chunks copied), each with a %d-dimensional vector (all-minilm's size; random, as no real model is here), built in %s. Each search asks for the best 8 chunks of all the documents, for each of the %d questions; the goal is 50 ms for every search, the first included.\n\n",
		total, len(ids), len(chunks), dims, buildTime.Round(time.Second), len(benchQuestions))
	w("| search | first search: wall (CPU) | median of the rest: wall (CPU) | slowest wall, the first included (most CPU) |\n|---|---|---|---|\n")
	row := func(label string, tm timing) {
		w("| %s | %s (%s) | %s (%s) | %s (%s) |\n", label, r(tm.first), r(tm.firstCPU), r(tm.wall), r(tm.cpu), r(tm.slowest), r(tm.slowestCPU))
	}
	row("BM25 only", bm25)
	row("BM25 + vector scan, fused, ranked side by side", warm)
	w("\n")
	w("Brook starting (the Service made with `WarmUp`, as the window makes it): making it took %s; it then read the %d documents' vectors into memory in the background in %s (%s of CPU time, the first search's included), holding %.0f MB of vectors (%.0f MB more live heap after a collection). A search asked at once, before the vectors were read, took %s (%s of CPU, the background reading's included): while the warm-up runs a search reads no vector itself: the documents not in memory yet are searched by their words, with the still-indexing notice, rather than wait for them.\n\n",
		newTime.Round(time.Microsecond), len(ids), warmWall.Round(time.Millisecond), warmCPU.Round(time.Millisecond), float64(big.VectorBytes())/1e6, (float64(mem1.HeapAlloc)-float64(mem0.HeapAlloc))/1e6, r(duringWall), r(duringCPU))
	w("Before (the same bench, 2026-12-07 00:42 UTC, load average 3.51): the first fused search read the vectors from the store, 1.7624s; the rest took 27.1ms at the median and 68ms at the slowest (BM25 alone: 14.5ms median, 55ms slowest). A word search then scored every chunk its two rarest words matched, 33,000 for some questions; it now scores at most 8,000 (its rarest words first), and the vectors are read at start, in the background.\n\n")
	w("`brook ask` (one question a process) has no warm-up and reads every vector its search needs itself: over all %d documents, that search took %s (%s CPU), which is what reading 100,000 vectors from the store costs now (it was the first search's 1.76 s). A search in the window reads at most 1,024 chunks' vectors itself (`retrieval.DefaultReadAtOnce`, one 300-page book).\n\n", len(ids), r(coldWall), r(coldCPU))
	w("Load average after searching: %s (2 cores). CPU time is the whole process's over the search (the word search, the scan's two halves and the question's embedding run side by side, so it can exceed the wall time); wall time also holds the time spent waiting for a core.\n\n", strings.Join(strings.Fields(string(load))[:3], " "))
	w("The times leave out embedding the question, which the model does: %s with the tiny model on the real Ollama (a real model takes longer); it runs beside the word search, so a search with a real model takes the longer of the two. The vectors in memory take %d bytes a chunk (%d floats and a chunk ID), %.0f MB for these %d chunks; the cache is bounded at %d MiB (`retrieval.DefaultCacheBytes`), dropping the documents searched least recently.\n",
		queryEmbed.Round(time.Millisecond), 8+4*dims, dims, float64((8+4*dims)*total)/1e6, total, retrieval.DefaultCacheBytes>>20)

	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(root, "bench-results", "retrieval.md")
	if err := os.WriteFile(out, []byte(report.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s\n%s", out, report.String())
}

func quoteAll(qs []string) string {
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = fmt.Sprintf("%q", q)
	}
	return strings.Join(out, ", ")
}

func machine() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	model, n := "", 0
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "model name") {
			n++
			if _, v, ok := strings.Cut(line, ":"); ok {
				model = strings.TrimSpace(v)
			}
		}
	}
	return fmt.Sprintf("%d × %s", n, model)
}
