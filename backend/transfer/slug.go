package transfer

// Slug is the file-name-safe, lower-case form of a title that export file
// names use: letters and digits of any script, joined by dashes, at most
// 48 of them; "conversation" when nothing is left.
func Slug(title string) string { return slug(title) }
