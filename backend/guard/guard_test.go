package guard

import (
	"errors"
	"strings"
	"testing"
)

var (
	tenMB      = strings.Repeat("x", 10<<20)
	invalidUTF = "caf\xe9 \xff\xfe"
)

func TestChecks(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		wantErr string // "" means accepted; else a piece of the message
	}{
		{"id 1", ID("conversation", 1), ""},
		{"id 0", ID("conversation", 0), "no conversation with id 0"},
		{"id -1", ID("message", -1), "no message with id -1"},
		{"new conversation", ConversationOrNew(0), ""},
		{"negative conversation", ConversationOrNew(-5), "no conversation with id -5"},
		{"ids", IDs("conversation", []int64{1, 2, 3}), ""},
		{"no ids", IDs("conversation", nil), ""},
		{"ids with 0", IDs("conversation", []int64{1, 0}), "id 0"},
		{"ids with -1", IDs("conversation", []int64{-1}), "id -1"},
		{"ids twice", IDs("conversation", []int64{4, 4}), "named twice"},
		{"too many ids", IDs("conversation", make([]int64, MaxIDs+1)), "at most 100,000"},

		{"message", Message("Hello, 世界 👋"), ""},
		{"message at the limit", Message(strings.Repeat("a", MaxMessageBytes)), ""},
		{"10 MB message", Message(tenMB), "That message is 10 MB; Brook sends at most 1 MB at once"},
		{"message one byte over", Message(strings.Repeat("a", MaxMessageBytes+1)), "at most 1 MB"},
		{"message invalid UTF-8", Message(invalidUTF), "not valid text"},
		{"message with NUL", Message("a\x00b"), "NUL"},
		{"message with newlines and tabs", Message("line 1\n\tline 2\r\n"), ""},
		{"draft", Draft("half a thought"), ""},
		{"10 MB draft", Draft(tenMB), "That draft is 10 MB"},
		{"draft invalid UTF-8", Draft(invalidUTF), "not valid text"},
		{"system prompt", SystemPrompt("Answer in French.\nBe brief."), ""},
		{"10 MB system prompt", SystemPrompt(tenMB), "at most 256 KB"},
		{"system prompt invalid UTF-8", SystemPrompt(invalidUTF), "not valid text"},

		{"title", Title("Tokyo trip 東京"), ""},
		{"title at the limit", Title(strings.Repeat("東", MaxTitleRunes)), ""},
		{"title too long", Title(strings.Repeat("a", MaxTitleRunes+1)), "at most 500 characters"},
		{"10 MB title", Title(tenMB), "at most 500 characters"},
		{"title invalid UTF-8", Title(invalidUTF), "not UTF-8"},
		{"title with a line break", Title("two\nlines"), "one line"},
		{"name", Name("Local Ollama"), ""},
		{"name too long", Name(strings.Repeat("n", 201)), "at most 200"},
		{"search", Search("foo_bar() 東京"), ""},
		{"10 MB search", Search(tenMB), "at most 4 KB"},
		{"search invalid UTF-8", Search(invalidUTF), "not valid text"},

		{"model", Model("hf.co/org/repo:Q4_K_M"), ""},
		{"no model", Model(""), ""},
		{"model too long", Model(strings.Repeat("m", MaxModelBytes+1)), "at most 512 bytes"},
		{"model invalid UTF-8", Model(invalidUTF), "not UTF-8"},
		{"ollama model", OllamaModel("llama3.2"), ""},
		{"ollama model with tag", OllamaModel("llama3.2:1b-instruct-q4_K_M"), ""},
		{"ollama model with namespace", OllamaModel("library/qwen3:0.6b"), ""},
		{"ollama model with host", OllamaModel("hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M"), ""},
		{"ollama model with host and port", OllamaModel("localhost:5000/team/model:v1"), ""},
		{"no ollama model", OllamaModel(""), "No model was named"},
		{"blank ollama model", OllamaModel("  "), "No model was named"},
		{"ollama model with a space", OllamaModel("llama 3"), "not a model name Ollama accepts"},
		{"ollama model with a leading space", OllamaModel(" llama3"), "not a model name"},
		{"ollama model starting with a dash", OllamaModel("-rf"), "not a model name"},
		{"ollama model with two tags", OllamaModel("a:b:c"), "not a model name"},
		{"ollama model with an empty tag", OllamaModel("llama3:"), "not a model name"},
		{"ollama model with a path", OllamaModel("../../etc/passwd"), "not a model name"},
		{"ollama model with too many parts", OllamaModel("a/b/c/d"), "not a model name"},
		{"ollama model with a dotted namespace", OllamaModel("h/a.b/c"), "not a model name"},
		{"ollama model with a URL", OllamaModel("https://example.com/m"), "not a model name"},
		{"ollama model with a newline", OllamaModel("llama3\n"), "not a model name"},
		{"ollama model too long", OllamaModel(strings.Repeat("m", MaxModelBytes+1)), "at most 512 bytes"},
		{"models", Models([]string{"a", "b"}), ""},
		{"models with a blank", Models([]string{"a", " "}), "no name"},
		{"too many models", Models(make([]string, MaxModels+1)), "at most 1,000"},
		{"endpoint id", EndpointID("5b3c1f0e-8f6a-4c1e-9a57-3c2b1d0e9f11"), ""},
		{"no endpoint id", EndpointID(""), ""},
		{"endpoint id required", RequiredEndpointID(""), "No endpoint"},
		{"endpoint id too long", EndpointID(strings.Repeat("e", 129)), "no endpoint"},
		{"endpoint id with control", EndpointID("a\nb"), "no endpoint"},
		{"endpoint id invalid UTF-8", EndpointID(invalidUTF), "no endpoint"},
		{"selection", Selection("ep", "llama3"), ""},
		{"no selection", Selection("", ""), ""},
		{"half a selection", Selection("ep", ""), "both or neither"},

		{"api key", APIKey("  sk-proj-abc123\n"), ""},
		{"no api key", APIKey(""), ""},
		{"api key with a space", APIKey("sk-abc 123"), "Paste the key alone"},
		{"api key two lines", APIKey("sk-abc\nsk-def"), "Paste the key alone"},
		{"api key invalid UTF-8", APIKey(invalidUTF), "Paste the key alone"},
		{"10 MB api key", APIKey(tenMB), "at most 8 KB"},
		{"base url", BaseURL("http://127.0.0.1:11434"), ""},
		{"10 MB base url", BaseURL(tenMB), "at most 8 KB"},

		{"server kind", ServerKind("vllm"), ""},
		{"server kind detect", ServerKind(""), ""},
		{"server kind unknown", ServerKind("lmstudio"), "“lmstudio” is not one Brook knows"},
		{"theme", Theme("dark"), ""},
		{"theme unknown", Theme("neon"), "The theme “neon” is not one of system, light, dark"},
		{"theme empty", Theme(""), "not one of"},
		{"export format", OneOf("export format", "html", "markdown", "json", "html"), ""},
		{"export format unknown", OneOf("export format", "pdf", "markdown", "json", "html"), "“pdf” is not one of markdown, json, html"},
		{"export format huge", OneOf("export format", tenMB, "markdown"), "…"},

		{"path", Path("/home/me/.local/share/brook/backups/brook-20240101.db"), ""},
		{"windows path", Path(`C:\Users\me\Brook\backups\brook-20240101.db`), ""},
		{"relative path", Path("backups/brook-20240101.db"), "not a full path"},
		{"path with NUL", Path("/tmp/a\x00b"), "control"},
		{"path invalid UTF-8", Path("/tmp/" + invalidUTF), "not UTF-8"},
		{"10 MB path", Path("/" + tenMB), "at most 4 KB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.wantErr == "" {
				if tt.err != nil {
					t.Fatalf("refused: %v", tt.err)
				}
				return
			}
			if tt.err == nil {
				t.Fatalf("accepted; want an error with %q", tt.wantErr)
			}
			if !errors.Is(tt.err, ErrInvalid) {
				t.Errorf("error %v is not ErrInvalid", tt.err)
			}
			if !strings.Contains(tt.err.Error(), tt.wantErr) {
				t.Errorf("error %q does not say %q", tt.err, tt.wantErr)
			}
			if n := len(tt.err.Error()); n > 400 {
				t.Errorf("error is %d bytes long: hostile input must not make huge errors", n)
			}
		})
	}
}

