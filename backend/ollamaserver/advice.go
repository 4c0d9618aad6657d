package ollamaserver

import (
	"strconv"
	"strings"

	"brook/backend/i18n"
)

// Install says how to install Ollama on a platform: a command to paste in
// a terminal, or a page to download it from. Brook shows them as text and
// downloads or runs nothing itself.
type Install struct {
	// Command is the official install command ("" where there is none).
	Command string `json:"command"`
	// Link is the official download page.
	Link string `json:"link"`
}

// InstallFor returns how to install Ollama on goos.
func InstallFor(goos string) Install {
	if goos == "linux" {
		return Install{Command: "curl -fsSL https://ollama.com/install.sh | sh", Link: "https://ollama.com/download/linux"}
	}
	return Install{Link: "https://ollama.com/download"}
}

// RestartHintFor says how to restart an Ollama that Brook did not start, on goos.
func RestartHintFor(goos string) string {
	switch goos {
	case "darwin":
		return i18n.T("OllamaServer.restartHintMac", nil)
	case "windows":
		return i18n.T("OllamaServer.restartHintWindows", nil)
	}
	return i18n.T("OllamaServer.restartHintLinux", nil)
}

// VersionNote is one calm line about a version of Ollama with a known
// failure that touches Brook's users, with what to do; "" for the others.
func VersionNote(version string) string {
	major, minor, ok := majorMinor(version)
	if !ok {
		return ""
	}
	if major == 0 && minor == 17 {
		return i18n.T("OllamaServer.version017", nil)
	}
	return ""
}

// majorMinor reads "0.17.4" (or "v0.17.4-rc1") as 0 and 17.
func majorMinor(version string) (major, minor int, ok bool) {
	parts := strings.SplitN(strings.TrimPrefix(strings.TrimSpace(version), "v"), ".", 3)
	if len(parts) < 2 {
		return 0, 0, false
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(strings.SplitN(parts[1], "-", 2)[0])
	return major, minor, err1 == nil && err2 == nil
}
