package transfer

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/yuin/goldmark"

	"brook/backend/endpoints/kind/openaikind"
	"brook/backend/store"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites that file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("%s differs at line %d:\ngot:  %q\nwant: %q\n(run go test -update if the change is intended)", name, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s differs in length: got %d lines, want %d (run go test -update if the change is intended)", name, len(gl), len(wl))
	}
}

func export(t *testing.T, f Format, bundles []store.Bundle) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Export(&buf, f, bundles, exportTime); err != nil {
		t.Fatalf("Export(%s): %v", f, err)
	}
	return buf.Bytes()
}

// exportAll exports every version of every message.
func exportAll(t *testing.T, f Format, bundles []store.Bundle) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := ExportSeqWith(&buf, f, entriesOf(bundles), seqOf(bundles), exportTime, Options{AllVersions: true}); err != nil {
		t.Fatalf("Export(%s, all versions): %v", f, err)
	}
	return buf.Bytes()
}

func TestExportGolden(t *testing.T) {
	for _, f := range Formats {
		t.Run(string(f), func(t *testing.T) {
			golden(t, "export"+f.Ext()+".golden", export(t, f, fixtureBundles()))
			golden(t, "export-one"+f.Ext()+".golden", export(t, f, fixtureBundles()[1:]))
			if f != FormatJSON { // JSON carries every version anyway
				golden(t, "export-all"+f.Ext()+".golden", exportAll(t, f, fixtureBundles()))
			}
		})
	}
}

func TestExportDoesNotChangeBundles(t *testing.T) {
	bundles := fixtureBundles()
	for _, f := range Formats {
		export(t, f, bundles)
	}
	if !reflect.DeepEqual(bundles, fixtureBundles()) {
		t.Fatal("Export modified the bundles it was given")
	}
}

func TestExportUnknownFormat(t *testing.T) {
	err := Export(&bytes.Buffer{}, "pdf", fixtureBundles(), exportTime)
	if !errors.Is(err, ErrUnknownFormat) {
		t.Fatalf("Export(pdf) = %v, want ErrUnknownFormat", err)
	}
}

// TestFixtureSetsEveryField keeps the round-trip test honest: a field that
// no fixture sets would round-trip as zero whether or not it is exported.
func TestFixtureSetsEveryField(t *testing.T) {
	var convs []store.Conversation
	var msgs []store.Message
	for _, b := range fixtureBundles() {
		convs = append(convs, b.Conversation)
		msgs = append(msgs, b.Messages...)
	}
	checkEveryFieldSet(t, reflect.ValueOf(convs))
	checkEveryFieldSet(t, reflect.ValueOf(msgs))
}

// viewOnly are the fields of a message that only the window is shown: they
// are never part of a bundle, so no export writes them.
var viewOnly = map[string]bool{"Versions": true, "Unsaved": true}

// checkEveryFieldSet fails for each struct field, nested ones included, that
// is zero in every element of list.
func checkEveryFieldSet(t *testing.T, list reflect.Value) {
	t.Helper()
	var walk func(path string, get func(reflect.Value) reflect.Value, typ reflect.Type)
	walk = func(path string, get func(reflect.Value) reflect.Value, typ reflect.Type) {
		if typ.Kind() == reflect.Struct {
			for i := range typ.NumField() {
				if typ.Field(i).Tag.Get("json") == "-" || viewOnly[typ.Field(i).Name] {
					continue // internal, never exported (such as Message.Run)
				}
				walk(path+"."+typ.Field(i).Name, func(v reflect.Value) reflect.Value { return get(v).Field(i) }, typ.Field(i).Type)
			}
			return
		}
		for i := range list.Len() {
			if !get(list.Index(i)).IsZero() {
				return
			}
		}
		t.Errorf("no fixture sets %s", path)
	}
	typ := list.Type().Elem()
	walk(typ.Name(), func(v reflect.Value) reflect.Value { return v }, typ)
}

