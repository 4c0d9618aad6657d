package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Chunk is a piece of a document's text that retrieval searches and gives
// the model, with where it comes from.
type Chunk struct {
	ID         int64  `json:"id"`
	DocumentID int64  `json:"documentId"`
	Seq        int    `json:"seq"`
	Page       int    `json:"page"`
	Text       string `json:"text"`
}

// ChunkHit is a chunk found by a word search, with its BM25 rank (best
// first from 1).
type ChunkHit struct {
	Chunk
	Rank int `json:"rank"`
}

// DocumentChunked reports whether the document with the stored ID docID
// has been split into chunks already.
func (s *Store) DocumentChunked(ctx context.Context, docID int64) (bool, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM doc_indexed WHERE document_id = ?`, docID).Scan(&n)
	return n > 0, err
}

// StoredDocumentText returns the text of the stored document docID (the
// file, not one message's attachment of it), or [ErrNotFound].
func (s *Store) StoredDocumentText(ctx context.Context, docID int64) (text string, pages int, err error) {
	err = s.read.QueryRowContext(ctx, `SELECT text, pages FROM documents WHERE id = ?`, docID).Scan(&text, &pages)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, fmt.Errorf("store: stored document %d: %w", docID, ErrNotFound)
	}
	return text, pages, err
}

// SaveChunks stores the chunks of document docID in one transaction and
// marks it chunked. A document chunked already is left as it is: chunking
// happens once per document, however many messages carry it.
func (s *Store) SaveChunks(ctx context.Context, docID int64, chunks []Chunk) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM doc_indexed WHERE document_id = ?`, docID).Scan(&n); err != nil || n > 0 {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM doc_chunks WHERE document_id = ?`, docID); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO doc_chunks (document_id, seq, page, text) VALUES (?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i, c := range chunks {
			if _, err := stmt.ExecContext(ctx, docID, i, c.Page, c.Text); err != nil {
				return fmt.Errorf("chunk %d: %w", i, err)
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO doc_indexed (document_id, chunks, indexed_at) VALUES (?, ?, ?)`, docID, len(chunks), s.now())
		return err
	})
}

