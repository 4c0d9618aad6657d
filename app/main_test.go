package app

import (
	"os"
	"testing"
)

// TestMain runs the tests in English whatever the machine's locale: they
// compare Brook's English words, and the app follows the desktop's
// language when the settings name none.
func TestMain(m *testing.M) {
	os.Setenv("LC_ALL", "C.UTF-8")
	os.Exit(m.Run())
}
