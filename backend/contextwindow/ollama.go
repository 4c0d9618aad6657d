package contextwindow

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"brook/backend/i18n"
)

// OllamaDefaultContext is the window Ollama v0.17 gives a request that
// sets no num_ctx on a machine without 23 GiB of GPU memory
// (server/routes.go: 4k, 32k or 256k by VRAM), unless OLLAMA_CONTEXT_LENGTH
// says otherwise.
const OllamaDefaultContext = 4096

// kvBytesPerElement is the size of one KV cache entry at Ollama's default
// cache type, f16 (OLLAMA_KV_CACHE_TYPE).
const kvBytesPerElement = 2

// Ollama reads a model's window from Ollama's /api/show: the model's
// num_ctx parameter, else the server's default, up to the trained
// model_info.<arch>.context_length, which a request may ask for with
// num_ctx.
type Ollama struct {
	s server
	// defaultContext is the server's window for requests without num_ctx.
	defaultContext int
}

// NewOllama returns the [Source] of the Ollama server at baseURL (its
// native root or its /v1). defaultContext is the server's default window,
// 0 for [OllamaDefaultContext].
func NewOllama(baseURL string, hc *http.Client, defaultContext int) (*Ollama, error) {
	s, err := newServer(baseURL, hc)
	if err != nil {
		return nil, err
	}
	if defaultContext <= 0 {
		defaultContext = OllamaDefaultContext
	}
	return &Ollama{s: s, defaultContext: defaultContext}, nil
}

// showResponse is the part of /api/show this package reads.
type showResponse struct {
	Parameters string                     `json:"parameters"`
	ModelInfo  map[string]json.RawMessage `json:"model_info"`
}

// Window implements [Source].
func (o *Ollama) Window(ctx context.Context, model string) (Window, error) {
	var show showResponse
	if err := o.s.call(ctx, "api/show", map[string]string{"model": model}, &show); err != nil {
		return Window{}, err
	}
	arch := infoString(show.ModelInfo, "general.architecture")
	trained := infoInt(show.ModelInfo, arch+".context_length")
	w := Window{Tokens: o.defaultContext, Source: i18n.T("Context.sourceOllamaDefault", nil)}
	if n := parameter(show.Parameters, "num_ctx"); n > 0 {
		w.Tokens, w.Source = n, i18n.T("Context.sourceNumCtx", nil)
	}
	w.Max = max(trained, w.Tokens)
	if trained > 0 && w.Tokens > trained {
		// The runner caps num_ctx at the trained length (llm/server.go).
		w.Tokens, w.Max = trained, trained
	}
	w.AnswerTokens = max(parameter(show.Parameters, "num_predict"), 0)
	w.BytesPerToken = kvBytesPerToken(show.ModelInfo, arch)
	return w, nil
}

// parameter reads one numeric parameter of /api/show, which lists them one
// a line as the name padded to 30 columns, a space and the value
// (server/routes.go, fmt "%-*s %#v"); 0 when it is not set.
func parameter(parameters, name string) int {
	for line := range strings.SplitSeq(parameters, "\n") {
		fields := strings.Fields(line)
		if len(fields) == 2 && fields[0] == name {
			n, err := strconv.ParseFloat(fields[1], 64)
			if err != nil || n > 1<<30 {
				return 0
			}
			return int(n)
		}
	}
	return 0
}

// kvBytesPerToken is what one token of window takes in the KV cache: keys
// and values for every layer and KV head. A per-layer head count (an array,
// as some models have) is summed over the layers. 0 when the shape is not
// reported.
func kvBytesPerToken(info map[string]json.RawMessage, arch string) int64 {
	layers := infoInt(info, arch+".block_count")
	keyLen := infoInt(info, arch+".attention.key_length")
	valueLen := infoInt(info, arch+".attention.value_length")
	if keyLen == 0 || valueLen == 0 {
		heads := infoInt(info, arch+".attention.head_count")
		if heads == 0 {
			return 0
		}
		keyLen = infoInt(info, arch+".embedding_length") / heads
		valueLen = keyLen
	}
	var headsAllLayers int64
	raw := info[arch+".attention.head_count_kv"]
	var perLayer []int64
	if json.Unmarshal(raw, &perLayer) == nil && len(perLayer) > 0 {
		for _, h := range perLayer {
			headsAllLayers += h
		}
	} else {
		headsAllLayers = int64(infoInt(info, arch+".attention.head_count_kv") * layers)
	}
	return headsAllLayers * int64(keyLen+valueLen) * kvBytesPerElement
}

func infoInt(info map[string]json.RawMessage, key string) int {
	var n float64
	if json.Unmarshal(info[key], &n) != nil {
		return 0
	}
	return int(n)
}

func infoString(info map[string]json.RawMessage, key string) string {
	var s string
	_ = json.Unmarshal(info[key], &s)
	return s
}