func TestJSONRoundTrip(t *testing.T) {
	data := export(t, FormatJSON, fixtureBundles())
	got, src, err := Parse(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if src != SourceBrook {
		t.Errorf("source = %q, want %q", src, SourceBrook)
	}
	want := fixtureBundles()
	// Database IDs are the only thing not carried over: the store assigns new ones.
	for i := range want {
		want[i].Conversation.ID = 0
		// The project comes by its UID, the assistant by its name.
		want[i].Conversation.ProjectID, want[i].Conversation.AssistantID = 0, 0
		for j := range want[i].Messages {
			want[i].Messages[j].ID = 0
			want[i].Messages[j].ConversationID = 0
			want[i].Messages[j].ParentID = 0 // the tree is carried by UID
			for k := range want[i].Messages[j].Images {
				want[i].Messages[j].Images[k].ID = 0
				want[i].Messages[j].Images[k].MessageID = 0
			}
			// A document's hash is the store's own, made again on import.
			for k := range want[i].Messages[j].Documents {
				d := &want[i].Messages[j].Documents[k]
				d.ID, d.MessageID, d.Hash = 0, 0, ""
			}
		}
	}
	if !reflect.DeepEqual(got, want) {
		gj, _ := json.MarshalIndent(got, "", "  ")
		wj, _ := json.MarshalIndent(want, "", "  ")
		t.Fatalf("round trip changed the data:\ngot:  %s\nwant: %s", gj, wj)
	}
	// A zero temperature is a choice, not "the server's default": it must survive.
	if tp := got[1].Conversation.Params.Temperature; tp == nil || *tp != 0 {
		t.Errorf("temperature 0 became %v", tp)
	}
}

func TestJSONHeader(t *testing.T) {
	var doc struct {
		Format        string            `json:"format"`
		Version       int               `json:"version"`
		ExportedAt    string            `json:"exportedAt"`
		Conversations []json.RawMessage `json:"conversations"`
	}
	if err := json.Unmarshal(export(t, FormatJSON, nil), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Format != "brook" || doc.Version != 2 || doc.ExportedAt != "2026-11-21T09:30:00Z" || doc.Conversations == nil {
		t.Fatalf("header = %+v", doc)
	}
}

// secret looks like an API key, the kind of string that must never leave
// the keyring or settings.
const secret = "sk-proj-BROOKTESTSECRET0123456789abcdef"

// TestExportsHoldNoSecrets builds the state an export happens in, with a
// secret in the endpoint and the settings next to the conversations, and
// checks that no export carries it or anything named like a credential.
func TestExportsHoldNoSecrets(t *testing.T) {
	endpoint := store.Endpoint{
		ID: "ep-local-ollama", Name: "Work " + secret, Kind: openaikind.ID,
		BaseURL: "https://api.example.com/v1?key=" + secret, Enabled: true,
	}
	settings := store.DefaultSettings()
	settings.SystemPrompt = "token " + secret
	settings.DefaultEndpointID = endpoint.ID

	bundles := fixtureBundles()
	bundles[0].Conversation.EndpointID = endpoint.ID // the conversation uses that endpoint
	credential := regexp.MustCompile(`(?i)api[-_ ]?key|secret|password|authori[sz]ation|bearer|baseurl|keyring`)
	for _, f := range Formats {
		out := string(export(t, f, bundles))
		if strings.Contains(out, secret) || strings.Contains(out, "BROOKTESTSECRET") {
			t.Errorf("%s export leaks the secret", f)
		}
		if m := credential.FindString(out); m != "" {
			t.Errorf("%s export contains %q", f, m)
		}
	}
	_ = settings // present in the process, as in the app, and not reachable from a Bundle

	// The guarantee rests on Bundle holding no credential: check its type,
	// so that adding such a field fails here and not in a user's file.
	var check func(typ reflect.Type, path string)
	check = func(typ reflect.Type, path string) {
		switch typ.Kind() {
		case reflect.Pointer, reflect.Slice:
			check(typ.Elem(), path)
		case reflect.Struct:
			for i := range typ.NumField() {
				f := typ.Field(i)
				name := path + "." + f.Name
				if credential.MatchString(f.Name) || credential.MatchString(f.Tag.Get("json")) {
					t.Errorf("%s looks like a credential and would be exported", name)
				}
				check(f.Type, name)
			}
		}
	}
	check(reflect.TypeFor[store.Bundle](), "Bundle")
}

func TestHTMLIsSelfContainedAndSafe(t *testing.T) {
	out := string(exportAll(t, FormatHTML, fixtureBundles()))
	lower := strings.ToLower(out)
	if !strings.Contains(out, `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:;`) {
		t.Error("no strict Content-Security-Policy meta tag")
	}
	for _, bad := range []string{"<script", "javascript:", "<div onclick", "<link", "@import", "url(", "src=\"http", "@font-face"} {
		if strings.Contains(lower, bad) {
			t.Errorf("HTML export contains %q", bad)
		}
	}
	for _, want := range []string{
		`&lt;script&gt;alert('pwned')&lt;/script&gt;`, // raw HTML shown as text
		`&lt;div onclick=&quot;steal()&quot;&gt;click me&lt;/div&gt;`,
		`<table>`, `<th style="text-align:center">Stable</th>`, // GFM table
		`<pre class="hl"><code class="language-go">`, `<span class="k">package</span>`, // highlighted with classes
		`@media (prefers-color-scheme: dark)`,
		`中文说明`, `東京の週末プラン`,
		`class="note interrupted"`, `class="note recovered"`, `class="note stopped"`, `class="note failed"`,
		`alt="chart &#34;&lt;1&gt;&#34;.png"`, // an image inlined, its name escaped
	} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML export lacks %q", want)
		}
	}
	// Only local anchors: the page links to nothing it would need to load.
	for _, m := range regexp.MustCompile(`(?:href|src)="([^"]*)"`).FindAllStringSubmatch(out, -1) {
		// Images are inlined as data URLs.
		if m[1] != "" && !strings.HasPrefix(m[1], "#") && !strings.HasPrefix(m[1], "data:image/png;base64,") {
			t.Errorf("HTML export refers to %q", m[1])
		}
	}
}

