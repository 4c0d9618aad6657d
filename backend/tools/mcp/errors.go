package mcp

import (
	"fmt"

	"brook/backend/i18n"
)

// The kinds of failure; test for them with errors.Is. Each says its words
// from the catalogue when read. Arguments that do
// not match a tool's schema are a *tools.ArgumentsError instead.
var (
	// ErrClosed: Brook is quitting and starts no server.
	ErrClosed = i18n.New("MCP.closed")
	// ErrUnknownServer: no tool server has that ID, or it is turned off.
	ErrUnknownServer = i18n.New("MCP.unknownServer")
	// ErrUnknownTool: the server offers no tool of that name.
	ErrUnknownTool = i18n.New("MCP.unknownTool")
	// ErrToolRefused: the tool's input schema is not valid JSON Schema, so
	// Brook neither offers nor runs it.
	ErrToolRefused = i18n.New("MCP.toolRefused")
	// ErrStart: the server could not be started or did not answer MCP's
	// handshake.
	ErrStart = i18n.New("MCP.start")
	// ErrCrashed: the server stopped while Brook was using it.
	ErrCrashed = i18n.New("MCP.crashed")
	// ErrProtocol: the server sent something that is not MCP's JSON-RPC.
	ErrProtocol = i18n.New("MCP.protocol")
	// ErrReplyTooLarge: one reply was larger than Brook reads.
	ErrReplyTooLarge = i18n.New("MCP.replyTooLarge")
	// ErrTimeout: a call outlasted its server's timeout.
	ErrTimeout = i18n.New("MCP.timeout")
	// ErrRestartLimit: the server failed too often lately to be started again yet.
	ErrRestartLimit = i18n.New("MCP.restartLimit")
	// ErrCallFailed: the server answered the call with an error.
	ErrCallFailed = i18n.New("MCP.callFailed")
)

// ServerError is a failure of one server: Kind is one of the errors above,
// Reason says what happened in plain words (nil when nothing more is
// known), and Stderr holds the last lines the server wrote to its standard
// error, if it is a command.
type ServerError struct {
	Server string
	Kind   error
	Reason error
	Stderr []string
}

func (e *ServerError) Error() string {
	if e.Reason == nil {
		return fmt.Sprintf("%s: %v", e.Server, e.Kind)
	}
	return fmt.Sprintf("%s: %v: %v", e.Server, e.Kind, e.Reason)
}

// said is a reason in the server's or the system's own words, which Brook
// passes on as they are.
type said string

func (s said) Error() string { return string(s) }

// reasonText is a reason's words in the language current now; nil says nothing.
func reasonText(reason error) string {
	if reason == nil {
		return ""
	}
	return reason.Error()
}

// Unwrap makes errors.Is(err, e.Kind) hold.
func (e *ServerError) Unwrap() error { return e.Kind }
