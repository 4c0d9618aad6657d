package endpoints

import (
	"context"
	"errors"
	"net/http"
	"os"
	"strconv"
	"strings"

	"brook/backend/contextwindow"
	"brook/backend/endpoints/kind"
	"brook/backend/i18n"
	"brook/backend/provider"
	"brook/backend/store"
)

// ContextWindow finds model's context window on the endpoint with id, by
// what serves it, and the server's exact token counter where it has one
// (llama-server, vLLM). Where the server does not say, the endpoint's own
// [store.Endpoint.ContextWindow] is the window. It implements chat.Windows.
func (r *Registry) ContextWindow(ctx context.Context, id, model string) (contextwindow.Window, contextwindow.Counter, error) {
	all, err := r.store.ListEndpoints(ctx)
	if err != nil {
		return contextwindow.Window{}, nil, err
	}
	for _, e := range all {
		if e.ID != id {
			continue
		}
		hc, err := r.windowClient(e)
		if err != nil {
			return contextwindow.Window{}, nil, err
		}
		var (
			src     contextwindow.Source
			counter contextwindow.Counter
		)
		switch r.server(ctx, e).Kind {
		case provider.ServerOllama:
			src, err = contextwindow.NewOllama(e.BaseURL, hc, ollamaDefaultContext(e.BaseURL, os.Getenv))
		case provider.ServerLlamaCpp:
			var l *contextwindow.LlamaServer
			l, err = contextwindow.NewLlamaServer(e.BaseURL, hc)
			src, counter = l, l
		case provider.ServerVLLM:
			var v *contextwindow.VLLM
			v, err = contextwindow.NewVLLM(e.BaseURL, hc)
			src, counter = v, v
		default:
			src = contextwindow.Fixed(0)
		}
		if err != nil {
			return contextwindow.Window{}, nil, err
		}
		w, err := src.Window(ctx, model)
		if errors.Is(err, contextwindow.ErrUnknown) && e.ContextWindow > 0 {
			w, err = contextwindow.Fixed(e.ContextWindow).Window(ctx, model)
			w.Source = i18n.T("Context.sourceEndpointSetting", nil)
		}
		return w, counter, err
	}
	return contextwindow.Window{}, nil, ErrUnknownEndpoint
}

// windowClient asks the endpoint's server with its extra headers and, for
// an endpoint whose kind takes keys, its key (a vLLM or llama-server started
// with --api-key wants it on /tokenize too).
func (r *Registry) windowClient(e store.Endpoint) (*http.Client, error) {
	headers, err := Headers(r.keys, e)
	if err != nil {
		return nil, err
	}
	if k, ok := kind.Lookup(string(e.Kind)); ok && k.Key != kind.KeyNone {
		key, err := r.keys.Get(e.ID)
		if err != nil {
			return nil, err
		}
		if key != "" {
			if headers == nil {
				headers = http.Header{}
			}
			headers.Set("Authorization", "Bearer "+key)
		}
	}
	return provider.WithHeaders(r.probeClient, headers), nil
}

// ollamaDefaultContext is the window a local Ollama gives requests without
// num_ctx when OLLAMA_CONTEXT_LENGTH is set where Brook runs (a server on
// this machine likely shares the environment); 0 leaves Ollama's own
// default. A server elsewhere cannot be asked.
func ollamaDefaultContext(baseURL string, env func(string) string) int {
	if !isLoopback(baseURL) {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(env("OLLAMA_CONTEXT_LENGTH")))
	if err != nil || n <= 0 {
		return 0
	}
	return n
}
