package chat

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"brook/backend/contextwindow"
	"brook/backend/retrieval"
	"brook/backend/store"
)

// bigManual is a document of pages pages of filler, with the one fact
// asked about on page 7 only.
func bigManual(pages int) store.Document {
	var b strings.Builder
	for p := 1; p <= pages; p++ {
		fmt.Fprintf(&b, "--- Page %d ---\n", p)
		if p == 7 {
			b.WriteString("The lighthouse keeper's cat is called Zephyrine.\n\n")
		}
		for i := 0; i < 8; i++ {
			fmt.Fprintf(&b, "Section %d.%d describes the maintenance of pumps, valves and gauges in ordinary detail.\n\n", p, i)
		}
	}
	text := b.String()
	return store.Document{Name: "manual.pdf", Kind: "pdf", MIME: "application/pdf", Pages: pages,
		Tokens: int(contextwindow.EstimateText(text)), Text: text, Data: []byte(text)}
}

func withRetriever(t *testing.T, h *harness) *retrieval.Service {
	t.Helper()
	svc := retrieval.New(context.Background(), retrieval.Config{Store: h.store})
	t.Cleanup(svc.Close)
	h.engine.cfg.Retriever = svc
	return svc
}

// TestALargeDocumentGoesAsTheExcerptsThatAnswer: a document larger than
// the room left in the model's window is not cut: the request carries the
// chunk with the answer, after its source (file, page), and not the whole
// text; the answer records the chunks it was given, with the notice that
// the search was by words only (no embedding model is set).
func TestALargeDocumentGoesAsTheExcerptsThatAnswer(t *testing.T) {
	h, srv := newContextHarness(t, contextwindow.Window{Tokens: 2048, Max: 2048, Source: "test"})
	withRetriever(t, h)
	doc := bigManual(40)
	if doc.Tokens < 4000 {
		t.Fatalf("the manual is %d tokens; the test needs one larger than the window", doc.Tokens)
	}
	res, err := h.engine.Send(context.Background(), SendRequest{Text: "What is the keeper's cat called?", EndpointID: "ep", Model: "tiny",
		Documents: []store.Document{doc}})
	if err != nil {
		t.Fatal(err)
	}
	h.engine.Wait(res.Answer.ID)
	msgs, _ := chatMessages(t, srv)
	last := msgs[len(msgs)-1]
	if !strings.Contains(last, "[manual.pdf, page 7]\nThe lighthouse keeper's cat is called Zephyrine.") {
		t.Fatalf("the request lacks page 7's excerpt with its source:\n%s", last)
	}
	if strings.Contains(last, "Section 30.1 ") && strings.Contains(last, "Section 2.1 ") {
		t.Fatal("the request carries the whole document")
	}
	if est := contextwindow.EstimateText(last); est > 2048 {
		t.Fatalf("the question with its excerpts is about %v tokens, more than the window", est)
	}
	got, err := h.store.AnswerRetrieval(context.Background(), res.Answer.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Sources) == 0 || got.Sources[0].Page != 7 || got.Sources[0].Name != "manual.pdf" || got.Sources[0].Origin != "document" {
		t.Fatalf("sources %+v", got.Sources)
	}
	if got.NoticeKind != string(retrieval.NoticeNoModel) {
		t.Fatalf("notice %q, want the words-only notice", got.NoticeKind)
	}
	// The meter counts the excerpts, not the whole document.
	view, err := h.engine.ContextPlan(context.Background(), res.Conversation.ID, "", "", "and the dog?")
	if err != nil {
		t.Fatal(err)
	}
	if view.Needed > 2048 || view.TooLong {
		t.Fatalf("plan %+v: the document still counts whole", view.Plan)
	}
}

// TestASmallDocumentGoesWhole: a document that fits goes whole, and the
// answer records no sources.
func TestASmallDocumentGoesWhole(t *testing.T) {
	h, srv := newContextHarness(t, contextwindow.Window{Tokens: 8192, Max: 8192, Source: "test"})
	withRetriever(t, h)
	doc := bigManual(8)
	res, err := h.engine.Send(context.Background(), SendRequest{Text: "What is the cat called?", EndpointID: "ep", Model: "tiny",
		Documents: []store.Document{doc}})
	if err != nil {
		t.Fatal(err)
	}
	h.engine.Wait(res.Answer.ID)
	msgs, _ := chatMessages(t, srv)
	if !strings.Contains(msgs[len(msgs)-1], "Section 8.7 ") {
		t.Fatal("a document that fits did not go whole")
	}
	if got, err := h.store.AnswerRetrieval(context.Background(), res.Answer.ID); err != nil || len(got.Sources) != 0 {
		t.Fatalf("sources %+v, %v", got, err)
	}
}

// TestProjectKnowledgeGoesWithTheQuestion: a chat in a project with
// knowledge files gets their best excerpts with its question, with their
// source, and the answer records them as knowledge.
func TestProjectKnowledgeGoesWithTheQuestion(t *testing.T) {
	h, srv := newContextHarness(t, contextwindow.Window{Tokens: 4096, Max: 4096, Source: "test"})
	withRetriever(t, h)
	ctx := context.Background()
	p, err := h.store.CreateProject(ctx, store.Project{Name: "Lighthouse"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.AddKnowledgeFile(ctx, store.KnowledgeOwner{ProjectID: p.ID}, bigManual(12)); err != nil {
		t.Fatal(err)
	}
	conv, err := h.store.CreateConversation(ctx, store.Conversation{ProjectID: p.ID, EndpointID: "ep", Model: "tiny"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := h.engine.Send(ctx, SendRequest{ConversationID: conv.ID, Text: "What is the keeper's cat called?"})
	if err != nil {
		t.Fatal(err)
	}
	h.engine.Wait(res.Answer.ID)
	msgs, _ := chatMessages(t, srv)
	last := msgs[len(msgs)-1]
	if !strings.Contains(last, `<document name="knowledge files">`) || !strings.Contains(last, "[manual.pdf, page 7]") ||
		!strings.HasSuffix(last, "What is the keeper's cat called?") {
		t.Fatalf("the question lacks the knowledge excerpt:\n%s", last)
	}
	got, err := h.store.AnswerRetrieval(ctx, res.Answer.ID)
	if err != nil || len(got.Sources) == 0 || got.Sources[0].Origin != "knowledge" || got.Sources[0].Page != 7 {
		t.Fatalf("sources %+v, %v", got, err)
	}
}
