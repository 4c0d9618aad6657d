package chat

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"brook/backend/contextwindow"
	"brook/backend/provider"
	"brook/backend/retrieval"
	"brook/backend/store"
)

// Retriever finds the parts of documents that answer a question
// ([retrieval.Service] with the store behind it).
type Retriever interface {
	// Prepare chunks the stored documents docIDs now and queues their
	// embedding in the background.
	Prepare(ctx context.Context, docIDs []int64) error
	Search(ctx context.Context, query string, docIDs []int64, limit int) (retrieval.Result, error)
	// Knowledge lists the knowledge files of a project and an assistant.
	Knowledge(ctx context.Context, projectID, assistantID int64) ([]store.KnowledgeFile, error)
	// Record keeps what retrieval gave an answer, for the answer to show.
	Record(ctx context.Context, answerID int64, r store.AnswerRetrieval) error
}

// Retrieval budgets, in chunks of about 250 tokens (retrieval's chunk size).
const (
	chunkTokens       = 300 // a chunk with its source line
	maxDocumentChunks = 12
	maxKnowledgeHits  = 6
	// knowledgeWhenUnknown is the knowledge chunks sent when the model's
	// window is unknown.
	knowledgeWhenUnknown = 4
)

// retrievalPlan is what retrieval does to one request: the documents it
// sends as excerpts, and how many chunks each kind gets.
type retrievalPlan struct {
	question     string
	questionID   int64
	oversized    map[int64]bool // stored document IDs sent as excerpts
	docChunks    int
	knowledge    []store.KnowledgeFile
	knowledgeHit int
}

// planRetrieval decides, for a request req built with docs whole, which
// documents are too large for the room left in the model's window and go
// as excerpts instead, and how many knowledge chunks go with the question.
func (e *Engine) planRetrieval(ctx context.Context, conv store.Conversation, history []store.Message, docs map[int64][]store.Document, req provider.Request) (retrievalPlan, error) {
	p := retrievalPlan{oversized: map[int64]bool{}}
	if e.cfg.Retriever == nil {
		return p, nil
	}
	for _, m := range slices.Backward(history) {
		if m.Role == store.RoleUser {
			p.question, p.questionID = m.Content, m.ID
			break
		}
	}
	if p.questionID == 0 {
		return p, nil
	}
	var err error
	if p.knowledge, err = e.cfg.Retriever.Knowledge(ctx, conv.ProjectID, conv.AssistantID); err != nil {
		return p, err
	}
	if len(p.knowledge) == 0 && !slices.ContainsFunc(history, func(m store.Message) bool { return len(docs[m.ID]) > 0 }) {
		return p, nil // nothing to retrieve from: no need to ask the server for the window
	}
	w, _ := e.window(ctx, conv, req)
	if !w.Known() {
		if len(p.knowledge) > 0 {
			p.knowledgeHit = knowledgeWhenUnknown
		}
		return p, nil
	}
	limit := w.Tokens
	if w.Adjustable() && contextwindow.Choice(conv.ContextChoice) == contextwindow.ChoiceGrow {
		limit = w.Max
	}
	var all []store.Document
	docTokens := 0
	for _, m := range history {
		for _, d := range docs[m.ID] {
			all = append(all, d)
			docTokens += int(contextwindow.EstimateText(d.Text))
		}
	}
	room := limit - answerRoom(req, w) - (int(contextwindow.EstimateRequest(req.Messages)) - docTokens)
	if len(p.knowledge) > 0 {
		p.knowledgeHit = clamp(room/4/chunkTokens, 1, maxKnowledgeHits)
		room -= p.knowledgeHit * chunkTokens
	}
	if docTokens <= room {
		return p, nil
	}
	// The largest documents go as excerpts until the rest, sent whole,
	// take at most half the room; the other half is for the excerpts.
	slices.SortStableFunc(all, func(a, b store.Document) int { return cmp.Compare(b.Tokens, a.Tokens) })
	whole := docTokens
	for _, d := range all {
		if whole <= room/2 {
			break
		}
		if !p.oversized[d.StoredID] {
			p.oversized[d.StoredID] = true
			whole -= int(contextwindow.EstimateText(d.Text))
		}
	}
	p.docChunks = clamp((room-whole)/chunkTokens, 1, maxDocumentChunks)
	return p, nil
}

func clamp(n, lo, hi int) int { return max(lo, min(n, hi)) }

