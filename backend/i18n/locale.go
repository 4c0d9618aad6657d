//go:build !windows

package i18n

import "os"

// DesktopLocale is the desktop's language as a BCP 47 tag ("de-DE"), from
// LC_ALL, LC_MESSAGES or LANG, the first one set; "" for none or for the
// C and POSIX locales.
func DesktopLocale() string {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(name); v != "" {
			return posixToBCP47(v)
		}
	}
	return ""
}
