package store

import (
	"context"
	"database/sql"
	"fmt"
)

// KnowledgeFile is a document a project or an assistant holds for its
// chats to retrieve from. The file is stored once by its hash, as a
// message's documents are.
type KnowledgeFile struct {
	ID          int64 `json:"id"`
	ProjectID   int64 `json:"projectId,omitempty"`
	AssistantID int64 `json:"assistantId,omitempty"`
	// DocumentID is the stored document (unique by content hash).
	DocumentID int64  `json:"documentId"`
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Hash       string `json:"hash"`
	Size       int64  `json:"size"`
	Pages      int    `json:"pages,omitempty"`
	Tokens     int    `json:"tokens"`
	AddedAt    int64  `json:"addedAt"`
	// Text and Data are filled only where asked for (exports).
	Text string `json:"text,omitempty"`
	Data []byte `json:"data,omitempty" ts_type:"string"`
}

// KnowledgeOwner names whose knowledge files: a project's or an assistant's.
type KnowledgeOwner struct {
	ProjectID   int64
	AssistantID int64
}

func (o KnowledgeOwner) check() error {
	if (o.ProjectID > 0) == (o.AssistantID > 0) {
		return invalid("a knowledge file belongs to one project or one assistant")
	}
	return nil
}

func (o KnowledgeOwner) args() (any, any) {
	var p, a any
	if o.ProjectID > 0 {
		p = o.ProjectID
	}
	if o.AssistantID > 0 {
		a = o.AssistantID
	}
	return p, a
}

