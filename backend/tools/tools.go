// Package tools is what chat sees of the tools a model may call: the tools of
// the user's MCP servers. The MCP client itself lives in
// [brook/backend/tools/mcp]; chat asks only the interfaces here, so it can be
// tested with a fake [Runner] and no server.
package tools

import (
	"bytes"
	"context"
	"encoding/json"
)

// Tool is one tool a model may be offered.
type Tool struct {
	// ServerID is the id of the MCP server that has the tool.
	ServerID string `json:"serverId"`
	// ServerName is the server's name, as the user gave it.
	ServerName string `json:"serverName"`
	// Name is the tool's name as the server gives it.
	Name string `json:"name"`
	// ModelName is the name the model sees and calls: unique across the
	// servers offered in one request.
	ModelName   string `json:"modelName"`
	Description string `json:"description"`
	// InputSchema is the JSON Schema of the tool's arguments (an object).
	InputSchema json.RawMessage `json:"inputSchema"`
	// AlwaysAllowed says the user allowed this tool always, in Settings.
	AlwaysAllowed bool `json:"alwaysAllowed"`
}

// Call is one call a model asked for.
type Call struct {
	// ID links the call to its result; the server's id where it gave one.
	ID string `json:"id"`
	// Name is the tool's [Tool.ModelName].
	Name string `json:"name"`
	// Arguments are the call's arguments, a JSON object.
	Arguments json.RawMessage `json:"arguments"`
}

// Result is what a call gave back, as text for the model and the user.
type Result struct {
	Text string `json:"text"`
	// IsError says the tool itself reported failure (MCP's isError).
	IsError bool `json:"isError,omitempty"`
	// Truncated says Text was cut at the size cap; FullBytes is how long it
	// was before.
	Truncated bool `json:"truncated,omitempty"`
	FullBytes int  `json:"fullBytes,omitempty"`
}

// Catalog lists the tools that can be offered.
type Catalog interface {
	// Available returns the tools of every enabled server, starting servers
	// that are not running yet. A server that fails is left out and its
	// failure is shown in Settings; Available fails only when none answers.
	Available(ctx context.Context) ([]Tool, error)
}

// Runner runs one call. It checks the arguments against the tool's schema
// first: arguments that do not match run nothing and return an error for
// which errors.As(err, new(*ArgumentsError)) holds, whose message is told
// to the model. Cancelling ctx (Stop, or the per-call timeout) cancels the
// call on the server.
type Runner interface {
	Run(ctx context.Context, tool Tool, arguments json.RawMessage) (Result, error)
}

// ArgumentsError says a call's arguments do not match the tool's schema.
type ArgumentsError struct {
	Tool   string
	Reason string
}

func (e *ArgumentsError) Error() string {
	return "the arguments for " + e.Tool + " do not match its schema: " + e.Reason
}

// PrettyArguments is a call's arguments indented for people; arguments
// that are not JSON are returned as they are.
func PrettyArguments(args string) string {
	var b bytes.Buffer
	if json.Indent(&b, []byte(args), "", "  ") != nil {
		return args
	}
	return b.String()
}
