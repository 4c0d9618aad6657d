package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"

	"brook/backend/i18n"
)

// MaxImportKnowledgeFiles is the most knowledge files one project may bring
// in an import.
const MaxImportKnowledgeFiles = 1000

// projectKnowledge reads the knowledge files of project projectID with
// their text and bytes, as a project's export carries them.
func (s *Store) projectKnowledge(ctx context.Context, projectID int64) ([]Document, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT k.name, d.kind, d.mime, d.hash, d.size, d.pages, d.tokens, d.text, d.data
		FROM knowledge_files k JOIN documents d ON d.id = k.document_id
		WHERE k.project_id = ? ORDER BY k.id`, projectID)
	return collect(rows, err, func(r rowScanner) (Document, error) {
		var d Document
		return d, r.Scan(&d.Name, &d.Kind, &d.MIME, &d.Hash, &d.Size, &d.Pages, &d.Tokens, &d.Text, &d.Data)
	})
}

// insertKnowledge stores d (bytes, text and type) as a knowledge file of
// owner within tx, the file once by its hash as a message's documents are,
// and returns the knowledge file's id.
func insertKnowledge(ctx context.Context, tx *sql.Tx, owner KnowledgeOwner, d Document, now int64) (int64, error) {
	sum := sha256.Sum256(d.Data)
	hash := hex.EncodeToString(sum[:])
	if _, err := tx.ExecContext(ctx, `INSERT INTO documents (hash, kind, mime, size, pages, tokens, text, data)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING`,
		hash, d.Kind, d.MIME, len(d.Data), d.Pages, d.Tokens, d.Text, d.Data); err != nil {
		return 0, err
	}
	p, a := owner.args()
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO knowledge_files (project_id, assistant_id, document_id, name, added_at)
		SELECT ?, ?, id, ?, ? FROM documents WHERE hash = ? RETURNING id`, p, a, d.Name, now, hash).Scan(&id)
	return id, err
}

// importKnowledge adds the knowledge files bp brings to project projectID
// within tx, leaving out those the project holds already (the same bytes
// under the same name), so importing a project's export twice adds none.
func importKnowledge(ctx context.Context, tx *sql.Tx, projectID int64, bp *BundleProject, now int64) error {
	for _, d := range bp.Knowledge {
		sum := sha256.Sum256(d.Data)
		var held int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM knowledge_files k JOIN documents d ON d.id = k.document_id
			WHERE k.project_id = ? AND d.hash = ? AND k.name = ?`, projectID, hex.EncodeToString(sum[:]), d.Name).Scan(&held); err != nil {
			return err
		}
		if held > 0 {
			continue
		}
		if _, err := insertKnowledge(ctx, tx, KnowledgeOwner{ProjectID: projectID}, d, now); err != nil {
			return err
		}
	}
	return nil
}

// checkKnowledge says, with [ErrInvalid], what an import would refuse of a
// project's knowledge files: too many, or one without its bytes, text or
// type.
func (bp BundleProject) checkKnowledge() error {
	if len(bp.Knowledge) > MaxImportKnowledgeFiles {
		return refuseIn("Store.tooManyKnowledgeFiles", i18n.Args{"Count": len(bp.Knowledge), "Max": MaxImportKnowledgeFiles})
	}
	for k, d := range bp.Knowledge {
		if len(d.Data) == 0 || d.Text == "" || d.Kind == "" || d.MIME == "" {
			return invalid("knowledge file %d: no data, text or type", k+1)
		}
	}
	return nil
}
