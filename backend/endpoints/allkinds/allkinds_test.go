package allkinds

import (
	"slices"
	"testing"

	"brook/backend/endpoints/kind"
)

// TestEveryKindIsRegisteredInSettingsOrder: Settings offers Ollama first,
// as new endpoints start from the first kind's defaults.
func TestEveryKindIsRegisteredInSettingsOrder(t *testing.T) {
	if ids := kind.IDs(); !slices.Equal(ids, []string{"ollama", "openai"}) {
		t.Fatalf("registered kinds = %v", ids)
	}
}
