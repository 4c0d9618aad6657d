package documents

import (
	"encoding/base64"
	"sync"

	"brook/backend/i18n"
	"brook/backend/store"
)

// Info is what the window shows of a document before it is sent: a chip
// with its name, size and token count.
type Info struct {
	// ID names the document while it waits in the composer.
	ID     string `json:"id"`
	Name   string `json:"name"`
	Kind   Kind   `json:"kind"`
	Size   int64  `json:"size"`
	Pages  int    `json:"pages"`
	Tokens int    `json:"tokens"`
}

// ErrNotStaged is a document ID that is not waiting in the composer (it was
// removed, or Brook restarted since it was attached).
var ErrNotStaged = i18n.New("Documents.notStaged")

// maxStagedBytes bounds the files held for the composer; past it the ones
// attached first are let go.
const maxStagedBytes = 8 * MaxFileBytes

// Staging holds the documents attached in the composer until their message
// is sent: read once, when attached, so the chip can show what they hold
// and a bad file is refused at once, before anything is stored. The zero
// Staging is empty and ready.
type Staging struct {
	mu    sync.Mutex
	docs  map[string]Document
	order []string
	bytes int64
}

// Add keeps doc for the composer and says what it holds. The same bytes
// attached again, under any name, are one entry, under the latest name.
func (s *Staging) Add(doc Document) Info {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.docs == nil {
		s.docs = map[string]Document{}
	}
	id := doc.Hash
	if old, ok := s.docs[id]; ok {
		s.bytes -= old.Size
		s.remove(id)
	}
	s.docs[id] = doc
	s.order = append(s.order, id)
	s.bytes += doc.Size
	for s.bytes > maxStagedBytes && len(s.order) > 1 {
		oldest := s.order[0]
		s.bytes -= s.docs[oldest].Size
		s.remove(oldest)
		delete(s.docs, oldest)
	}
	return infoOf(doc)
}

func (s *Staging) remove(id string) {
	for i, x := range s.order {
		if x == id {
			s.order = append(s.order[:i], s.order[i+1:]...)
			return
		}
	}
}

func infoOf(doc Document) Info {
	return Info{ID: doc.Hash, Name: doc.Name, Kind: doc.Kind, Size: doc.Size, Pages: doc.Pages, Tokens: doc.Tokens()}
}

// MaxDocuments is the most documents one message may carry.
const MaxDocuments = 20

// Get returns the documents with the given IDs, in order, or ErrNotStaged.
func (s *Staging) Get(ids []string) ([]Document, error) {
	if len(ids) > MaxDocuments {
		return nil, i18n.Errorf("Documents.tooMany", i18n.Args{"Count": len(ids), "Max": MaxDocuments})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Document, 0, len(ids))
	for _, id := range ids {
		doc, ok := s.docs[id]
		if !ok {
			return nil, ErrNotStaged
		}
		out = append(out, doc)
	}
	return out, nil
}

// Text returns the text of the document id, to show before it is sent.
func (s *Staging) Text(id string) (string, error) {
	docs, err := s.Get([]string{id})
	if err != nil {
		return "", err
	}
	return docs[0].Text, nil
}

// Discard lets the documents with the given IDs go.
func (s *Staging) Discard(ids ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		if doc, ok := s.docs[id]; ok {
			s.bytes -= doc.Size
			delete(s.docs, id)
			s.remove(id)
		}
	}
}

// AddBase64 reads a file the window sends as base64 (a drop or a paste)
// and keeps it. Its size is checked before it is decoded.
func (s *Staging) AddBase64(name, data string) (Info, error) {
	if size := int64(base64.StdEncoding.DecodedLen(len(data))); size > MaxFileBytes+3 {
		return Info{}, tooLarge(name, size)
	}
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return Info{}, i18n.Errorf("Documents.badBase64", i18n.Args{"Name": name})
	}
	doc, err := Read(name, raw)
	if err != nil {
		return Info{}, err
	}
	return s.Add(doc), nil
}

// Stored is doc as the store keeps it with its message.
func (d Document) Stored() store.Document {
	return store.Document{Name: d.Name, Kind: string(d.Kind), MIME: d.Kind.MIME(), Hash: d.Hash, Size: d.Size,
		Pages: d.Pages, Tokens: d.Tokens(), Text: d.Text, Data: d.Data}
}

// Attach returns the staged documents with the given IDs as the store keeps
// them, for a message about to be sent.
func (s *Staging) Attach(ids []string) ([]store.Document, error) {
	docs, err := s.Get(ids)
	if err != nil || len(docs) == 0 {
		return nil, err
	}
	out := make([]store.Document, len(docs))
	for i, d := range docs {
		out[i] = d.Stored()
	}
	return out, nil
}
