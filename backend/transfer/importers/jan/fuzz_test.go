package jan

import (
	"testing"

	"brook/backend/transfer/importers/importertest"
)

// FuzzParse feeds the parser arbitrary folders, seeded with the fixtures.
func FuzzParse(f *testing.F) { importertest.FuzzFolder(f, Importer) }
