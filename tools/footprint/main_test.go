package main

import (
	"strings"
	"testing"
	"time"
)

// modules is what the binary's build information lists, in part.
var modules = []string{
	"github.com/wailsapp/wails/v2",
	"github.com/wailsapp/mimetype",
	"github.com/ollama/ollama",
	"github.com/sashabaranov/go-openai",
	"github.com/yuin/goldmark",
	"github.com/godbus/dbus/v5",
	"golang.org/x/net",
	"gopkg.in/yaml.v3",
	"modernc.org/sqlite",
	"modernc.org/libc",
}

func TestGroupOf(t *testing.T) {
	tests := []struct {
		symbol, want string
	}{
		{"modernc.org/sqlite/lib._sqlite3VdbeExec", "modernc.org/sqlite"},
		{"modernc.org/libc.init", "modernc.org/libc"},
		{"github.com/wailsapp/wails/v2/pkg/assetserver..gobytes.1", "github.com/wailsapp/wails/v2"},
		{"github.com/wailsapp/mimetype/internal/magic.init", "github.com/wailsapp/mimetype"},
		{"github.com/sashabaranov/go-openai.(*Client).CreateEmbeddings", "github.com/sashabaranov/go-openai"},
		{"github.com/ollama/ollama/api.(*Client).Chat.func1", "github.com/ollama/ollama"},
		{"github.com/godbus/dbus/v5.(*Conn).Send", "github.com/godbus/dbus/v5"},
		{"golang.org/x/net/html..stmp_0", "golang.org/x/net"},
		{"gopkg.in/yaml%2ev3.(*decoder).scalar.jump69", "gopkg.in/yaml.v3"},
		{"net/http.(*Transport).roundTrip", "std"},
		{"crypto/tls.(*Conn).Handshake", "std"},
		{"runtime.mallocgc", "std"},
		{"vendor/golang.org/x/net/idna.idnaValues", "std"},
		{"brook/backend/store.(*Store).Append", "brook/backend/store"},
		{"brook/backend/provider/ollama.(*Client).Chat", "brook/backend/provider"},
		{"brook/app.(*App).Startup", "brook/app"},
		{"main.main", "brook (main)"},
		{"type:.eq.brook/backend/events.StreamEvent", "brook/backend/events"},
		{"type:.eq.[45]vendor/golang.org/x/sys/cpu.option", "std"},
		{"type:.eq.github.com/sashabaranov/go-openai.ImageRequest", "github.com/sashabaranov/go-openai"},
		{"go:itab.*github.com/yuin/goldmark/ast.Text,github.com/yuin/goldmark/ast.Node", "github.com/yuin/goldmark"},
		{"go:itab.*brook/backend/store.Store,brook/backend/chat.Store", "brook/backend/store"},
		// A generic function belongs to its own package, not its type arguments'.
		{"slices.SortFunc[go.shape.*brook/backend/store.Message]", "std"},
		{"sync..dict.OnceValues[[]brook/backend/store.migration,error]", "std"},
		{"go:struct { io.Reader; io.Closer }.Read", "(no package: C, assembly)"},
		{"crypto/internal/fips140/nistec.p256PrecomputedEmbed", "std"},
		{"aeshashbody", "(no package: C, assembly)"},
		{"gtk_window_new", "(no package: C, assembly)"},
		// Without build information, the module is guessed from the path.
		{"github.com/labstack/echo/v4.(*Echo).ServeHTTP", "github.com/labstack/echo/v4"},
		{"golang.org/x/text/unicode/norm.decomps", "golang.org/x/text"},
		{"git.sr.ht/~jackmordaunt/go-toast/v2.Push", "git.sr.ht/~jackmordaunt/go-toast/v2"},
	}
	for _, tt := range tests {
		if got := groupOf(tt.symbol, modules); got != tt.want {
			t.Errorf("groupOf(%q) = %q, want %q", tt.symbol, got, tt.want)
		}
	}
}

func TestTally(t *testing.T) {
	const nm = `
  401000        100 T modernc.org/sqlite/lib._sqlite3VdbeExec
  401100         50 t runtime.mallocgc
  401200         10 t aeshashbody
  500000          0 r type:*
  500400         40 r go:itab.*brook/backend/store.Store,brook/backend/chat.Store
  600000         30 d github.com/yuin/goldmark/parser..stmp_21
  700000        999 d runtime.mheap_
  800000   33554432 d crypto/internal/fips140/drbg.memory
                    U malloc@GLIBC_2.2.5
`
	secs := []section{
		{Name: ".text", Start: 0x401000, End: 0x402000},
		{Name: ".rodata", Start: 0x500000, End: 0x501000},
		{Name: ".noptrdata", Start: 0x600000, End: 0x601000},
		{Name: ".bss", Start: 0x700000, End: 0x701000, NoBits: true},
		{Name: ".noptrbss", Start: 0x800000, End: 0x2800000, NoBits: true},
	}
	groups, blobs, std := tally(parseNM(strings.NewReader(nm)), secs, modules)
	want := []group{
		{"modernc.org/sqlite", 100, 0},
		{"std", 50, 0}, // runtime.mheap_ and drbg.memory are in .bss and .noptrbss
		{"brook/backend/store", 0, 40},
		{"github.com/yuin/goldmark", 0, 30},
		{"(no package: C, assembly)", 10, 0},
	}
	if len(groups) != len(want) {
		t.Fatalf("groups = %+v, want %+v", groups, want)
	}
	for i := range want {
		if groups[i] != want[i] {
			t.Errorf("groups[%d] = %+v, want %+v", i, groups[i], want[i])
		}
	}
	// type:* runs to the next symbol.
	if len(blobs) != 1 || blobs[0].Data != 0x400 {
		t.Errorf("blobs = %+v, want type:* of 1024 bytes", blobs)
	}
	if len(std) != 1 || std[0] != (group{"runtime", 50, 0}) {
		t.Errorf("std = %+v, want runtime's 50 bytes", std)
	}
}

