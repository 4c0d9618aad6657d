package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"brook/backend/i18n"
	"brook/backend/tools"
)

// callFailed says why a call failed and, when the server itself broke,
// marks it failed so the next call starts it again. A cancelled ctx
// (Stop) and a timeout leave a working server running.
func (s *server) callFailed(callCtx, ctx context.Context, timeout time.Duration, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var wire *jsonrpc.Error
	if errors.As(err, &wire) {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.failure(ErrCallFailed, said(clipUTF8(wire.Message, 500)))
	}
	if errors.Is(context.Cause(callCtx), ErrTimeout) {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.failure(ErrTimeout, i18n.Errorf("MCP.noAnswerWithin", i18n.Args{"Time": timeout.String()}))
	}
	return s.fail(s.classify(callCtx, err, ErrCrashed))
}

// result turns a call's result into text for the model and the user, cut
// at the size cap. Pictures, sound and binary resources are named, not
// included.
func (m *Manager) result(res *sdk.CallToolResult) tools.Result {
	var b strings.Builder
	add := func(s string) {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(s)
	}
	for _, c := range res.Content {
		switch c := c.(type) {
		case *sdk.TextContent:
			add(c.Text)
		case *sdk.ImageContent:
			add(fmt.Sprintf("[a picture, %s, %d bytes, not shown]", c.MIMEType, len(c.Data)))
		case *sdk.AudioContent:
			add(fmt.Sprintf("[a sound, %s, %d bytes, not played]", c.MIMEType, len(c.Data)))
		case *sdk.ResourceLink:
			add(fmt.Sprintf("[a link to %s: %s]", c.Name, c.URI))
		case *sdk.EmbeddedResource:
			switch {
			case c.Resource == nil:
			case c.Resource.Text != "":
				add(c.Resource.Text)
			default:
				add(fmt.Sprintf("[the resource %s, %s, %d bytes, not shown]", c.Resource.URI, c.Resource.MIMEType, len(c.Resource.Blob)))
			}
		}
	}
	if b.Len() == 0 && res.StructuredContent != nil {
		if data, err := json.Marshal(res.StructuredContent); err == nil {
			b.Write(data)
		}
	}
	text := strings.ToValidUTF8(b.String(), "\uFFFD")
	out := tools.Result{Text: text, IsError: res.IsError}
	if len(text) > m.maxResult {
		out.Truncated, out.FullBytes = true, len(text)
		out.Text = clipUTF8(text, m.maxResult)
	}
	return out
}
