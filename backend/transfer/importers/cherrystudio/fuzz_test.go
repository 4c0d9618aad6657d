package cherrystudio

import (
	"testing"

	"brook/backend/transfer/importers/importertest"
)

// FuzzParse feeds the parser arbitrary files, seeded with the fixtures.
func FuzzParse(f *testing.F) { importertest.Fuzz(f, Importer) }
