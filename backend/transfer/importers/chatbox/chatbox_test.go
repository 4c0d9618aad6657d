package chatbox

import (
	"errors"
	"strings"
	"testing"

	"brook/backend/transfer/importers"
	"brook/backend/transfer/importers/importertest"
)

// TestFixtures imports each known layout: the older backup (the whole
// store, sessions under "chat-sessions", text content, a fork whose second
// branch is shown, a picture session, a failed answer, messages without
// times) and the newer one (a "session:<id>" key a session, content parts
// with reasoning, pictures, tool calls and info, files and links, an
// earlier thread, a fork whose first branch is shown with a longer branch
// aside).
func TestFixtures(t *testing.T) {
	for _, name := range []string{"backup-old", "backup"} {
		t.Run(name, func(t *testing.T) {
			importertest.Golden(t, Importer, "testdata/"+name+".json", "testdata/"+name+".golden.json")
		})
	}
}

// TestRefusals checks that broken backups are refused with a reason, and
// nothing is returned.
func TestRefusals(t *testing.T) {
	msg := func(id, role string) string {
		return `{"id":"` + id + `","role":"` + role + `","content":"x","timestamp":1700000000000}`
	}
	for name, tc := range map[string]struct{ sessions, want string }{
		"a fork that leads back to itself": {`[{"id":"s","name":"n","messages":[` + msg("a", "user") + `],"messageForksHash":{"a":{"position":0,"lists":[{"id":"l0","messages":[]},{"id":"l1","messages":[` + msg("a", "user") + `]}]}}}]`, "lead back"},
		"a fork showing a missing branch":  {`[{"id":"s","name":"n","messages":[` + msg("a", "user") + `],"messageForksHash":{"a":{"position":5,"lists":[{"id":"l0","messages":[]}]}}}]`, "branch 5"},
		"messages of a wrong type":         {`[{"id":"s","name":"n","messages":{}}]`, "chat-sessions"},
		"an unknown role":                  {`[{"id":"s","name":"n","messages":[` + msg("a", "narrator") + `]}]`, "narrator"},
	} {
		t.Run(name, func(t *testing.T) {
			data := `{"chat-sessions":` + tc.sessions + `,"__exported_at":"2024-01-15T09:30:00.000Z"}`
			in := &importers.Input{Files: []importers.File{{Name: "chatbox.json", Data: []byte(data)}}}
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