// DocumentChunks returns the chunks of document docID in order.
func (s *Store) DocumentChunks(ctx context.Context, docID int64) ([]Chunk, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, document_id, seq, page, text FROM doc_chunks WHERE document_id = ? ORDER BY seq`, docID)
	return collect(rows, err, scanChunk)
}

func scanChunk(r rowScanner) (Chunk, error) {
	var c Chunk
	return c, r.Scan(&c.ID, &c.DocumentID, &c.Seq, &c.Page, &c.Text)
}

// SearchChunks ranks the chunks of the documents docIDs by BM25 against
// the words of query and returns the best limit of them. Any word may
// match; words are quoted, so FTS5's syntax in a question is only text.
// Over many chunks, the commonest words are left out until the chunks the
// rest match number at most scoreBudget (the rarest always stays): they
// add little to BM25, and scoring every chunk they match is what makes a
// search of 100,000 chunks slow.
func (s *Store) SearchChunks(ctx context.Context, query string, docIDs []int64, limit int) ([]ChunkHit, error) {
	words := queryWords(query)
	if len(words) == 0 || len(docIDs) == 0 || limit <= 0 {
		return nil, nil
	}
	words, err := s.rarestWords(ctx, words)
	if err != nil {
		return nil, err
	}
	args := []any{strings.Join(words, " OR ")}
	for _, id := range docIDs {
		args = append(args, id)
	}
	args = append(args, limit)
	rows, err := s.read.QueryContext(ctx, `SELECT c.id, c.document_id, c.seq, c.page, c.text
		FROM doc_chunks_fts f JOIN doc_chunks c ON c.id = f.rowid
		WHERE doc_chunks_fts MATCH ? AND c.document_id IN (`+placeholders(len(docIDs))+`)
		ORDER BY f.rank LIMIT ?`, args...)
	chunks, err := collect(rows, err, scanChunk)
	if err != nil {
		return nil, err
	}
	hits := make([]ChunkHit, len(chunks))
	for i, c := range chunks {
		hits[i] = ChunkHit{Chunk: c, Rank: i + 1}
	}
	return hits, nil
}

// pruneAbove is the number of chunks from which a search leaves words out,
// and scoreBudget how many matches of its words a search scores at most.
// (Variables, so a test can lower them.)
var (
	pruneAbove  = 20_000
	scoreBudget = 8_000
)

// rarestWords keeps of words (quoted FTS5 terms), when there are more than
// pruneAbove chunks, the rarest, while the chunks they match add up to at
// most scoreBudget; the rarest stays whatever its count. BM25 scores every
// chunk a word matches, a few microseconds each, so this bounds a search's
// time, and the words left out are the common ones, which rank least.
func (s *Store) rarestWords(ctx context.Context, words []string) ([]string, error) {
	var total int
	if err := s.read.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM doc_chunks`).Scan(&total); err != nil {
		return nil, err
	}
	if total <= pruneAbove || len(words) <= 1 {
		return words, nil
	}
	counts := make(map[string]int, len(words))
	for _, w := range words {
		var n int
		if err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM doc_chunks_fts WHERE doc_chunks_fts MATCH ?`, w).Scan(&n); err != nil {
			return nil, err
		}
		counts[w] = n
	}
	byCount := slices.Clone(words)
	slices.SortStableFunc(byCount, func(a, b string) int { return counts[a] - counts[b] })
	kept, scored := byCount[:1], counts[byCount[0]]
	for _, w := range byCount[1:] {
		if scored+counts[w] > scoreBudget {
			break
		}
		kept = append(kept, w)
		scored += counts[w]
	}
	return kept, nil
}

// queryWords are the words of a question of two letters or more, without
// stop words, each quoted as an FTS5 term.
func queryWords(query string) []string {
	seen := map[string]bool{}
	var words []string
	for _, w := range strings.FieldsFunc(strings.ToLower(query), func(r rune) bool {
		return !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r > 127 && !isSpaceOrPunct(r))
	}) {
		if len([]rune(w)) < 2 || seen[w] || stopWords[w] {
			continue
		}
		seen[w] = true
		words = append(words, `"`+w+`"`)
	}
	return words
}

func isSpaceOrPunct(r rune) bool {
	return strings.ContainsRune("\u00a0\u2000\u2001\u2002\u2003\u2009\u200b\u3000“”‘’«»…—–·、。，！？：；（）", r)
}

// stopWords are English words too common to rank by; leaving them out
// keeps BM25's OR query small and fast.
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an and are as at be but by can do does for from has have how i if in is it its
		me my no not of on or so that the their them then there these they this to was we were what when where which who
		why will with would you your about into than`) {
		stopWords[w] = true
	}
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// ChunkVector is one chunk's embedding.
type ChunkVector struct {
	ChunkID int64
	Vector  []float32
}

// SaveVectors stores the vectors of document docID's chunks made by model
// and marks the document embedded by it, in one transaction.
func (s *Store) SaveVectors(ctx context.Context, docID int64, model string, vectors []ChunkVector) error {
	if model == "" || len(vectors) == 0 {
		return invalid("no model or no vectors to store")
	}
	dims := len(vectors[0].Vector)
	return s.tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO doc_chunk_vectors (chunk_id, model, vector) VALUES (?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, v := range vectors {
			if len(v.Vector) != dims {
				return invalid("vectors of %d and %d dimensions from one model", dims, len(v.Vector))
			}
			if _, err := stmt.ExecContext(ctx, v.ChunkID, model, EncodeVector(v.Vector)); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO doc_embedded (document_id, model, dims) VALUES (?, ?, ?)`, docID, model, dims)
		return err
	})
}

// DocumentEmbedded reports whether every chunk of document docID has a
// vector from model.
func (s *Store) DocumentEmbedded(ctx context.Context, docID int64, model string) (bool, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM doc_embedded WHERE document_id = ? AND model = ?`, docID, model).Scan(&n)
	return n > 0, err
}

// GetChunks returns the chunks with ids, in any order.
func (s *Store) GetChunks(ctx context.Context, ids []int64) ([]Chunk, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.read.QueryContext(ctx, `SELECT id, document_id, seq, page, text FROM doc_chunks WHERE id IN (`+placeholders(len(ids))+`)`, args...)
	return collect(rows, err, scanChunk)
}

// EncodeVector is a vector as stored: little-endian float32s.
func EncodeVector(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(f))
	}
	return b
}

// DecodeVector reads a vector stored by [EncodeVector].
func DecodeVector(b []byte) []float32 {
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v
}
