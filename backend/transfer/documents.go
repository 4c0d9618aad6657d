package transfer

import (
	"bufio"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"brook/backend/documents"
	"brook/backend/guard"
	"brook/backend/i18n"
	"brook/backend/store"
)

// checkDocuments checks the documents of an imported message: only a
// user's message has them, and each has its bytes (within the size Brook
// reads), the text read from them and a kind Brook knows. The text is kept
// as exported, so a round trip changes nothing; the hash is the store's.
func checkDocuments(m *store.Message) error {
	if len(m.Documents) > 0 && m.Role != store.RoleUser {
		return i18n.New("Transfer.documentsNotUser")
	}
	return tidyDocuments(m.Documents, messageDocumentWords)
}

// documentWords are the message ids that say what is wrong with one of a
// list of imported documents.
type documentWords struct{ empty, tooLarge, kind string }

var (
	messageDocumentWords   = documentWords{"Transfer.documentEmpty", "Transfer.documentTooLarge", "Transfer.documentKind"}
	knowledgeDocumentWords = documentWords{"Transfer.knowledgeEmpty", "Transfer.knowledgeTooLarge", "Transfer.knowledgeKind"}
)

// tidyDocuments checks imported documents, a message's or a project's
// knowledge files (ids word the refusal), as [checkDocuments] says.
func tidyDocuments(docs []store.Document, ids documentWords) error {
	for k := range docs {
		d := &docs[k]
		switch {
		case len(d.Data) == 0 || d.Text == "":
			return i18n.Errorf(ids.empty, i18n.Args{"N": strconv.Itoa(k + 1)})
		case len(d.Data) > documents.MaxFileBytes:
			return i18n.Errorf(ids.tooLarge, i18n.Args{"N": strconv.Itoa(k + 1), "Max": guard.Size(documents.MaxFileBytes)})
		case documents.Kind(d.Kind).MIME() == "text/plain" && d.Kind != string(documents.KindText):
			return i18n.Errorf(ids.kind, i18n.Args{"N": strconv.Itoa(k + 1), "Kind": strconv.Quote(truncate(d.Kind, 40))})
		}
		d.ID, d.MessageID, d.Hash, d.Size, d.MIME = 0, 0, "", int64(len(d.Data)), documents.Kind(d.Kind).MIME()
	}
	return nil
}

// htmlDocument is one document of a message in the HTML export: its name,
// what it is, and its text, shown folded.
type htmlDocument struct {
	Name, Detail, Text string
}

func htmlDocuments(w wording, docs []store.Document) []htmlDocument {
	var out []htmlDocument
	for _, d := range docs {
		out = append(out, htmlDocument{Name: documentName(w, d), Detail: documentDetail(w, d), Text: d.Text})
	}
	return out
}

func documentName(w wording, d store.Document) string {
	if d.Name == "" {
		return w.t("Export.document", nil)
	}
	return d.Name
}

// documentDetail says what a document is: "PDF, 8 pages, 12.4 KB".
func documentDetail(w wording, d store.Document) string {
	detail := strings.ToUpper(d.Kind)
	if d.Pages > 0 {
		detail += ", " + w.t("Export.pages", i18n.Args{"Count": d.Pages})
	}
	return detail + ", " + guard.SizeIn(string(w), d.Size)
}

// writeDocuments links a message's documents, written as files by sink
// beside the Markdown file, or names them when there is no sink.
func writeDocuments(w *bufio.Writer, words wording, docs []store.Document, sink ImageSink) error {
	for _, d := range docs {
		name := documentName(words, d)
		if sink != nil && len(d.Data) > 0 {
			link, err := sink(store.Image{Name: name, MIME: d.MIME, Data: d.Data})
			if err != nil {
				return i18n.Wrap("Transfer.writeDocument", err, i18n.Args{"Name": name})
			}
			fmt.Fprintf(w, "*[%s](%s) (%s)*\n\n", words.t("Export.documentLink", i18n.Args{"Name": mdEscape(oneLine(name))}), link, documentDetail(words, d))
			continue
		}
		fmt.Fprintf(w, "*[%s]*\n\n", words.t("Export.documentLeftOut", i18n.Args{"Name": mdEscape(oneLine(name)), "Detail": documentDetail(words, d)}))
	}
	return nil
}

// safeExt is the extension of name when it is short and plain, else "".
func safeExt(name string) string {
	ext := strings.ToLower(filepath.Ext(name))
	if len(ext) < 2 || len(ext) > 6 {
		return ""
	}
	for _, r := range ext[1:] {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			return ""
		}
	}
	return ext
}