// AddKnowledgeFile stores d (its bytes, text and type) as a knowledge file
// of owner, which must exist and not be deleted.
func (s *Store) AddKnowledgeFile(ctx context.Context, owner KnowledgeOwner, d Document) (KnowledgeFile, error) {
	if err := owner.check(); err != nil {
		return KnowledgeFile{}, err
	}
	if len(d.Data) == 0 || d.Text == "" || d.Kind == "" || d.MIME == "" {
		return KnowledgeFile{}, invalid("the knowledge file has no bytes, text or type")
	}
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		table, ownerID := "projects", owner.ProjectID
		if owner.AssistantID > 0 {
			table, ownerID = "assistants", owner.AssistantID
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE id = ? AND deleted_at IS NULL`, ownerID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("store: %s %d: %w", table[:len(table)-1], ownerID, ErrNotFound)
		}
		var err error
		id, err = insertKnowledge(ctx, tx, owner, d, s.now())
		return err
	})
	if err != nil {
		return KnowledgeFile{}, err
	}
	return s.knowledgeFile(ctx, id)
}

const knowledgeColumns = `k.id, coalesce(k.project_id, 0), coalesce(k.assistant_id, 0), k.document_id, k.name, d.kind, d.hash, d.size, d.pages, d.tokens, k.added_at`

func scanKnowledge(r rowScanner) (KnowledgeFile, error) {
	var k KnowledgeFile
	return k, r.Scan(&k.ID, &k.ProjectID, &k.AssistantID, &k.DocumentID, &k.Name, &k.Kind, &k.Hash, &k.Size, &k.Pages, &k.Tokens, &k.AddedAt)
}

func (s *Store) knowledgeFile(ctx context.Context, id int64) (KnowledgeFile, error) {
	k, err := scanKnowledge(s.read.QueryRowContext(ctx, `SELECT `+knowledgeColumns+`
		FROM knowledge_files k JOIN documents d ON d.id = k.document_id WHERE k.id = ?`, id))
	if err == sql.ErrNoRows {
		return KnowledgeFile{}, fmt.Errorf("store: knowledge file %d: %w", id, ErrNotFound)
	}
	return k, err
}

// KnowledgeFiles lists owner's knowledge files in the order they were added.
func (s *Store) KnowledgeFiles(ctx context.Context, owner KnowledgeOwner) ([]KnowledgeFile, error) {
	if err := owner.check(); err != nil {
		return nil, err
	}
	p, a := owner.args()
	rows, err := s.read.QueryContext(ctx, `SELECT `+knowledgeColumns+`
		FROM knowledge_files k JOIN documents d ON d.id = k.document_id
		WHERE k.project_id IS ? AND k.assistant_id IS ? ORDER BY k.id`, p, a)
	return collect(rows, err, scanKnowledge)
}

// KnowledgeFilesWithContent lists owner's knowledge files with their text
// and bytes, for an export.
func (s *Store) KnowledgeFilesWithContent(ctx context.Context, owner KnowledgeOwner) ([]KnowledgeFile, error) {
	files, err := s.KnowledgeFiles(ctx, owner)
	for i := range files {
		if err != nil {
			break
		}
		err = s.read.QueryRowContext(ctx, `SELECT text, data FROM documents WHERE id = ?`, files[i].DocumentID).Scan(&files[i].Text, &files[i].Data)
	}
	return files, err
}

// RemoveKnowledgeFile removes a knowledge file; its document goes too when
// nothing else carries it.
func (s *Store) RemoveKnowledgeFile(ctx context.Context, id int64) error {
	res, err := s.write.ExecContext(ctx, `DELETE FROM knowledge_files WHERE id = ?`, id)
	return requireOneRow(res, err, "knowledge file", id)
}

// ConversationKnowledge returns the knowledge files a conversation
// retrieves from: its project's and those of the assistant it was started
// from (live ones only).
func (s *Store) ConversationKnowledge(ctx context.Context, projectID, assistantID int64) ([]KnowledgeFile, error) {
	if projectID <= 0 && assistantID <= 0 {
		return nil, nil
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+knowledgeColumns+`
		FROM knowledge_files k JOIN documents d ON d.id = k.document_id
		WHERE (k.project_id = ? AND EXISTS (SELECT 1 FROM projects p WHERE p.id = k.project_id AND p.deleted_at IS NULL))
		   OR (k.assistant_id = ? AND EXISTS (SELECT 1 FROM assistants a WHERE a.id = k.assistant_id AND a.deleted_at IS NULL))
		ORDER BY k.id`, projectID, assistantID)
	return collect(rows, err, scanKnowledge)
}

// AnswerSource is a chunk an answer was given, as it was given.
type AnswerSource struct {
	Rank       int    `json:"rank"`
	ChunkID    int64  `json:"chunkId"`
	DocumentID int64  `json:"documentId"`
	Name       string `json:"name"`
	Page       int    `json:"page"`
	// Origin is "document" (attached to a message) or "knowledge".
	Origin string `json:"origin"`
	Text   string `json:"text"`
}

// AnswerRetrieval is what retrieval gave an answer: its sources, and a
// notice when they were found other than the usual way.
type AnswerRetrieval struct {
	Sources    []AnswerSource `json:"sources"`
	NoticeKind string         `json:"noticeKind"`
	NoticeText string         `json:"noticeText"`
}

// SetAnswerRetrieval records what retrieval gave the answer messageID,
// replacing what an earlier run of it recorded.
func (s *Store) SetAnswerRetrieval(ctx context.Context, messageID int64, r AnswerRetrieval) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM answer_sources WHERE message_id = ?`, messageID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM answer_retrieval WHERE message_id = ?`, messageID); err != nil {
			return err
		}
		if len(r.Sources) == 0 && r.NoticeKind == "" {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO answer_retrieval (message_id, notice_kind, notice_text) VALUES (?, ?, ?)`,
			messageID, r.NoticeKind, r.NoticeText); err != nil {
			return err
		}
		for i, src := range r.Sources {
			if _, err := tx.ExecContext(ctx, `INSERT INTO answer_sources (message_id, rank, chunk_id, document_id, name, page, origin, text)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, messageID, i+1, src.ChunkID, src.DocumentID, src.Name, src.Page, src.Origin, src.Text); err != nil {
				return err
			}
		}
		return nil
	})
}

// AnswerRetrieval returns what retrieval gave the answer messageID; no
// sources and no notice when it gave nothing.
func (s *Store) AnswerRetrieval(ctx context.Context, messageID int64) (AnswerRetrieval, error) {
	r := AnswerRetrieval{Sources: []AnswerSource{}}
	err := s.read.QueryRowContext(ctx, `SELECT notice_kind, notice_text FROM answer_retrieval WHERE message_id = ?`, messageID).Scan(&r.NoticeKind, &r.NoticeText)
	if err == sql.ErrNoRows {
		return r, nil
	}
	if err != nil {
		return r, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT rank, chunk_id, document_id, name, page, origin, text FROM answer_sources WHERE message_id = ? ORDER BY rank`, messageID)
	r.Sources, err = collect(rows, err, func(row rowScanner) (AnswerSource, error) {
		var a AnswerSource
		return a, row.Scan(&a.Rank, &a.ChunkID, &a.DocumentID, &a.Name, &a.Page, &a.Origin, &a.Text)
	})
	return r, err
}
