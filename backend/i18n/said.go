package i18n

// Said reports whether text is message id (with no args) in one of the
// languages Brook speaks: for words stored in the language current then,
// such as a placeholder title, that must still be recognised after the
// language changed.
func Said(id, text string) bool {
	for _, tag := range Languages {
		if In(tag, id, nil) == text {
			return true
		}
	}
	return false
}
