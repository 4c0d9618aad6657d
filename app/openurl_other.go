//go:build !linux

package app

import "github.com/wailsapp/wails/v2/pkg/runtime"

// openInBrowser opens link with the system's handler; only Linux's WebKit
// gets settings (webkitenv) that a browser must not inherit.
func openInBrowser(a *App, link string) { runtime.BrowserOpenURL(a.ctx, link) }
