package ollamakind

import (
	"net/url"
	"testing"

	"github.com/ollama/ollama/envconfig"
)

func TestURLFollowsOllamasConvention(t *testing.T) {
	tests := map[string]string{
		"":                            "http://127.0.0.1:11434",
		"127.0.0.1":                   "http://127.0.0.1:11434",
		"0.0.0.0":                     "http://127.0.0.1:11434",
		":8080":                       "http://127.0.0.1:8080",
		"example.com:1234":            "http://example.com:1234",
		"http://10.0.0.5:11434":       "http://10.0.0.5:11434",
		"https://ollama.example.com":  "https://ollama.example.com:443",
		`"localhost:7777"`:            "http://localhost:7777",
		"http://host:1/proxy/ollama/": "http://host:1/proxy/ollama",
		"http://ollama.lan":           "http://ollama.lan:80",
		"ollama.lan":                  "http://ollama.lan:11434",
		"ollama.com":                  "https://ollama.com:443",
	}
	for in, want := range tests {
		if got := URL(in); got != want {
			t.Errorf("URL(%q) = %q, want %q", in, got, want)
		}
	}
}

// Brook reaches the server Ollama's own client would: the same scheme, host
// and port as envconfig.ConnectableHost for the same $OLLAMA_HOST.
func TestURLMatchesOllamasEnvconfig(t *testing.T) {
	for _, in := range []string{
		"", "127.0.0.1", "0.0.0.0", "0.0.0.0:9999", "example.com:1234", "http://10.0.0.5:11434",
		"https://ollama.example.com", "http://ollama.lan", "ollama.lan", "ollama.com", "[::1]:7777",
		"https://host:8443", `"localhost:7777"`, "http://0.0.0.0",
	} {
		t.Setenv("OLLAMA_HOST", in)
		want := envconfig.ConnectableHost()
		got, err := url.Parse(URL(in))
		if err != nil {
			t.Fatalf("URL(%q): %v", in, err)
		}
		if got.Scheme != want.Scheme || got.Host != want.Host {
			t.Errorf("URL(%q) = %s://%s; Ollama's client goes to %s://%s", in, got.Scheme, got.Host, want.Scheme, want.Host)
		}
	}
}