func TestMarkdown(t *testing.T) {
	r := report{
		Date: time.Date(2025, 11, 26, 7, 0, 0, 0, time.UTC),
		Tags: releaseTags,
		Groups: []group{
			{"modernc.org/sqlite", 3000, 1000},
			{"std", 2000, 1000},
			{"brook/backend/store", 500, 500},
		},
		Aggregates:  []group{{"type descriptors (type:*)", 0, 1600}, {aggregates["go:string.*"], 0, 900000}},
		Std:         []group{{"runtime", 1500, 500}, {"net/http", 500, 500}},
		Sections:    []sectionSize{{".text", 30000, true}, {".plt", 3000, true}, {".dynsym", 2000, true}, {".bss", 100, false}},
		ReleaseSize: 18262408,
		Assets: []asset{
			{"assets/index-D3sHHQi1.js", "script", 231328, 750000},
			{"assets/index-BBC4Lu7L.css", "style", 11348, 60000},
			{"assets/KaTeX_Main-Regular-B22Nviop.woff2", "font (KaTeX)", 26000, 26000},
			{"assets/KaTeX_Math-Italic-t53AETM-.woff2", "font (KaTeX)", 16000, 16000},
			{"assets/inter-latin-400-normal-C38fXH4l.woff2", "font", 23000, 23000},
			{"index.html", "other", 831, 831},
		},
	}
	md := r.markdown()
	for _, want := range []string{
		"on 2025-11-26 07:00 UTC",
		"-tags desktop,production,webkit2_41 -trimpath",
		"| 1 | modernc.org/sqlite | 3.0 | 1.0 | 4.0 | 50.0 % |\n",
		"| 2 | std | 2.0 | 1.0 | 3.0 | 37.5 % |\n",
		"| 3 | brook/backend/store | 0.5 | 0.5 | 1.0 | 12.5 % |\n",
		"|  | **all packages** | **5.5** | **2.5** | **8.0** | 100 % |\n",
		"| type descriptors (type:*) | 1.6 |\n",
		"18262.4 kB on disk",
		"| strings and embedded files (go:string.*), of which frontend/dist: 308.5 | 900.0 |\n",
		"| runtime | 1.5 | 0.5 | 2.0 |\n| net/http | 0.5 | 0.5 | 1.0 |\n",
		"| .text | 30.0 |\n| 2 sections under 20.0 kB | 5.0 |\n| .bss (memory only, not in the file) | 0.1 |\n",
		"| **loaded from the file** | **35.0** |\n",
		"| assets/index-D3sHHQi1.js | script | 231.3 | 750.0 |\n",
		"| assets/index-BBC4Lu7L.css | style | 11.3 | 60.0 |\n",
		"| 2 files | font (KaTeX) | 42.0 | 42.0 |\n",
		"| 1 file | font | 23.0 | 23.0 |\n",
		"| **all of frontend/dist** |  | **308.5** | **875.8** |\n",
		"| font (KaTeX) | 2 | 42.0 | 13.6 % |\n",
		"No per-package breakdown",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q; it is:\n%s", want, md)
		}
	}
	if strings.Contains(md, "KaTeX_Main") {
		t.Error("markdown lists fonts one by one; want one line per kind")
	}

	// More groups than the table names: the rest are one line.
	r.Groups = nil
	for i := range topGroups + 3 {
		r.Groups = append(r.Groups, group{Name: "g" + string(rune('a'+i)), Text: 1000})
	}
	r.Modules = []group{{"katex", 250000, 0}, {"(Brook's own code)", 250000, 0}}
	md = r.markdown()
	for _, want := range []string{
		"|  | 3 others | 3.0 | 0.0 | 3.0 | 10.7 % |\n",
		"| katex | 250.0 | 50.0 % |\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q; it is:\n%s", want, md)
		}
	}
}

func TestStdPackage(t *testing.T) {
	tests := []struct{ pkg, want string }{
		{"runtime", "runtime"},
		{"net/http", "net/http"},
		{"net/http/internal", "net/http"},
		{"crypto/internal/fips140/nistec", "crypto/internal"},
		{"vendor/golang.org/x/net/idna", "vendor (golang.org/x in std)"},
	}
	for _, tt := range tests {
		if got := stdPackage(tt.pkg); got != tt.want {
			t.Errorf("stdPackage(%q) = %q, want %q", tt.pkg, got, tt.want)
		}
	}
}

func TestNpmPackage(t *testing.T) {
	tests := []struct{ path, want string }{
		{"../node_modules/katex/dist/katex.mjs", "katex"},
		{"node_modules/@codemirror/view/dist/index.js", "@codemirror/view"},
		{"node_modules/.pnpm/a@1/node_modules/dompurify/dist/purify.es.mjs", "dompurify"},
		{"src/lib/Chat.svelte", "(Brook's own code)"},
		{"[unmapped]", "[unmapped]"},
	}
	for _, tt := range tests {
		if got := npmPackage(tt.path); got != tt.want {
			t.Errorf("npmPackage(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}
