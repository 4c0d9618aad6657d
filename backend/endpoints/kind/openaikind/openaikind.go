// Package openaikind is the endpoint kind that speaks the OpenAI-compatible
// API: OpenAI itself, OpenRouter, vLLM, llama.cpp's llama-server, Ollama's
// /v1 and any other server of that shape.
package openaikind

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"brook/backend/endpoints/kind"
	"brook/backend/provider"
	"brook/backend/provider/openai"
)

// ID is what the store keeps for an OpenAI-compatible endpoint.
const ID = "openai"

// DefaultURL is OpenAI's own API.
const DefaultURL = "https://api.openai.com/v1"

// Kind is the OpenAI-compatible API: a key when the server wants one, model
// names added by hand for servers that do not list them, and the server
// behind it detected.
var Kind = kind.Kind{
	ID:          ID,
	Key:         kind.KeyOptional,
	DefaultName: "OpenAI",
	DefaultURL:  DefaultURL,
	New: func(baseURL, apiKey string, headers http.Header) provider.Client {
		return openai.NewWithHeaders(baseURL, apiKey, headers)
	},
	Probe:  probe,
	Detect: Detect,
	Seed:   seed,
	Caps:   kind.Caps{ExtraModels: true},
	Words: kind.Words{
		Label:     "Kind.openai.label",
		API:       "Kind.openai.api",
		NotShaped: "not_openai",
		WrongPath: "Kind.openai.wrongPath",
		CheckPath: "Kind.openai.checkPath",
	},
}

// probe asks GET {baseURL}/models with the key, then what serves it.
func probe(ctx context.Context, p kind.Prober) (kind.Found, bool) {
	var list struct {
		Data *[]json.RawMessage `json:"data"`
	}
	if !p.Get(ctx, "models", true, &list) {
		return kind.Found{}, false
	}
	if list.Data == nil {
		p.NotShaped()
		return kind.Found{}, false
	}
	return kind.Found{Server: Detect(ctx, p.Client(), p.BaseURL()).Kind, Models: len(*list.Data)}, true
}

// seed is an endpoint for $OPENAI_BASE_URL or $OPENAI_API_KEY, when either is set.
func seed(getenv func(string) string) (kind.Seed, bool) {
	base, key := getenv("OPENAI_BASE_URL"), getenv("OPENAI_API_KEY")
	if base == "" && key == "" {
		return kind.Seed{}, false
	}
	if base == "" {
		base = DefaultURL
	}
	return kind.Seed{Name: name(base), BaseURL: base, APIKey: key}, true
}

func name(base string) string {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" || u.Host == "api.openai.com" {
		return "OpenAI"
	}
	return "OpenAI-compatible (" + u.Host + ")"
}

// probeTimeout bounds each request that asks a server what it is.
const probeTimeout = 3 * time.Second

// Detect asks the server at baseURL what it is. Ollama answers
// /api/version, llama.cpp's llama-server /props, and vLLM /version; OpenAI
// and OpenRouter are known by their hosts. Each probe is a plain GET
// without the API key. A server that answers none of them is
// [provider.ServerGeneric].
func Detect(ctx context.Context, hc *http.Client, baseURL string) kind.Detection {
	root, err := kind.ServerRoot(baseURL)
	if err != nil {
		return kind.Detection{Kind: provider.ServerGeneric}
	}
	switch host := strings.ToLower(root.Hostname()); {
	case host == "openrouter.ai" || strings.HasSuffix(host, ".openrouter.ai"):
		return kind.Detection{Kind: provider.ServerOpenRouter}
	case host == "api.openai.com":
		return kind.Detection{Kind: provider.ServerOpenAI}
	}
	var (
		wg               sync.WaitGroup
		isOllama, isVLLM bool
		llamaProps       map[string]json.RawMessage
		llamaOK          bool
	)
	get := func(path string, into any) bool {
		ctx, cancel := context.WithTimeout(ctx, probeTimeout)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, root.JoinPath(path).String(), nil)
		if err != nil {
			return false
		}
		resp, err := hc.Do(req)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return false
		}
		return json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(into) == nil
	}
	wg.Add(3)
	go func() {
		defer wg.Done()
		var v struct{ Version string }
		isOllama = get("api/version", &v) && v.Version != ""
	}()
	go func() {
		defer wg.Done()
		llamaOK = get("props", &llamaProps) && (llamaProps["default_generation_settings"] != nil || llamaProps["total_slots"] != nil)
	}()
	go func() {
		defer wg.Done()
		var v struct{ Version string }
		isVLLM = get("version", &v) && v.Version != ""
	}()
	wg.Wait()
	switch {
	case isOllama:
		return kind.Detection{Kind: provider.ServerOllama}
	case llamaOK:
		var slots int
		_ = json.Unmarshal(llamaProps["total_slots"], &slots)
		return kind.Detection{Kind: provider.ServerLlamaCpp, Slots: slots}
	case isVLLM:
		return kind.Detection{Kind: provider.ServerVLLM}
	}
	return kind.Detection{Kind: provider.ServerGeneric}
}
