package cherrystudio

import (
	"errors"
	"strings"
	"testing"

	"brook/backend/transfer/importers"
	"brook/backend/transfer/importers/importertest"
)

// TestFixtures imports each known layout: data.json of format 5 (message
// blocks: thinking with its time, two models' answers with the folded-open
// one shown, a tool call, sources, code and an error, a picture and a text
// file whose files are not beside it), the same in its ZIP's folder (the
// picture and the file read from Data/Files), and format 3 (text inline,
// times without a zone, an answer asked again).
func TestFixtures(t *testing.T) {
	for _, name := range []string{"data-v5.json", "zip", "data-v3.json"} {
		t.Run(name, func(t *testing.T) {
			golden := strings.TrimSuffix(name, ".json") + ".golden.json"
			importertest.Golden(t, Importer, "testdata/"+name, "testdata/"+golden)
		})
	}
}

// TestRefusals checks that backups Brook cannot read are refused with a
// reason, and nothing is returned.
func TestRefusals(t *testing.T) {
	persist := `"{\"assistants\":\"{\\\"assistants\\\":[]}\"}"`
	for name, tc := range map[string]struct{ data, want string }{
		"a later format":         {`{"time":1,"version":6,"localStorage":{},"indexedDB":{}}`, "version 6; Brook reads versions 1 to 5"},
		"no format":              {`{"time":1,"version":0,"localStorage":{},"indexedDB":{}}`, "version 0"},
		"the store not a string": {`{"time":1,"version":5,"localStorage":{"persist:cherry-studio":{}},"indexedDB":{}}`, "persist:cherry-studio"},
		"topics of a wrong type": {`{"time":1,"version":5,"localStorage":{"persist:cherry-studio":` + persist + `},"indexedDB":{"topics":{}}}`, "indexedDB"},
		"a message twice": {`{"time":1743674400000,"version":5,"localStorage":{},"indexedDB":{"topics":[{"id":"t","messages":[` +
			`{"id":"a","role":"user","content":"x","createdAt":"2025-04-02T10:00:10.000Z","blocks":[]},` +
			`{"id":"a","role":"user","content":"y","createdAt":"2025-04-02T10:00:10.000Z","blocks":[]}]}]}}`, "appears twice"},
	} {
		t.Run(name, func(t *testing.T) {
			in := &importers.Input{Files: []importers.File{{Name: "data.json", Data: []byte(tc.data)}}}
			if !Importer.Detect(in) {
				t.Fatal("not recognised")
			}
			res, err := Importer.Parse(in)
			if !errors.Is(err, importers.ErrInvalid) || !strings.Contains(err.Error(), tc.want) || len(res.Bundles) != 0 {
				t.Fatalf("Parse = %d bundles, %v; want ErrInvalid naming %q", len(res.Bundles), err, tc.want)
			}
		})
	}
}
