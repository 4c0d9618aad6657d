package lmstudio

import (
	"errors"
	"testing"

	"brook/backend/transfer/importers"
	"brook/backend/transfer/importers/importertest"
)

// TestFixtures imports each known layout: a current conversation file
// (versions of an answer with the second shown, a thinking step with its
// time, generation stats, a picture kept in LM Studio's own folder, a tool
// call and a debug step) and an old one (answers as single steps, the
// system prompt in the per-chat prediction config).
func TestFixtures(t *testing.T) {
	for _, name := range []string{"conversation", "conversation-old"} {
		t.Run(name, func(t *testing.T) {
			importertest.Golden(t, Importer, "testdata/"+name+".json", "testdata/"+name+".golden.json")
		})
	}
}

// TestRefusals checks that broken files are refused with a reason, and
// nothing is returned.
func TestRefusals(t *testing.T) {
	for name, data := range map[string]string{
		"shown version out of range": `{"name":"x","createdAt":1712300000000,"messages":[{"versions":[{"type":"singleStep","role":"user","content":[{"type":"text","text":"a"}]}],"currentlySelected":3}]}`,
		"no time":                    `{"name":"x","createdAt":0,"messages":[{"versions":[{"type":"singleStep","role":"user","content":[{"type":"text","text":"a"}]}],"currentlySelected":0}]}`,
		"versions not a list":        `{"name":"x","createdAt":1712300000000,"messages":[{"versions":{},"currentlySelected":0}]}`,
		"unknown role":               `{"name":"x","createdAt":1712300000000,"messages":[{"versions":[{"type":"singleStep","role":"narrator","content":[]}],"currentlySelected":0}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			in := &importers.Input{Files: []importers.File{{Name: "1.conversation.json", Data: []byte(data)}}}
			if !Importer.Detect(in) {
				t.Fatal("not recognised")
			}
			res, err := Importer.Parse(in)
			if !errors.Is(err, importers.ErrInvalid) || len(res.Bundles) != 0 {
				t.Fatalf("Parse = %d bundles, %v; want ErrInvalid and none", len(res.Bundles), err)
			}
		})
	}
}