func TestPage(t *testing.T) {
	tests := []struct {
		limit, offset int
		want          int
		wantErr       bool
	}{
		{500, 0, 500, false},
		{0, 0, MaxPage, false},
		{1, 1 << 20, 1, false},
		{MaxPage, 0, MaxPage, false},
		{-1, 0, 0, true},
		{10, -1, 0, true},
		{MaxPage + 1, 0, 0, true},
		{10, MaxOffset + 1, 0, true},
	}
	for _, tt := range tests {
		got, err := Page(tt.limit, tt.offset)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("Page(%d, %d) = %d, %v; want %d, error %v", tt.limit, tt.offset, got, err, tt.want, tt.wantErr)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("Page(%d, %d): %v is not ErrInvalid", tt.limit, tt.offset, err)
		}
	}
}

func TestPaintInterval(t *testing.T) {
	for _, ms := range []int{0, 16, 500, MaxPaintIntervalMs} {
		if err := PaintInterval(ms); err != nil {
			t.Errorf("PaintInterval(%d) = %v, want nil", ms, err)
		}
	}
	for _, ms := range []int{-1, MaxPaintIntervalMs + 1, 1 << 40} {
		err := PaintInterval(ms)
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("PaintInterval(%d) = %v, want a refusal", ms, err)
		}
	}
}

