//go:build windows

package i18n

import "golang.org/x/sys/windows"

// DesktopLocale is the user's default UI language on Windows ("de-DE"),
// or "" when Windows does not say.
func DesktopLocale() string {
	langs, err := windows.GetUserPreferredUILanguages(windows.MUI_LANGUAGE_NAME)
	if err != nil || len(langs) == 0 {
		return ""
	}
	return langs[0]
}
