package localmodels

import (
	"testing"

	"brook/backend/guard"
)

func TestDefaultModelIsSmallAndNamedFully(t *testing.T) {
	d := DefaultModel
	if err := guard.OllamaModel(d.Name); err != nil {
		t.Errorf("DefaultModel.Name %q: %v", d.Name, err)
	}
	if withTag(d.Name) != d.Name || d.Name == withTag("llama3.2") {
		t.Errorf("DefaultModel.Name %q names no size tag: it would pull whatever :latest is", d.Name)
	}
	// Small: a first pull on an ordinary connection takes minutes, not an hour.
	if d.SizeBytes < 500_000_000 || d.SizeBytes > 2_000_000_000 {
		t.Errorf("DefaultModel.SizeBytes = %d, want a small model (0.5–2 GB)", d.SizeBytes)
	}
	if d.Why == "" {
		t.Error("DefaultModel says not why")
	}
}
