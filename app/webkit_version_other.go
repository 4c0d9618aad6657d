//go:build !(linux && cgo && webkit2_41)

package app

// webkitVersion is "" where Brook cannot ask cheaply; diagnostics leave it out.
func webkitVersion() string { return "" }
