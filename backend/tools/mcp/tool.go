package mcp

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"brook/backend/i18n"
)

// tool is one tool a server lists, with its schema checked.
type tool struct {
	name        string
	description string
	schema      json.RawMessage
	resolved    *jsonschema.Resolved
	// refused says why Brook does not use the tool (its schema is not
	// valid JSON Schema), worded when read; nil when it is usable.
	refused error
}

// newTool checks a listed tool's input schema: it must be a valid JSON
// Schema for an object.
func newTool(t *sdk.Tool) *tool {
	out := &tool{name: t.Name, description: t.Description}
	raw, err := json.Marshal(t.InputSchema)
	if err != nil || t.InputSchema == nil {
		out.refused = i18n.Errorf("MCP.noSchema", nil)
		return out
	}
	out.schema = raw
	var schema jsonschema.Schema
	if err := json.Unmarshal(raw, &schema); err != nil {
		out.refused = i18n.Errorf("MCP.schemaInvalid", i18n.Args{"Detail": clipUTF8(err.Error(), 300)})
		return out
	}
	if schema.Type != "object" {
		out.refused = i18n.Errorf("MCP.schemaNotObject", nil)
		return out
	}
	resolved, err := schema.Resolve(&jsonschema.ResolveOptions{ValidateDefaults: false})
	if err != nil {
		out.refused = i18n.Errorf("MCP.schemaInvalid", i18n.Args{"Detail": clipUTF8(err.Error(), 300)})
		return out
	}
	out.resolved = resolved
	return out
}

// check validates arguments against the tool's schema; an empty argument
// list is the empty object.
func (t *tool) check(arguments json.RawMessage) (map[string]any, error) {
	if len(strings.TrimSpace(string(arguments))) == 0 {
		arguments = json.RawMessage("{}")
	}
	var args map[string]any
	if err := json.Unmarshal(arguments, &args); err != nil || args == nil {
		return nil, fmt.Errorf("the arguments must be a JSON object")
	}
	if err := t.resolved.Validate(args); err != nil {
		return nil, fmt.Errorf("%s", strings.TrimPrefix(clipUTF8(err.Error(), 500), "validating root: "))
	}
	return args, nil
}

// modelNamePattern is what the model APIs accept as a function's name.
var modelNameBad = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

const maxModelName = 64

// cleanName makes s a function name the model APIs accept.
func cleanName(s string) string {
	s = strings.Trim(modelNameBad.ReplaceAllString(s, "_"), "_")
	if s == "" {
		s = "tool"
	}
	if len(s) > maxModelName {
		s = s[:maxModelName]
	}
	return s
}
