//go:build linux

package realollama

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"

	"github.com/ollama/ollama/api"

	"brook/tools/tinygguf/gguf"
)

// LongNumPredict is the longest answer the tiny model gives whole: past about
// 260 tokens its context runs out and the stream ends without done.
const LongNumPredict = 200

// AddVariant registers the tiny model a second time under name, with the same
// weights and template and the given Modelfile parameters (for example
// {"num_predict": LongNumPredict, "temperature": 0}), so a client that sends
// no options of its own, as Brook does, gets answers of that length.
func (s *Server) AddVariant(ctx context.Context, name string, params map[string]any) error {
	return s.AddShape(ctx, name, gguf.DefaultTiny, params)
}

// AddShape is [Server.AddVariant] with a model of another shape, such as
// one trained for a longer context.
func (s *Server) AddShape(ctx context.Context, name string, shape gguf.TinyConfig, params map[string]any) error {
	var buf bytes.Buffer
	if _, err := gguf.WriteTiny(&buf, shape); err != nil {
		return err
	}
	digest := fmt.Sprintf("sha256:%x", sha256.Sum256(buf.Bytes()))
	c := s.API()
	if err := c.CreateBlob(ctx, digest, bytes.NewReader(buf.Bytes())); err != nil {
		return fmt.Errorf("create blob: %w", err)
	}
	stream := false
	return c.Create(ctx, &api.CreateRequest{
		Model:      name,
		Stream:     &stream,
		Files:      map[string]string{"tiny.gguf": digest},
		Template:   Template,
		Parameters: params,
	}, func(api.ProgressResponse) error { return nil })
}

// RemoveModel deletes a registered model, such as [ModelName], so a client
// that picks the first listed model picks a variant instead.
func (s *Server) RemoveModel(ctx context.Context, name string) error {
	return s.API().Delete(ctx, &api.DeleteRequest{Model: name})
}

// EmbedModelName is the name [Server.AddEmbedModel] registers the tiny
// BERT embedding model under.
const EmbedModelName = "tiny-embed"

// AddEmbedModel registers the tiny BERT embedding model as
// [EmbedModelName], so /api/embed runs for real.
func (s *Server) AddEmbedModel(ctx context.Context) error {
	var buf bytes.Buffer
	if _, err := gguf.WriteTinyBERT(&buf, gguf.DefaultTinyBERT); err != nil {
		return err
	}
	digest := fmt.Sprintf("sha256:%x", sha256.Sum256(buf.Bytes()))
	c := s.API()
	if err := c.CreateBlob(ctx, digest, bytes.NewReader(buf.Bytes())); err != nil {
		return fmt.Errorf("create blob: %w", err)
	}
	stream := false
	return c.Create(ctx, &api.CreateRequest{Model: EmbedModelName, Stream: &stream, Files: map[string]string{"tiny-embed.gguf": digest}},
		func(api.ProgressResponse) error { return nil })
}
