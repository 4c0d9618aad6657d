package transfer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"brook/backend/store"
	"brook/backend/transfer"
)

// schemaPath is the published schema of Brook's JSON export.
var schemaPath = filepath.Join("..", "..", "docs", "export-format.schema.json")

// exportSchema compiles the published schema, asserting formats
// ("exportedAt" is a date-time) and contents (bytes are base64), which
// draft 2020-12 leaves as annotations unless asked.
func exportSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", schemaPath, err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	c.AssertContent()
	if err := c.AddResource("export-format.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("export-format.schema.json")
	if err != nil {
		t.Fatalf("compiling %s: %v", schemaPath, err)
	}
	return sch
}

// validate checks data against sch.
func validate(sch *jsonschema.Schema, data []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}

// brookSamples are the exports of earlier Brooks kept in testdata, one or
// more per format version (see docs/export-format.md, "Samples").
func brookSamples(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "brook-v*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no sample exports in testdata (%v)", err)
	}
	return paths
}

// TestExportMatchesSchema exports a store holding everything an export can
// carry, through the export the app runs, and validates the file.
func TestExportMatchesSchema(t *testing.T) {
	data := exportStore(t, populatedStore(t))
	if err := validate(exportSchema(t), data); err != nil {
		t.Fatalf("the export does not match %s:\n%v", schemaPath, err)
	}
	// The fixture is only worth its name if the export carries what the
	// schema describes: check that the interesting fields are there.
	for _, field := range []string{`"parentUid"`, `"shownAt"`, `"images"`, `"documents"`, `"reasoning"`,
		`"thinkingMs"`, `"state": "interrupted"`, `"state": "streaming"`, `"state": "stopped"`, `"state": "failed"`,
		`"systemPrompt": "You`, `"pinned": true`, `"archived": true`, `"think"`, `"contextChoice"`, `"messages": []`,
		`"project": {`, `"instructions": "You help`, `"assistantName": "Tutor"`, `"tools": [`, `"alwaysAllowed": true`} {
		if !bytes.Contains(data, []byte(field)) {
			t.Errorf("the export has no %s", field)
		}
	}
}

// TestCommittedExportsMatchSchema validates every Brook export kept in
// testdata: the samples of earlier versions and the current goldens.
func TestCommittedExportsMatchSchema(t *testing.T) {
	sch := exportSchema(t)
	paths := brookSamples(t)
	goldens, _ := filepath.Glob(filepath.Join("testdata", "export*.json.golden"))
	if len(goldens) == 0 {
		t.Fatal("no JSON goldens in testdata")
	}
	for _, path := range append(paths, goldens...) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := validate(sch, data); err != nil {
				t.Fatalf("%s does not match the schema:\n%v", path, err)
			}
		})
	}
}

// sampleCounts is what a sample file holds, read without Brook's reader.
type sampleCounts struct {
	Version       int
	Conversations []struct {
		Conversation struct{ UID string }
		Messages     []struct {
			UID, Content, Reasoning string
			ThinkingMs              int64
			Images                  []json.RawMessage
			Documents               []json.RawMessage
		}
	}
}

// TestEveryEarlierExportImports is the compatibility promise of
// docs/export-format.md: this Brook imports the export of every earlier one.
// Each sample is parsed and imported into an empty store, and every
// message arrives with its text, reasoning, thinking time, pictures and
// documents.
func TestEveryEarlierExportImports(t *testing.T) {
	ctx := context.Background()
	for _, path := range brookSamples(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var want sampleCounts
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatal(err)
			}
			bundles, source, err := transfer.Parse(bytes.NewReader(data), int64(len(data)))
			if err != nil || source != transfer.SourceBrook {
				t.Fatalf("Parse = %s, %v", source, err)
			}
			s, err := store.Open(filepath.Join(t.TempDir(), "brook.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			res, err := s.Import(ctx, bundles)
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			messages := 0
			for _, c := range want.Conversations {
				messages += len(c.Messages)
			}
			if res.Imported != len(want.Conversations) || res.Messages != messages {
				t.Fatalf("imported %d conversations and %d messages, the file has %d and %d",
					res.Imported, res.Messages, len(want.Conversations), messages)
			}
			stored, err := s.Bundles(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			byUID := make(map[string]store.Message)
			for _, b := range stored {
				for _, m := range b.Messages {
					byUID[m.UID] = m
				}
			}
			for _, c := range want.Conversations {
				for _, w := range c.Messages {
					got, ok := byUID[w.UID]
					switch {
					case !ok:
						t.Errorf("message %s was not imported", w.UID)
					case got.Content != w.Content || got.Reasoning != w.Reasoning || got.ThinkingMs != w.ThinkingMs:
						t.Errorf("message %s: content, reasoning or thinking time changed on import", w.UID)
					case len(got.Images) != len(w.Images) || len(got.Documents) != len(w.Documents):
						t.Errorf("message %s: %d images and %d documents, the file has %d and %d",
							w.UID, len(got.Images), len(got.Documents), len(w.Images), len(w.Documents))
					}
				}
			}
		})
	}
}