func TestMarkdownMarksIncompleteAnswers(t *testing.T) {
	out := string(exportAll(t, FormatMarkdown, fixtureBundles()))
	for _, want := range []string{
		"# Sorting a slice in Go / 排序\n",
		"*Model: llama3.1:8b · Created: 2026-11-20 14:00 · Exported: 2026-11-21 09:30*",
		"## Assistant (qwen2.5-coder:7b)\n",
		"<scr\n```\n\n> **Interrupted, this answer is incomplete: The connection to the server was lost.**", // open fence closed before the note
		"> **Stopped by the user, this answer is incomplete.**",
		"> **Asked again: the stream broke and Brook asked the whole question again without streaming: idle\\_timeout**",
		"> **Finished after a restart: Brook closed before this answer was done and continued it at the next start.**",
		"What does <script>alert('pwned')</script> do here?", // verbatim: it is Markdown, not HTML
	} {
		if !strings.Contains(out, want) {
			t.Errorf("Markdown export lacks %q", want)
		}
	}
}

func TestOpenFence(t *testing.T) {
	for content, want := range map[string]string{
		"no code":                          "",
		"```go\nx\n```":                    "",
		"```go\nx":                         "```",
		"````\n```\nstill open":            "````",
		"~~~\ncode\n```":                   "~~~",
		"text ``` inline ``` text":         "",
		"    ```\nindented code, no fence": "",
	} {
		if got := openFence(content); got != want {
			t.Errorf("openFence(%q) = %q, want %q", content, got, want)
		}
	}
}