// retrieve applies plan p to docs: oversized documents get the excerpts
// that best answer the question in place of their text, and the knowledge
// files' best excerpts go with the question as one more document. It
// returns the new documents and what was retrieved, to record with the
// answer. dry, for the meter, searches nothing and fills the room the
// excerpts will take instead.
func (e *Engine) retrieve(ctx context.Context, p retrievalPlan, history []store.Message, docs map[int64][]store.Document, dry bool) (map[int64][]store.Document, store.AnswerRetrieval, error) {
	var rec store.AnswerRetrieval
	if len(p.oversized) == 0 && p.knowledgeHit == 0 {
		return docs, rec, nil
	}
	names := map[int64]string{}
	var docIDs []int64
	for _, m := range history {
		for _, d := range docs[m.ID] {
			if p.oversized[d.StoredID] && names[d.StoredID] == "" {
				names[d.StoredID] = d.Name
				docIDs = append(docIDs, d.StoredID)
			}
		}
	}
	var knowIDs []int64
	for _, k := range p.knowledge {
		if !slices.Contains(knowIDs, k.DocumentID) {
			knowIDs = append(knowIDs, k.DocumentID)
		}
		if names[k.DocumentID] == "" {
			names[k.DocumentID] = k.Name
		}
	}
	excerpts := map[int64][]store.Chunk{}
	var knowledge []store.Chunk
	if dry {
		filler := store.Chunk{Text: strings.Repeat("word ", chunkTokens)}
		for _, id := range docIDs {
			excerpts[id] = slices.Repeat([]store.Chunk{filler}, max(1, p.docChunks/len(docIDs)))
		}
		knowledge = slices.Repeat([]store.Chunk{filler}, p.knowledgeHit)
	} else {
		if err := e.cfg.Retriever.Prepare(ctx, append(slices.Clone(docIDs), knowIDs...)); err != nil {
			return docs, rec, err
		}
		if len(docIDs) > 0 {
			res, err := e.cfg.Retriever.Search(ctx, p.question, docIDs, p.docChunks)
			if err != nil {
				return docs, rec, err
			}
			rec.NoticeKind, rec.NoticeText = string(res.Notice.Kind), res.Notice.Text
			for _, c := range res.Chunks {
				excerpts[c.DocumentID] = append(excerpts[c.DocumentID], c)
				rec.Sources = append(rec.Sources, sourceOf(c, names, "document"))
			}
		}
		if p.knowledgeHit > 0 && len(knowIDs) > 0 {
			res, err := e.cfg.Retriever.Search(ctx, p.question, knowIDs, p.knowledgeHit)
			if err != nil {
				return docs, rec, err
			}
			if rec.NoticeKind == "" {
				rec.NoticeKind, rec.NoticeText = string(res.Notice.Kind), res.Notice.Text
			}
			knowledge = res.Chunks
			for _, c := range res.Chunks {
				rec.Sources = append(rec.Sources, sourceOf(c, names, "knowledge"))
			}
		}
	}
	out := make(map[int64][]store.Document, len(docs)+1)
	for id, list := range docs {
		changed := make([]store.Document, len(list))
		for i, d := range list {
			if p.oversized[d.StoredID] {
				d.Text = excerptText(d.StoredID, excerpts[d.StoredID], names)
			}
			changed[i] = d
		}
		out[id] = changed
	}
	if len(knowledge) > 0 {
		k := store.Document{Name: "knowledge files", Text: knowledgeText(knowledge, names)}
		out[p.questionID] = append(out[p.questionID], k)
	}
	return out, rec, nil
}

func sourceOf(c store.Chunk, names map[int64]string, origin string) store.AnswerSource {
	return store.AnswerSource{ChunkID: c.ID, DocumentID: c.DocumentID, Name: names[c.DocumentID], Page: c.Page, Origin: origin, Text: c.Text}
}

// SourceLabel is how an excerpt's source is written for the model and on
// screen: "file" or "file, page N".
func SourceLabel(name string, page int) string {
	if page > 0 {
		return fmt.Sprintf("%s, page %d", name, page)
	}
	return name
}

// excerptText is what the model reads of a document too long to send:
// the excerpts chosen for the question, each after its source.
func excerptText(docID int64, chunks []store.Chunk, names map[int64]string) string {
	var b strings.Builder
	b.WriteString("[This document is too long to send whole. These are the parts of it that best match the question, each after its source.]\n")
	if len(chunks) == 0 {
		b.WriteString("[No part of it matched the question.]\n")
	}
	for _, c := range chunks {
		fmt.Fprintf(&b, "\n[%s]\n%s\n", SourceLabel(names[docID], c.Page), c.Text)
	}
	return b.String()
}

// knowledgeText is the knowledge files' excerpts as the model reads them.
func knowledgeText(chunks []store.Chunk, names map[int64]string) string {
	var b strings.Builder
	b.WriteString("[Parts of the knowledge files that best match the question, each after its source.]\n")
	for _, c := range chunks {
		fmt.Fprintf(&b, "\n[%s]\n%s\n", SourceLabel(names[c.DocumentID], c.Page), c.Text)
	}
	return b.String()
}

// retrieveForAnswer applies retrieval to the documents of the request for
// answer, and records what it gave the answer.
func (e *Engine) retrieveForAnswer(ctx context.Context, conv store.Conversation, answerID int64, instructions string, settings store.Settings, history []store.Message, images map[int64][]store.Image, docs map[int64][]store.Document) (map[int64][]store.Document, error) {
	if e.cfg.Retriever == nil {
		return docs, nil
	}
	req, _ := buildRequestFrom(conv, instructions, settings, history, images, docs)
	p, err := e.planRetrieval(ctx, conv, history, docs, req)
	if err != nil {
		return docs, err
	}
	if len(p.oversized) == 0 && p.knowledgeHit == 0 {
		return docs, nil // nothing to retrieve: no write on an answer's way
	}
	out, rec, err := e.retrieve(ctx, p, history, docs, false)
	if err != nil {
		return docs, err
	}
	if err := e.cfg.Retriever.Record(ctx, answerID, rec); err != nil {
		e.cfg.Logger.Info("the answer's sources could not be stored", "answer", answerID, "err", err)
	}
	return out, nil
}

// BackgroundSlot waits until the endpoint is quiet and holds a background
// slot there, as titles do: background work such as embedding documents
// is queued behind the user's answers, and yield is called when an answer
// wants the slot back. The caller releases the slot.
func (e *Engine) BackgroundSlot(ctx context.Context, endpointID string, yield func()) (func(), error) {
	server := e.profile(ctx, endpointID)
	return e.queues.acquireIdle(ctx, endpointID, server.MaxParallel, yield)
}

var _ Retriever = (*retrieval.Service)(nil)