// TestSamplesCoverEveryVersion: there is a sample of every format version
// the schema describes, so the promise is tested for each of them.
func TestSamplesCoverEveryVersion(t *testing.T) {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Properties struct {
			Version struct{ Minimum, Maximum int }
		}
	}
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	have := make(map[int]bool)
	for _, path := range brookSamples(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var head struct{ Version int }
		if err := json.Unmarshal(data, &head); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(filepath.Base(path), "brook-v"+strconv.Itoa(head.Version)+"-") {
			t.Errorf("%s is of version %d; its name should say so", path, head.Version)
		}
		have[head.Version] = true
	}
	v := schema.Properties.Version
	if v.Minimum != 1 || v.Maximum < 1 {
		t.Fatalf("the schema's version range is %d to %d", v.Minimum, v.Maximum)
	}
	for n := v.Minimum; n <= v.Maximum; n++ {
		if !have[n] {
			t.Errorf("no sample export of version %d in testdata", n)
		}
	}
}

// TestSchemaRefusesBrokenExports checks that the schema means something: a
// real export, changed in one place the way a broken or foreign file would
// be, fails validation. Each change is also one Brook's reader refuses, so
// the schema and the reader agree on it.
func TestSchemaRefusesBrokenExports(t *testing.T) {
	sch := exportSchema(t)
	data := exportStore(t, populatedStore(t))
	// In the populated store's export, the first message of "Trip to
	// Kyoto" is a question with a picture and its second an answer with
	// reasoning; the first message of the lease carries a document.
	for _, tc := range []struct {
		name   string
		change func(doc map[string]any)
	}{
		{"format of another program", func(d map[string]any) { d["format"] = "chatbox" }},
		{"version as a string", func(d map[string]any) { d["version"] = "2" }},
		{"a version from the future", func(d map[string]any) { d["version"] = 3 }},
		{"no version", func(d map[string]any) { delete(d, "version") }},
		{"no conversations", func(d map[string]any) { delete(d, "conversations") }},
		{"exportedAt not a time", func(d map[string]any) { d["exportedAt"] = "yesterday" }},
		{"an unknown top-level field", func(d map[string]any) { d["settings"] = map[string]any{} }},
		{"messages missing", func(d map[string]any) { delete(bundle(d, kyoto), "messages") }},
		{"messages null", func(d map[string]any) { bundle(d, kyoto)["messages"] = nil }},
		{"conversation createdAt as a string", func(d map[string]any) { conv(d, kyoto)["createdAt"] = "2026-12-06" }},
		{"conversation createdAt missing", func(d map[string]any) { delete(conv(d, kyoto), "createdAt") }},
		{"pinned as a number", func(d map[string]any) { conv(d, kyoto)["pinned"] = 1 }},
		{"an unknown think", func(d map[string]any) { conv(d, kyoto)["params"].(map[string]any)["think"] = "hard" }},
		{"a negative temperature", func(d map[string]any) { conv(d, kyoto)["params"].(map[string]any)["temperature"] = -1 }},
		{"an unknown conversation field", func(d map[string]any) { conv(d, kyoto)["folder"] = "work" }},
		{"role missing", func(d map[string]any) { delete(msg(d, kyoto, 1), "role") }},
		{"an unknown role", func(d map[string]any) { msg(d, kyoto, 1)["role"] = "tool" }},
		{"state missing", func(d map[string]any) { delete(msg(d, kyoto, 2), "state") }},
		{"a user's message streaming", func(d map[string]any) { msg(d, kyoto, 1)["state"] = "streaming" }},
		{"message createdAt zero", func(d map[string]any) { msg(d, kyoto, 2)["createdAt"] = 0 }},
		{"thinkingMs as a string", func(d map[string]any) { msg(d, kyoto, 2)["thinkingMs"] = "4.2 s" }},
		{"a negative thinkingMs", func(d map[string]any) { msg(d, kyoto, 2)["thinkingMs"] = -5 }},
		{"reasoning as an array", func(d map[string]any) { msg(d, kyoto, 2)["reasoning"] = []any{"a"} }},
		{"an unknown message field", func(d map[string]any) { msg(d, kyoto, 2)["run"] = 1 }},
		{"a picture on an answer", func(d map[string]any) { msg(d, kyoto, 2)["images"] = msg(d, kyoto, 1)["images"] }},
		{"picture bytes not base64", func(d map[string]any) { imageOf(d)["data"] = "not base64!" }},
		{"picture bytes missing", func(d map[string]any) { delete(imageOf(d), "data") }},
		{"a picture of an unknown type", func(d map[string]any) { imageOf(d)["mime"] = "image/bmp" }},
		{"document text missing", func(d map[string]any) { delete(documentOf(d), "text") }},
		{"a document of an unknown kind", func(d map[string]any) { documentOf(d)["kind"] = "xlsx" }},
		{"document bytes as numbers", func(d map[string]any) { documentOf(d)["data"] = []any{1, 2} }},
		{"a project without a uid", func(d map[string]any) { delete(projectOf(d), "uid") }},
		{"a project with a blank name", func(d map[string]any) { projectOf(d)["name"] = "  " }},
		{"a project's colour by name", func(d map[string]any) { projectOf(d)["colour"] = "blue" }},
		{"an unknown project field", func(d map[string]any) { projectOf(d)["sortOrder"] = 3 }},
		{"assistantName as a number", func(d map[string]any) { conv(d, lease)["assistantName"] = 7 }},
		{"a tool setting without a server", func(d map[string]any) { delete(toolOf(d), "server") }},
		{"a tool setting with a blank name", func(d map[string]any) { toolOf(d)["name"] = " " }},
		{"a tool setting by server ID", func(d map[string]any) { toolOf(d)["serverId"] = "c0510613" }},
		{"enabled as a string", func(d map[string]any) { toolOf(d)["enabled"] = "yes" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var doc map[string]any
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.UseNumber()
			if err := dec.Decode(&doc); err != nil {
				t.Fatal(err)
			}
			tc.change(doc)
			changed, err := json.MarshalIndent(doc, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			// Marshalling sorts the keys; Brook's reader wants "format"
			// before "conversations", which sorting keeps.
			var verr *jsonschema.ValidationError
			if err := validate(sch, changed); !errors.As(err, &verr) {
				t.Errorf("the schema accepts it (err = %v)", err)
			}
			if _, _, err := transfer.Parse(bytes.NewReader(changed), int64(len(changed))); err == nil {
				t.Errorf("Brook's reader accepts it")
			}
		})
	}
	// The control: the export as written passes both.
	if err := validate(sch, data); err != nil {
		t.Fatalf("the unchanged export fails: %v", err)
	}
	if _, _, err := transfer.Parse(bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatalf("the unchanged export is refused: %v", err)
	}
}

// Titles of the populated store's conversations that the changes use.
const (
	kyoto = "Trip to Kyoto"
	lease = "Reading the lease"
)

// projectOf returns the project of the lease in the decoded export d.
func projectOf(d map[string]any) map[string]any {
	return bundle(d, lease)["project"].(map[string]any)
}

// toolOf returns the first tool setting of the lease in the decoded export d.
func toolOf(d map[string]any) map[string]any {
	return bundle(d, lease)["tools"].([]any)[0].(map[string]any)
}

// bundle returns the conversation titled title of the decoded export d.
func bundle(d map[string]any, title string) map[string]any {
	for _, b := range d["conversations"].([]any) {
		b := b.(map[string]any)
		if b["conversation"].(map[string]any)["title"] == title {
			return b
		}
	}
	panic("no conversation " + title)
}

func conv(d map[string]any, title string) map[string]any {
	return bundle(d, title)["conversation"].(map[string]any)
}

// msg returns message i (from 1) of the conversation titled title.
func msg(d map[string]any, title string, i int) map[string]any {
	return bundle(d, title)["messages"].([]any)[i-1].(map[string]any)
}

// imageOf is the Kyoto question's picture.
func imageOf(d map[string]any) map[string]any {
	return msg(d, kyoto, 1)["images"].([]any)[0].(map[string]any)
}

// documentOf is the lease question's document.
func documentOf(d map[string]any) map[string]any {
	return msg(d, lease, 1)["documents"].([]any)[0].(map[string]any)
}
