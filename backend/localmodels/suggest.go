package localmodels

// Suggestion is a model offered to someone whose Ollama has none yet: a
// one-click pull, with its download size shown before it starts.
type Suggestion struct {
	// Name is the model as Ollama names it, with its tag.
	Name string `json:"name"`
	// SizeBytes is about what the pull downloads, in bytes.
	SizeBytes int64 `json:"sizeBytes"`
	// Why says in a sentence why this one.
	Why string `json:"why"`
}

// DefaultModel is the one model Brook suggests for a first pull: small
// enough to download quickly and to answer at a readable pace on a laptop
// without a GPU. The UI shows its name and size from here (through
// LocalModelsService.SuggestedModel) and never names a model of its own.
//
// The size is that of ollama.com/library/llama3.2:1b (1.3 GB, Q8_0 weights
// plus template and license).
var DefaultModel = Suggestion{
	Name:      "llama3.2:1b",
	SizeBytes: 1_321_000_000,
	Why:       "Meta's smallest Llama 3.2: a quick download that answers well enough on an ordinary laptop, even without a GPU.",
}
