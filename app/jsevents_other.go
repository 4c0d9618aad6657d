//go:build !(linux && cgo && webkit2_41)

package app

import "errors"

// postToWindow is the Linux path; elsewhere events go through the Wails runtime.
func postToWindow(string, any) error { return errors.ErrUnsupported }
