package i18n

import "strings"

// posixToBCP47 turns a POSIX locale name ("pt_BR.UTF-8", "sr_RS@latin")
// into a BCP 47 tag ("pt-BR"); "" for C, POSIX and empty names.
func posixToBCP47(v string) string {
	if i := strings.IndexAny(v, ".@"); i >= 0 {
		v = v[:i]
	}
	if v == "C" || v == "POSIX" {
		return ""
	}
	return strings.ReplaceAll(v, "_", "-")
}
