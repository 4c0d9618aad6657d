// Package ollamakind is the endpoint kind that speaks Ollama's native API.
package ollamakind

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"brook/backend/endpoints/kind"
	"brook/backend/i18n"
	"brook/backend/provider"
	"brook/backend/provider/ollama"
)

// ID is what the store keeps for an Ollama endpoint.
const ID = "ollama"

// Kind is Ollama's native API: no keys, models managed from Brook, thinking
// turned on and off.
var Kind = kind.Kind{
	ID:          ID,
	Label:       "Ollama",
	Key:         kind.KeyNone,
	DefaultName: "Ollama",
	DefaultURL:  ollama.DefaultBaseURL,
	New: func(baseURL, _ string, headers http.Header) provider.Client {
		return ollama.NewWithHeaders(baseURL, headers)
	},
	Probe: probe,
	// Whatever answers Ollama's native API is Ollama.
	Detect: func(context.Context, *http.Client, string) kind.Detection {
		return kind.Detection{Kind: provider.ServerOllama}
	},
	Seed: func(getenv func(string) string) (kind.Seed, bool) {
		return kind.Seed{Name: "Ollama", BaseURL: URL(getenv("OLLAMA_HOST")), Follows: true}, true
	},
	Caps: kind.Caps{LocalModels: true, ThinkOnOff: true},
	Words: kind.Words{
		API:       "Kind.ollama.api",
		NotShaped: "not_ollama",
		WrongPath: "Kind.ollama.wrongPath",
		Unreachable: func(baseURL string) string {
			return i18n.T("Kind.ollama.unreachable", i18n.Args{"URL": baseURL})
		},
		NoModels:     "Kind.ollama.noModels",
		StartCommand: "ollama serve",
		Site:         "https://ollama.com",
	},
}

// probe asks GET /api/version and /api/tags, as Brook's client does.
func probe(ctx context.Context, p kind.Prober) (kind.Found, bool) {
	var v struct {
		Version string `json:"version"`
	}
	if !p.Get(ctx, "api/version", false, &v) {
		return kind.Found{}, false
	}
	if v.Version == "" {
		p.NotShaped()
		return kind.Found{}, false
	}
	var tags struct {
		Models *[]json.RawMessage `json:"models"`
	}
	if !p.Get(ctx, "api/tags", false, &tags) {
		return kind.Found{}, false
	}
	if tags.Models == nil {
		p.NotShaped()
		return kind.Found{}, false
	}
	return kind.Found{Server: provider.ServerOllama, Version: v.Version, Models: len(*tags.Models)}, true
}

// URL reads $OLLAMA_HOST the way Ollama does (envconfig.ConnectableHost):
// a bare host, host:port, :port or a URL; a bare host gets scheme http and
// port 11434, a URL its scheme's port. 0.0.0.0 (a listen
// address) is reached on loopback.
func URL(host string) string {
	host = strings.TrimSpace(strings.Trim(strings.TrimSpace(host), `"'`))
	if host == "" {
		return ollama.DefaultBaseURL
	}
	scheme, rest, explicit := strings.Cut(host, "://")
	if !explicit {
		scheme, rest = "http", host
		if host == "ollama.com" {
			scheme, rest = "https", "ollama.com:443"
		}
	}
	hostport, path, _ := strings.Cut(rest, "/")
	h, port := hostport, ""
	if i := strings.LastIndex(hostport, ":"); i >= 0 && !strings.HasSuffix(hostport, "]") {
		h, port = hostport[:i], hostport[i+1:]
	}
	if port == "" {
		// As Ollama's envconfig.Host: a URL with a scheme gets the scheme's
		// port; a bare host gets Ollama's.
		port = "11434"
		switch {
		case explicit && scheme == "http":
			port = "80"
		case explicit && scheme == "https":
			port = "443"
		}
	}
	switch h {
	case "", "0.0.0.0":
		h = "127.0.0.1"
	case "[::]":
		h = "[::1]"
	}
	u := scheme + "://" + h + ":" + port
	if path != "" {
		u += "/" + strings.TrimSuffix(path, "/")
	}
	return u
}
