package mcp

import (
	"errors"
	"fmt"
)

// The kinds of failure; test for them with errors.Is. Arguments that do
// not match a tool's schema are a *tools.ArgumentsError instead.
var (
	// ErrClosed: Brook is quitting and starts no server.
	ErrClosed = errors.New("Brook is closing")
	// ErrUnknownServer: no tool server has that ID, or it is turned off.
	ErrUnknownServer = errors.New("no such tool server, or it is turned off")
	// ErrUnknownTool: the server offers no tool of that name.
	ErrUnknownTool = errors.New("the server offers no such tool")
	// ErrToolRefused: the tool's input schema is not valid JSON Schema, so
	// Brook neither offers nor runs it.
	ErrToolRefused = errors.New("Brook does not use this tool")
	// ErrStart: the server could not be started or did not answer MCP's
	// handshake.
	ErrStart = errors.New("the tool server did not start")
	// ErrCrashed: the server stopped while Brook was using it.
	ErrCrashed = errors.New("the tool server stopped")
	// ErrProtocol: the server sent something that is not MCP's JSON-RPC.
	ErrProtocol = errors.New("the tool server broke the protocol")
	// ErrReplyTooLarge: one reply was larger than Brook reads.
	ErrReplyTooLarge = errors.New("the tool server's reply is too large")
	// ErrTimeout: a call outlasted its server's timeout.
	ErrTimeout = errors.New("the tool call timed out")
	// ErrRestartLimit: the server failed too often lately to be started again yet.
	ErrRestartLimit = errors.New("the tool server failed too often; Brook waits before starting it again")
	// ErrCallFailed: the server answered the call with an error.
	ErrCallFailed = errors.New("the tool server refused the call")
)

// ServerError is a failure of one server: Kind is one of the errors above,
// Reason says what happened in plain words, and Stderr holds the last lines
// the server wrote to its standard error, if it is a command.
type ServerError struct {
	Server string
	Kind   error
	Reason string
	Stderr []string
}

func (e *ServerError) Error() string {
	if e.Reason == "" {
		return fmt.Sprintf("%s: %v", e.Server, e.Kind)
	}
	return fmt.Sprintf("%s: %v: %s", e.Server, e.Kind, e.Reason)
}

// Unwrap makes errors.Is(err, e.Kind) hold.
func (e *ServerError) Unwrap() error { return e.Kind }