func TestFileName(t *testing.T) {
	local := time.Date(2026, 11, 21, 23, 30, 0, 0, time.FixedZone("UTC+9", 9*3600))
	b := func(title string) []store.Bundle {
		return []store.Bundle{{Conversation: store.Conversation{Title: title}}}
	}
	for _, tc := range []struct {
		format  Format
		bundles []store.Bundle
		want    string
	}{
		{FormatMarkdown, b("Sorting a slice in Go / 排序"), "brook-sorting-a-slice-in-go-排序-2026-11-21.md"},
		{FormatJSON, fixtureBundles(), "brook-all-2026-11-21.json"},
		{FormatHTML, b(`  ../..\etc: "pass"?* `), "brook-etc-pass-2026-11-21.html"},
		{FormatHTML, b("🙂🙂"), "brook-conversation-2026-11-21.html"},
		{FormatMarkdown, b(strings.Repeat("長", 80)), "brook-" + strings.Repeat("長", 48) + "-2026-11-21.md"},
	} {
		if got := FileName(tc.format, tc.bundles, local); got != tc.want {
			t.Errorf("FileName(%s, %q) = %q, want %q", tc.format, tc.bundles[0].Conversation.Title, got, tc.want)
		}
	}
}

// TestRenderMarkdownIsSafe feeds the renderer known ways to smuggle script
// into Markdown and checks the HTML for any tag, attribute or link that
// could run or load something.
func TestRenderMarkdownIsSafe(t *testing.T) {
	allowed := map[string]bool{
		"p": true, "a": true, "img": true, "pre": true, "code": true, "span": true, "em": true,
		"strong": true, "br": true, "del": true, "ul": true, "ol": true, "li": true, "input": true,
		"table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true, "blockquote": true,
	}
	tag := regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>`)
	event := regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	quoted := regexp.MustCompile(`"[^"]*"`)
	link := regexp.MustCompile(`(?i)(?:href|src)\s*=\s*"([^"]*)"`)
	for _, src := range []string{
		"<script>alert(1)</script>",
		"x <img src=x onerror=alert(1)> y",
		"<svg onload=alert(1)>",
		"<a href=\"javascript:alert(1)\">x</a>",
		"<javascript:alert(1)>",
		"[a](JAVASCRIPT:alert(1))",
		"[a](java&#115;cript:alert(1))",
		"[a](&#x6A;avascript:alert(1))",
		"![x](javascript:alert(1))",
		"[a][r]\n\n[r]: javascript:alert(1)",
		"[a](data:text/html;base64,PHNjcmlwdD4=)",
		"[a](vbscript:msgbox(1))",
		"[a](https://example.com \"t\\\" onclick=alert(1)\")",
		"```\n</code></pre><script>alert(1)</script>\n```",
		"```html\n<script>alert(1)</script>\n```",
		"```nosuchlang\n<script>alert(1)</script>\n```",
		"```go\" onmouseover=\"alert(1)\nx := \"</span><script>alert(1)</script>\"\n```",
		"```\"><script>alert(1)</script>\ncode\n```",
		"```yaml\nk: '</code></pre><iframe src=x>'\n```",
		"~~~python\n'''</code><script>'''\n~~~",
		"| a |\n|---|\n| <iframe src=x> |",
		"www.example.com/<script>",
	} {
		for _, md := range []goldmark.Markdown{renderers().answer, renderers().user} {
			h, err := renderMarkdown(md, src)
			if err != nil {
				t.Fatal(err)
			}
			out := string(h)
			for _, m := range tag.FindAllStringSubmatch(out, -1) {
				if !allowed[strings.ToLower(m[1])] {
					t.Errorf("%q rendered a <%s> tag: %s", src, m[1], out)
				}
				// Quoted values are data; an attribute name outside them is not.
				if event.MatchString(quoted.ReplaceAllString(m[2], `""`)) {
					t.Errorf("%q rendered an event handler: %s", src, out)
				}
			}
			for _, m := range link.FindAllStringSubmatch(out, -1) {
				if u := strings.ToLower(m[1]); u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
					t.Errorf("%q rendered a link to %q", src, m[1])
				}
			}
		}
	}
}
