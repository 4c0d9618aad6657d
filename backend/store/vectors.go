package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// VectorBlock is the vectors one model made for one document's chunks, in
// chunk order, in one contiguous slice (Dims floats a chunk): what a
// search keeps in memory and scans.
type VectorBlock struct {
	ChunkIDs []int64
	Data     []float32
	Dims     int
}

// EmbeddedDocument is a document every chunk of which a model embedded,
// with the size of its vectors.
type EmbeddedDocument struct {
	DocumentID int64
	Chunks     int
	Dims       int
}

// EmbeddedAmong returns, of the documents docIDs, those model has embedded
// every chunk of, by document ID, in one query.
func (s *Store) EmbeddedAmong(ctx context.Context, docIDs []int64, model string) (map[int64]EmbeddedDocument, error) {
	out := map[int64]EmbeddedDocument{}
	if len(docIDs) == 0 {
		return out, nil
	}
	args := []any{model}
	for _, id := range docIDs {
		args = append(args, id)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT e.document_id, coalesce(i.chunks, 0), e.dims FROM doc_embedded e
		LEFT JOIN doc_indexed i ON i.document_id = e.document_id
		WHERE e.model = ? AND e.document_id IN (`+placeholders(len(docIDs))+`)`, args...)
	list, err := collect(rows, err, scanEmbedded)
	for _, d := range list {
		out[d.DocumentID] = d
	}
	return out, err
}

// EmbeddedDocuments lists the documents model has embedded, the most
// recently stored first.
func (s *Store) EmbeddedDocuments(ctx context.Context, model string) ([]EmbeddedDocument, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT e.document_id, coalesce(i.chunks, 0), e.dims FROM doc_embedded e
		LEFT JOIN doc_indexed i ON i.document_id = e.document_id
		WHERE e.model = ? ORDER BY e.document_id DESC`, model)
	return collect(rows, err, scanEmbedded)
}

func scanEmbedded(r rowScanner) (EmbeddedDocument, error) {
	var d EmbeddedDocument
	return d, r.Scan(&d.DocumentID, &d.Chunks, &d.Dims)
}

// DocumentVectorBlock reads the vectors model made for document docID's
// chunks straight into one block, without a slice a vector: reading
// 100,000 vectors one slice each was most of a first search's time. A
// document model has not embedded is [ErrNotFound].
func (s *Store) DocumentVectorBlock(ctx context.Context, docID int64, model string) (VectorBlock, error) {
	var d EmbeddedDocument
	err := s.read.QueryRowContext(ctx, `SELECT e.document_id, coalesce(i.chunks, 0), e.dims FROM doc_embedded e
		LEFT JOIN doc_indexed i ON i.document_id = e.document_id
		WHERE e.document_id = ? AND e.model = ?`, docID, model).Scan(&d.DocumentID, &d.Chunks, &d.Dims)
	if errors.Is(err, sql.ErrNoRows) {
		return VectorBlock{}, fmt.Errorf("store: vectors of document %d by %s: %w", docID, model, ErrNotFound)
	}
	if err != nil {
		return VectorBlock{}, err
	}
	b := VectorBlock{Dims: d.Dims, ChunkIDs: make([]int64, 0, d.Chunks), Data: make([]float32, 0, d.Chunks*d.Dims)}
	rows, err := s.read.QueryContext(ctx, `SELECT v.chunk_id, v.vector FROM doc_chunk_vectors v JOIN doc_chunks c ON c.id = v.chunk_id
		WHERE c.document_id = ? AND v.model = ? ORDER BY c.seq`, docID, model)
	if err != nil {
		return VectorBlock{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id   int64
			blob sql.RawBytes
		)
		if err := rows.Scan(&id, &blob); err != nil {
			return VectorBlock{}, err
		}
		if len(blob) != 4*d.Dims {
			return VectorBlock{}, fmt.Errorf("store: chunk %d's vector has %d bytes, not %d floats", id, len(blob), d.Dims)
		}
		b.ChunkIDs = append(b.ChunkIDs, id)
		for i := 0; i < len(blob); i += 4 {
			b.Data = append(b.Data, math.Float32frombits(binary.LittleEndian.Uint32(blob[i:])))
		}
	}
	return b, rows.Err()
}