func TestOpenableURL(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr string
	}{
		{"https://ollama.com/download", "https://ollama.com/download", ""},
		{"http://127.0.0.1:11434/api/tags?x=1#y", "http://127.0.0.1:11434/api/tags?x=1#y", ""},
		{"  https://example.com  ", "https://example.com", ""},
		{"HTTPS://EXAMPLE.COM/", "https://EXAMPLE.COM/", ""},
		{"mailto:someone@example.com", "mailto:someone@example.com", ""},
		{"file:///etc/passwd", "", "only opens web and mail links"},
		{"javascript:alert(1)", "", "only opens web and mail links"},
		{"vscode://file/etc/passwd", "", "only opens web and mail links"},
		{"smb://server/share", "", "only opens web and mail links"},
		{"/relative/path", "", "only opens web and mail links"},
		{"", "", "only opens web and mail links"},
		{"https://", "", "no host"},
		{"http:///path", "", "no host"},
		{"mailto:", "", "no address"},
		{"https://user:pass@example.com/", "", "user name or password"},
		{"https://token@example.com/", "", "user name or password"},
		{"https://exa\nmple.com", "", "characters links never have"},
		{"https://example.com/\x00", "", "characters links never have"},
		{"https://example.com/" + invalidUTF, "", "characters links never have"},
		{"https://example.com/" + tenMB, "", "at most 8 KB"},
		{"http://[::1", "", "could not read"},
	}
	for _, tt := range tests {
		got, err := OpenableURL(tt.in)
		name := tt.in
		if len(name) > 60 {
			name = name[:60]
		}
		if tt.wantErr == "" {
			if err != nil || got != tt.want {
				t.Errorf("OpenableURL(%q) = %q, %v; want %q", name, got, err, tt.want)
			}
			continue
		}
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.wantErr) || got != "" {
			t.Errorf("OpenableURL(%q) = %q, %v; want an error with %q", name, got, err, tt.wantErr)
		}
	}
}

func TestSize(t *testing.T) {
	tests := map[int64]string{
		0:                "0 bytes",
		1023:             "1,023 bytes",
		1 << 10:          "1 KB",
		1536:             "1.5 KB",
		1 << 20:          "1 MB",
		10 << 20:         "10 MB",
		10_000_000:       "9.5 MB",
		10<<20 + 400<<10: "10.4 MB",
	}
	for n, want := range tests {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}
